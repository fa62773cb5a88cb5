"""Property tests of the archival text edition over generated articles."""

from __future__ import annotations

from conftest import assert_words_in_order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.errors import PublishError
from publish.model import ENCODING_HOW, Provenance
from publish.options import RenderOptions
from publish.readers import parse
from publish.readers.source import clean_text
from publish.render.epub import render_epub
from publish.render.pdf import render_pdf
from publish.render.text import display_width, render_text

WORDS = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "Azerbaijan's",
        "haven't",
        "'90s",
        '"quoted',
        'speech,"',
        "[editor's",
        "note]",
        "--",
        "...",
        "a.",
        "B.",
        "Mr.",
        "U.S.",
        "e-mail",
        "https://example.org/a/really/long/path?q=1&x=2",
        "ə",
        "şəhər",
        "Ağdam",
        "Москва",
        "«цитата»",
        "Երևան",
        "თბილისი",
        "日本語",
        "中文字",
        "(parens)",
        "&",
        "<b>",
        "{{",
        "}}",
        "%",
        "—",
        "–",
        "1,500",
        "2023-09-21",
        ":",
        ";",
        "?",
        "!",
        "'",
        '"',
        "[",
        "]",
        "“",
        "”",
        "‘",
        "’",
        "BAKU,",
        "Azerbaijan,",
        "September",
        "21.",
        "title:",
        "date:",
        "X",
    ]
)
sentence = st.lists(WORDS, min_size=1, max_size=25).map(" ".join)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
header_value = st.lists(
    st.sampled_from(["Trend", "Jane", "O'Neil", "Ağa", "Иван", "&", "<x>", "Co."]), min_size=1, max_size=3
).map(" ".join)


LEADS = st.sampled_from(
    [
        "",
        "BAKU, Azerbaijan, September 21. ",
        "MOSCOW (Reuters) - ",
        "WASHINGTON -- ",
        "თბილისი, 20 აგვისტო. ",
        "NATO, the alliance. ",
        "ЕРЕВАН, 12 июля. ",
        "BAKU, Azerbaijan, Sept. 3 (Trend) -- ",
        "PARIS: ",
        '"Quote" -- ',
        # Shapes that once gave editions that did not parse back to the same article.
        "PARIS . ",
        "PARIS ... ",
        "PARIS, May 5.. ",
        "PARIS, May 5... ",
        "PARIS .. ",
        "ԵՐԵՎԱՆ, 12 հուլիսի։ ",
        "ԵՐԵՎԱՆ։ ",
        "BAKU /Trend/ - ",
        "МОСКВА, 2 мая. /ТАСС/. ",
        "МОСКВА, 2 мая — РИА Новости. ",
        "BAKU, May 2 /Trend/ -- ",
    ]
)
#: Provenance as the reading step hands it to the parser (names that need escaping included).
PROVENANCES = st.one_of(
    st.none(),
    st.builds(
        Provenance.of,
        st.binary(max_size=20),
        st.sampled_from(
            [
                "seeds/a.txt",
                "wire story.txt",
                "a  b\tc.txt",
                " x ",
                "Ərdoğan/«x».txt",
                "w\udcff.txt",
                "long/" + "folder " * 12 + "name.txt",
            ]
        ),
        st.sampled_from(["utf-8", "utf-16-le", "cp1251"]),
        st.sampled_from(ENCODING_HOW),
        st.just("0.1.0"),
    ),
)


@st.composite
def article_texts(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(f"title: {draw(sentence)}")
    if draw(st.booleans()):
        lines.append(f"date: 20{draw(st.integers(10, 30))}-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}")
    if draw(st.booleans()):
        lines.append(f"author: {draw(header_value)}")
    if draw(st.booleans()):
        lines.append(f"source: {draw(header_value)}")
    if draw(st.booleans()):
        lines.append(f"slug: {draw(st.sampled_from(['my-slug', 'Ünïcode Slug 2023-09-21', '../x', '']))}")
    if draw(st.booleans()):
        lines.append(f"language: {draw(st.sampled_from(['en', 'az', 'ru', 'hy', 'ka', 'en-US']))}")
    body = draw(st.lists(paragraph, min_size=1, max_size=5))
    body[0] = draw(LEADS) + body[0]
    if not lines and draw(st.booleans()):
        lines.append(draw(st.sampled_from(["A short headline", "Ərdoğan visits Baku", "Итоги года"])))
        return lines[0] + "\n\n" + "\n\n".join(body) + "\n"
    if draw(st.booleans()) and lines:
        lines[0] = " date 2023-09-21 " + body.pop(0) if len(body) > 1 else lines[0]
        if lines[0].startswith(" date"):
            return lines[0] + "\n\n" + "\n\n".join(body) + "\n"
    head = "\n".join(lines) + "\n\n" if lines else ""
    return head + "\n\n".join(body) + "\n"


def parse_or_none(text: str, provenance: Provenance | None = None, keep_breaks: bool = False):
    try:
        return parse(clean_text(text)[0], "generated.txt", provenance=provenance, keep_breaks=keep_breaks).article
    except PublishError:
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_texts(), st.integers(min_value=30, max_value=100), PROVENANCES, st.booleans())
def test_text_edition_round_trips_losslessly(text, width, provenance, keep_breaks):
    article = parse_or_none(text, provenance, keep_breaks)
    if article is None:
        return
    edition = render_text(article, RenderOptions(width=width)).decode("utf-8")
    # Form.
    assert edition.endswith("\n") and not edition.endswith("\n\n")
    assert "\r" not in edition and "\t" not in edition and "\ufeff" not in edition
    for line in edition.split("\n"):
        assert line == line.rstrip()
        assert display_width(line) <= width or len(line.split()) <= 2, line
    # Lossless: every word of the body, in order.
    body = edition.split("\n\n", 1)[1]
    assert_words_in_order(article.words, body)
    # Round trip: the same article, provenance and derived fields carried through.
    again = parse(edition, "edition.txt").article
    assert again == article
    assert again.identifier == article.identifier
    assert again.provenance == article.provenance and again.derived == article.derived


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_texts(), PROVENANCES)
def test_rebuilt_editions_are_byte_identical(text, provenance):
    article = parse_or_none(text, provenance)
    if article is None:
        return
    again = parse(render_text(article).decode("utf-8"), "edition.txt").article
    assert render_epub(again) == render_epub(article)
    assert render_pdf(again) == render_pdf(article)
