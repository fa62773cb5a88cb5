from conftest import CORPUS, GOOD_CORPUS, SEED, article_from, assert_words_in_order
from hypothesis import given
from hypothesis import strategies as st

from publish.options import RenderOptions
from publish.readers import parse
from publish.render.text import display_width, render_text, wrap


def test_seed_text_edition(seed_article):
    data = render_text(seed_article)
    text = data.decode("utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and "\t" not in text
    # A single word wider than the column (a long Source-File path) stands alone on its line.
    assert all(display_width(line) <= 72 or len(line.split()) == 1 for line in text.split("\n"))
    assert all(line == line.rstrip() for line in text.split("\n"))
    header, body = text.split("\n\n", 1)
    assert "Date: 2023-09-21" in header and "Source: Trend" in header
    assert "Dateline: BAKU, Azerbaijan, September 21" in header
    assert f"Identifier: {seed_article.identifier}" in header
    assert body.startswith("BAKU, Azerbaijan, September 21. Azerbaijan conducted")
    assert_words_in_order(seed_article.words, body)
    assert "[which haven't been withdrawn" in body.replace("\n", " ")  # the wire's apostrophes, kept


def test_every_source_word_in_order_in_the_text_edition():
    """The archival text is the wire's text: every word exactly as sent, in order."""
    raw = SEED.read_text(encoding="utf-8").replace("date 2023-09-21", "", 1)
    edition = render_text(article_from(SEED)).decode().split("\n\n", 1)[1]
    assert edition.split() == raw.split()


def test_text_edition_round_trips_for_the_corpus():
    for path in [SEED, *GOOD_CORPUS]:
        article = article_from(path)
        again = parse(render_text(article).decode(), "edition.txt").article
        assert again == article, path


def test_width_option_and_wide_characters():
    assert wrap("日本語 日本語 日本語", 13) == ["日本語 日本語", "日本語"]
    assert wrap("日本語 日本語 日本語", 12) == ["日本語", "日本語", "日本語"]
    long_word = "https://example.org/" + "x" * 100
    assert wrap(f"see {long_word} now", 40) == ["see", long_word, "now"]
    article = article_from(CORPUS / "header_block.txt")
    narrow = render_text(article, RenderOptions(width=40)).decode()
    for line in narrow.split("\n"):
        # Only an unbreakable token (the urn:uuid) may overrun the column.
        assert display_width(line) <= 40 or len(line.split()) <= 2, line


WORDS = st.lists(st.text(alphabet="abжзიკ日本-", min_size=1, max_size=30), max_size=15)


@given(
    words=WORDS,
    spaces=st.sampled_from([" ", "  "]),
    width=st.integers(1, 40),
    first_prefix=st.sampled_from(["", "Title: ", "  "]),
    next_prefix=st.sampled_from(["", "  "]),
)
def test_wrap_is_a_lossless_greedy_fill(words, spaces, width, first_prefix, next_prefix):
    # Covers both the one-column fast path and the display-width path (wide 日本, double spaces).
    lines = wrap(spaces.join(words), width, first_prefix, next_prefix)
    assert lines[0].startswith(first_prefix) and all(line.startswith(next_prefix) for line in lines[1:])
    bodies = [lines[0][len(first_prefix) :], *(line[len(next_prefix) :] for line in lines[1:])]
    assert " ".join(bodies).split() == words
    for index, (line, body) in enumerate(zip(lines, bodies)):
        # A line overruns only with a single word; the next line's first word did not fit.
        assert display_width(line) <= width or len(body.split()) <= 1
        if index + 1 < len(lines):
            assert display_width(line) + 1 + display_width(bodies[index + 1].split()[0]) > width


def test_an_edition_is_read_as_a_complete_record(tmp_path):
    """Nothing is guessed when the text edition is read back: not a date from its file
    name, a dateline or an agency from its lead, nor a title from its first line."""
    from publish.building.builder import build
    from publish.readers import read_article

    source = tmp_path / "in.txt"
    source.write_text(
        "title: Report on 2023-09-21 talks\nslug: my-own-slug\nauthor:\n\n"
        "MOSCOW. Officials said little, an aide told Trend.\n"
    )
    article = article_from(source)
    assert article.author is None and article.date is None
    assert article.source == "Trend" and article.dateline.place == "MOSCOW"
    stripped = parse(
        render_text(article).decode().replace("Source: Trend\n", "").replace("Dateline: MOSCOW.\n", ""), "edition.txt"
    ).article
    assert stripped.source is None and stripped.dateline is None
    assert stripped.blocks[0].text.startswith("MOSCOW. Officials")
    out = tmp_path / "out"
    assert build([source], out, formats=["txt"]).ok
    edition = out / "my-own-slug.txt"
    assert "Slug: my-own-slug" in edition.read_text()
    undated = tmp_path / "undated-report-on-2023-09-21-talks.txt"
    plain = tmp_path / "plain.txt"
    plain.write_text("title: Report on 2023-09-21 talks\n\nBody text.\n")
    undated.write_bytes(render_text(article_from(plain)))
    again = read_article(undated)
    assert again.article.date is None and again.article == article_from(plain)
    assert read_article(edition).article == article


def test_provenance_in_the_header_and_carried_through_a_re_read(tmp_path):
    """The header says where the article came from; reading the edition back carries the
    original's provenance, not the edition file's own, and keeps the identifier."""
    import hashlib

    from publish import __version__
    from publish.readers import read_article
    from publish.render.epub import render_epub
    from publish.render.pdf import render_pdf

    source = tmp_path / "wire story.txt"
    source.write_bytes("ԵՐԵՎԱՆ, 2 մայիսի։ Բանակցությունները վերսկսվել են։\n".encode("utf-16-le"))
    article = read_article(source).article
    edition = render_text(article).decode()
    assert all(display_width(line) <= 72 or len(line.split()) <= 2 for line in edition.split("\n"))
    header = edition.split("\n\n")[0].replace("\n  ", " ").replace(":  ", ": ").split("\n")
    assert header[-5:] == [
        "Derived: title, language",
        f"Source-File: {source}",
        f"Source-SHA256: {hashlib.sha256(source.read_bytes()).hexdigest()}",
        "Source-Encoding: utf-16-le (detected)",
        f"Publish-Version: {__version__}",
    ]
    assert edition.split("\n\n")[1] == "ԵՐԵՎԱՆ, 2 մայիսի։ Բանակցությունները վերսկսվել են։\n"
    copy = tmp_path / "copy.txt"
    copy.write_text(edition, encoding="utf-8")
    again = read_article(copy)
    assert again.warnings == ()
    assert again.article == article and again.article.provenance == article.provenance
    assert again.article.identifier == article.identifier
    assert render_text(again.article) == render_text(article)
    assert render_epub(again.article) == render_epub(article)
    assert render_pdf(again.article) == render_pdf(article)


def test_an_edition_without_provenance_gets_its_own(tmp_path):
    from publish.readers import read_article

    plain = parse("title: T\ndate: 2024-01-02\nlanguage: en\n\nBody.").article
    path = tmp_path / "edition.txt"
    path.write_bytes(render_text(plain))
    assert "Source-File" not in path.read_text()
    again = read_article(path).article
    assert again.provenance is not None and again.provenance.name == str(path)
    assert again.identifier == plain.identifier


def test_odd_file_names_are_escaped_and_read_back(tmp_path):
    from publish.model import printable_name

    assert printable_name("a  b\tc\udcff.txt") == "a\\x20\\x20b\\x09c\\xff.txt"
    assert printable_name(" x\u202e.txt") == "\\x20x\\u202e.txt"
    name = "wire/" + "long folder name " * 6 + "story.txt"
    from publish.model import Provenance

    article = parse("title: T\n\nBody.", provenance=Provenance.of(b"x", name, "utf-8", "detected", "0")).article
    edition = render_text(article, RenderOptions(width=40)).decode()
    assert parse(edition, "edition.txt").article.provenance == article.provenance
