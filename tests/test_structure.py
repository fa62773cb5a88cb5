"""Faithful to the wire: lists, subheadings, quotations, separators, datelines and bylines as
filed, every character kept, in the model and in every edition (issue 26).

Fixtures in tests/corpus/structure/ are agency-style items in ten languages, in the Latin,
Cyrillic, Armenian, Georgian, Arabic, Hebrew and Devanagari scripts."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, SEED, article_from, epubcheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from publish.model import (
    Article,
    BlockQuote,
    Creator,
    Dateline,
    Editorial,
    Emphasis,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Quotation,
    Separator,
    Text,
    make_slug,
)
from publish.readers import parse, read_bytes
from publish.readers.agencies import DATELINE_FORMS, find_dateline, read_byline
from publish.readers.headlines import derive_title
from publish.readers.lexing import parse_inlines
from publish.readers.source import read_source
from publish.render.epub import render_epub
from publish.render.pdf import render_pdf
from publish.render.text import render_text

STRUCTURE = CORPUS / "structure"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}

#: fixture -> (the kinds of its blocks, the dateline as filed, the creators, the source).
FIXTURES: dict[str, tuple[list[str], str | None, list[str], str | None]] = {
    "en_ap.txt": (
        ["P", "P", "H", "L", "H", "P", "Q", "S", "P"],
        "NEW ORLEANS (AP) —",
        ["Maria Gonzalez", "Tom Becker"],
        "AP",
    ),
    "de_dpa.txt": (["P", "H", "L", "P", "S", "P"], "Berlin (dpa) -", ["Christian Hollmann"], "dpa"),
    "fr_afp.txt": (["P", "H", "L", "P", "P"], "FRANCFORT, 17 oct 2024 (AFP) -", ["Jean Dupont", "Marie Curie"], "AFP"),
    "es_efe.txt": (["P", "H", "L", "P"], "Madrid, 5 mar (EFE).-", [], "EFE"),
    "ru_interfax.txt": (["P", "H", "L", "P", "P"], "МОСКВА, 2 мая. /ТАСС/.", [], "TASS"),
    "hy_armenpress.txt": (["P", "H", "L", "P"], "Երևան, 12 ապրիլի։", [], "Armenpress"),
    "ar_reuters.txt": (["P", "H", "L", "P"], "باكو، 17 أكتوبر (رويترز) -", [], "Reuters"),
    "hi_pti.txt": (["P", "H", "L", "P"], "बाकू, 17 अक्टूबर।", [], None),
    "ka_interpressnews.txt": (["P", "H", "L", "P"], "თბილისი, 21 აგვისტო.", [], "Interpressnews"),
    "he_reuters.txt": (["P", "H", "L", "S", "P"], "ירושלים (רויטרס) -", [], "Reuters"),
}
_KINDS = {Paragraph: "P", Heading: "H", ListBlock: "L", BlockQuote: "Q", Separator: "S"}


@pytest.mark.parametrize("name", FIXTURES)
def test_the_structure_news_uses_is_read_in_every_script(name):
    kinds, filed, creators, source = FIXTURES[name]
    parsed = read_bytes((STRUCTURE / name).read_bytes(), STRUCTURE / name)
    article = parsed.article
    assert [_KINDS[type(block)] for block in article.blocks] == kinds
    assert article.dateline is not None and article.dateline.filed == filed
    assert [creator.name for creator in article.creators] == creators
    assert article.source == source
    assert not [warning for warning in parsed.warnings if "joined" in warning]


def test_lists_keep_their_markers_and_numbers_and_a_broken_run_stays_text():
    article = article_from(STRUCTURE / "fr_afp.txt")
    numbered = next(block for block in article.blocks if isinstance(block, ListBlock))
    assert (numbered.ordered, numbered.marker, numbered.start) == (True, ".", 1)
    assert numbered.markers() == ["1.", "2."]
    assert article.blocks[3] == Paragraph((Text("3) Un troisième point, numéroté autrement."),))
    bullets = next(block for block in article_from(STRUCTURE / "de_dpa.txt").blocks if isinstance(block, ListBlock))
    assert (bullets.ordered, bullets.marker, len(bullets.items)) == (False, "\u2022", 3)  # across blank lines
    wrapped = next(block for block in article_from(STRUCTURE / "en_ap.txt").blocks if isinstance(block, ListBlock))
    assert (
        wrapped.items[1].text == "The Louis Armstrong New Orleans International Airport, until at least Friday morning"
    )


@pytest.mark.parametrize(
    "body, texts",
    [
        # One dash item between paragraphs: dialogue or a dash, not a list.
        ("Lead paragraph here.\n\n- Only one item\n\nMore text.", ["- Only one item"]),
        # Dialogue, a dash a paragraph: never a list.
        ("Lead.\n\n– Да, – сказал он.\n\n– Нет.\n\nКонец.", ["– Да, – сказал он.", "– Нет."]),
        # A hard-wrapped paragraph with one line that opens with a dash.
        ("Lead.\n\nThe minister said the plan\n- which had been delayed - would start.\n\nEnd.", None),
        # Numbers out of sequence.
        ("Lead.\n\n1. First\n3. Third\n\nEnd.", ["1. First", "3. Third"]),
    ],
)
def test_a_malformed_list_or_heading_never_loses_a_word(body, texts):
    article = parse(f"title: T\ndate: 2024-01-01\n\n{body}\n").article
    assert not any(isinstance(block, ListBlock) for block in article.blocks)
    words = [word for block in article.blocks for text in block.texts() for word in text.split()]
    assert words == body.split()
    if texts is not None:
        assert [block.text for block in article.blocks[1:-1]] == texts


def test_subheadings_are_short_unpunctuated_lines_or_capitals_between_paragraphs():
    text = (
        "title: T\ndate: 2024-01-01\n\nThe lead sentence is long enough.\n\nWHAT'S CLOSED:\n\nSchools are.\n\n"
        "What comes next\n\nMore.\n\nA short line that ends.\n\nThe end without a stop"
    )
    blocks = parse(text).article.blocks
    assert [type(block).__name__ for block in blocks] == [
        "Paragraph",
        "Heading",
        "Paragraph",
        "Heading",
        "Paragraph",
        "Paragraph",
        "Paragraph",  # the last line is no heading: nothing follows it
    ]


# --- Every edition renders it ----------------------------------------------------------------


def test_the_epub_marks_up_the_structure_and_is_valid(tmp_path):
    article = article_from(STRUCTURE / "en_ap.txt")
    data = render_epub(article)
    book = tmp_path / "story.epub"
    book.write_bytes(data)
    assert epubcheck(book) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("EPUB/article.xhtml"))
        opf = archive.read("EPUB/content.opf").decode()
    section = root.find(".//x:section", XHTML)
    tags = [
        etree.QName(child).localname for child in section if etree.QName(child).localname not in ("header", "footer")
    ]
    assert tags == ["p", "p", "h2", "ul", "h2", "p", "blockquote", "hr", "p"]
    assert section.findtext("x:ul/x:li", namespaces=XHTML) == "Public schools in Orleans Parish"
    assert section.findtext("x:p/x:span[@class='dateline cased']", namespaces=XHTML) == "NEW ORLEANS (AP) —"
    assert section.findtext("x:header/x:p[@class='byline']", namespaces=XHTML) == "Maria Gonzalez and Tom Becker"
    # Two creators, each refined as an author (MARC relator aut); the agency is the source.
    assert re.findall(r"<dc:creator[^>]*>([^<]+)</dc:creator>", opf) == ["Maria Gonzalez", "Tom Becker"]
    assert opf.count(">aut</meta>") == 2 and "<dc:source>AP</dc:source>" in opf


def test_the_pdf_sets_the_structure_in_order_and_names_every_creator():
    article = article_from(STRUCTURE / "de_dpa.txt")
    reader = PdfReader(io.BytesIO(render_pdf(article)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Christian Hollmann · 12. März 2024 · dpa" in text
    order = [
        "Berlin (dpa) - Der Streik",
        "Was Fahrgäste jetzt wissen müssen",
        "• Fahrkarten",
        "• Die Bahn",
        "• Auskünfte",
        "Die Gewerkschaft",
        "Mehr zum Thema",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_creator == ["Christian Hollmann"]
    two = article_from(STRUCTURE / "en_ap.txt")
    two_reader = PdfReader(io.BytesIO(render_pdf(two)))
    assert two_reader.xmp_metadata.dc_creator == ["Maria Gonzalez", "Tom Becker"]
    assert "Maria Gonzalez and Tom Becker · September 12, 2024 · AP" in two_reader.pages[0].extract_text()


def test_the_archival_text_writes_each_block_in_its_plain_form_and_reads_back_exactly():
    article = article_from(STRUCTURE / "en_ap.txt")
    edition = render_text(article).decode()
    header, body = edition.split("\n\n", 1)
    assert "Dateline: NEW ORLEANS (AP) —" in header
    assert "Byline: By Maria Gonzalez and Tom Becker" in header
    assert "Author: Maria Gonzalez; Tom Becker" in header
    assert body.split("\n\n")[2:8] == [
        "## WHAT'S CLOSED",
        "  - Public schools in Orleans Parish\n"
        "  - The Louis Armstrong New Orleans International Airport, until at\n"
        "    least Friday morning\n"
        "  - Most state offices",
        "## What comes next",
        'Forecasters said the storm would weaken as it moved north. "We are not\nout of the woods yet," Mayor '
        "LaToya Cantrell said.",
        "> Stay off the roads. Stay home. Check on your neighbours.",
        "___",
    ]
    again = parse(edition, "edition.txt").article
    assert again == article
    assert render_epub(again) == render_epub(article) and render_pdf(again) == render_pdf(article)


@pytest.mark.parametrize(
    "path",
    [SEED, *sorted(CORPUS.glob("*.txt")), *sorted(STRUCTURE.glob("*.txt")), *sorted((CORPUS / "hostile").glob("*"))],
    ids=lambda path: path.name,
)
def test_no_character_of_the_source_that_is_content_is_lost_in_the_archival_text(path):
    """Every character the wire sent (hygiene's removals aside: controls, BOMs, stray
    zero-widths, which it reports) is in the text edition, as many times: no-break
    spaces, quotes, dashes, datelines and list markers included. Header keys are syntax."""
    source = read_source(path.read_bytes(), str(path)).text
    source = re.sub(r"(?m)^ {0,3}> ?", "", source)  # a quotation's `>` on each line it was wrapped to
    source = re.sub(r"(?m)\A\s*date\s+(?=\d{4}-)", "", source)  # the Trend shape's own keyword
    head, _, rest = source.partition("\n\n")
    if re.match(r"[A-Za-z][\w-]*\s*:", head):  # a header block: its keys are syntax, its values content
        source = re.sub(r"(?m)^[A-Za-z][\w-]*\s*:", "", head) + "\n\n" + rest
    edition = render_text(article_from(path)).decode()
    lost = Counter(source) - Counter(edition)
    assert not {char: count for char, count in lost.items() if char not in " \t\n"}


# --- ninjs HTML maps onto the model ----------------------------------------------------------


def _ninjs(**fields: object) -> bytes:
    return json.dumps({"uri": "urn:x:1", "type": "text", "language": "en", **fields}).encode()


def test_ninjs_html_structure_and_inline_markup_map_onto_the_model():
    html = (
        "<p><b>WASHINGTON</b> — The <i>Senate</i> passed the bill, <a href='https://example.com/bill'>"
        "the text</a> says.</p><h2>What's in it</h2><ul><li>Money for <em>roads</em></li><li>Rail</li></ul>"
        "<ol start='3'><li>Third</li><li>Fourth</li></ol><blockquote><p>We did it.</p><p>Twice.</p></blockquote>"
        "<hr/><h3>Reaction</h3><p>Markets rose.</p>"
    )
    article = read_bytes(_ninjs(headlines=[{"role": "main", "value": "Bill"}], body_html=html), Path("x.json")).article
    kinds = [_KINDS[type(block)] for block in article.blocks]
    assert kinds == ["P", "H", "L", "L", "Q", "S", "H", "P"]
    assert article.dateline.filed == "WASHINGTON —"  # the bold dateline, read as one
    lead = article.blocks[0]
    assert lead.runs == (
        Text("The "),
        Emphasis((Text("Senate"),)),
        Text(" passed the bill, "),
        Link((Text("the text"),), "https://example.com/bill"),
        Text(" says."),
    )
    assert article.blocks[2].items[0].runs == (Text("Money for "), Emphasis((Text("roads"),)))
    assert (article.blocks[3].ordered, article.blocks[3].start) == (True, 3)
    assert article.blocks[4].texts() == ("We did it.", "Twice.")
    assert (article.blocks[1].level, article.blocks[6].level) == (2, 3)
    again = parse(render_text(article).decode(), "x.txt").article
    assert again == article  # emphasis and links in the archival notation read back


_DATED = {"versioncreated": "2024-03-01T09:00:00Z"}


@pytest.mark.parametrize("tag", ["svg", "figure", "iframe", "object", "math", "noscript", "template"])
def test_an_unclosed_element_never_swallows_the_rest_of_the_body(tag):
    """Issue 29, point 28: the rest of the article was dropped with no warning."""
    html = f"<p>One para.</p><{tag}><p>Two para inside.</p><p>Three para.</p>"
    parsed = read_bytes(_ninjs(headlines=[{"role": "main", "value": "Bill"}], body_html=html, **_DATED), Path("x.json"))
    assert tuple(parsed.article.body_texts()) == ("One para.", "Two para inside.", "Three para.")
    assert len(parsed.warnings) == 1
    assert f"a <{tag}> holds" in parsed.warnings[0] and "(is it closed?)" in parsed.warnings[0]


def test_unclosed_iframes_by_the_thousand_are_read_in_linear_work():
    html = "<p>One.</p>" + "<iframe><p>x</p>" * 4000
    parsed = read_bytes(_ninjs(headlines=[{"role": "main", "value": "Bill"}], body_html=html, **_DATED), Path("x.json"))
    texts = tuple(parsed.article.body_texts())
    assert texts[:9] == ("One.",) + ("x",) * 8  # eight re-read as the body they were
    assert texts[9].count("<iframe>") == 4000 - 9  # the rest kept as its text, tags and all
    assert parsed.warnings == ("a <iframe> holds the rest of the body (is it closed?): it is read as text",) * 9


def test_the_richer_ninjs_body_wins_and_descriptions_are_a_body_when_there_is_no_other():
    plain = "One paragraph holding everything the HTML body splits into four."
    html = "<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p>"
    bodies = [
        {"role": "main", "contenttype": "text/plain", "value": plain},
        {"role": "main", "contenttype": "text/html", "value": html},
    ]
    article = read_bytes(_ninjs(headline="H", bodies=bodies), Path("x.json")).article
    assert [block.text for block in article.blocks] == ["One.", "Two.", "Three.", "Four."]
    ntb = _ninjs(
        headline="Brann",
        descriptions=[{"role": "summary", "value": "Kort."}, {"role": "text", "value": "Første.\n\nAndre."}],
    )
    assert [block.text for block in read_bytes(ntb, Path("ntb.json")).article.blocks] == ["Første.", "Andre."]


def test_ninjs_bylines_and_authors_give_every_creator_with_a_role():
    by = read_bytes(_ninjs(headline="H", by="Maria Gonzalez and Tom Becker", body_text="Text."), Path("a.json"))
    assert [c.name for c in by.article.creators] == ["Maria Gonzalez", "Tom Becker"]
    authors = [
        {"name": "Anna Schneider", "role": "author"},
        {"name": "Jan Berg", "role": "photographer"},
        {"name": "Eva Roth", "role": "editor"},
    ]
    listed = read_bytes(_ninjs(headline="H", authors=authors, body_text="Text."), Path("b.json")).article
    assert listed.creators == (
        Creator("Anna Schneider"),
        Creator("Jan Berg", "photographer"),
        Creator("Eva Roth", "editor"),
    )
    assert "Author: Anna Schneider; Jan Berg (photographer); Eva Roth (editor)" in render_text(listed).decode()


# --- Datelines and bylines as agencies file them ---------------------------------------------


@pytest.mark.parametrize("form", DATELINE_FORMS, ids=lambda form: f"{form.agency}-{form.language}")
def test_every_agency_dateline_form_is_read_and_kept_as_filed(form):
    dateline = find_dateline(form.lead)
    assert dateline == Dateline(form.filed, form.place, form.date_text, form.named)
    article = parse(f"title: T\ndate: 2024-05-02\nlanguage: {form.language}\n\n{form.lead}\n").article
    assert article.dateline == dateline
    assert render_text(article).decode().split("\n\n")[1].replace("\n", " ").startswith(form.lead)


def test_arabic_and_persian_datelines_have_one_comma_in_every_edition():
    article = article_from(STRUCTURE / "ar_reuters.txt")
    with zipfile.ZipFile(io.BytesIO(render_epub(article))) as archive:
        xhtml = archive.read("EPUB/article.xhtml").decode()
    assert "باكو، 17 أكتوبر (رويترز) -" in xhtml and "،," not in xhtml


@pytest.mark.parametrize(
    "byline, names, agency",
    [
        ("By Maria Gonzalez and Tom Becker", ["Maria Gonzalez", "Tom Becker"], None),
        ("By Alice Smith, Bob Jones and Carol White", ["Alice Smith", "Bob Jones", "Carol White"], None),
        ("Von Christian Hollmann, dpa", ["Christian Hollmann"], "dpa"),
        ("Por Ana López (EFE)", ["Ana López"], "EFE"),
        ("Par Jean-Pierre Dupont et Marie Curie", ["Jean-Pierre Dupont", "Marie Curie"], None),
        ("By Ursula von der Leyen", ["Ursula von der Leyen"], None),
    ],
)
def test_bylines_give_separate_creators_and_the_agency_becomes_the_source(byline, names, agency):
    read = read_byline(byline)
    assert read is not None and [c.name for c in read.creators] == names and read.agency == agency
    article = parse(f"title: T\ndate: 2024-05-02\nby: {byline}\n\nText of the story.\n").article
    assert [c.name for c in article.creators] == names and article.source == agency
    assert article.byline == byline


def test_a_sentence_that_opens_with_by_is_no_byline():
    assert read_byline("By the end of the year, prices rose.") is None
    article = parse("title: T\ndate: 2024-05-02\n\nBy the end\n\nof the year prices rose.\n").article
    assert article.creators == () and article.blocks[0].text.startswith("By the end")


# --- Derived headlines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lead, language, title",
    [
        (
            "Hurricane Francine knocked out power to more than 400,000 homes and businesses across Louisiana "
            "and Mississippi on Thursday, utilities said.",
            "en",
            "Hurricane Francine knocked out power to more than 400,000 homes",
        ),
        (
            "Уряд України виділив 1,5 млрд гривень на відновлення енергетичної інфраструктури в областях, "
            "які постраждали від обстрілів, повідомляє Укрінформ.",
            "uk",
            "Уряд України виділив 1,5 млрд гривень на відновлення енергетичної інфраструктури",
        ),
        (
            "El Gobierno aprobó este martes un plan de vivienda dotado con 1.200 millones de euros para "
            "jóvenes y familias, informaron fuentes oficiales del ministerio.",
            "es",
            "El Gobierno aprobó este martes un plan de vivienda dotado con 1.200 millones de euros",
        ),
        (
            "Die Deutsche Bahn hat wegen des Streiks der Lokführergewerkschaft den Fernverkehr in ganz "
            "Deutschland am Dienstag weitgehend eingestellt, teilte ein Sprecher mit.",
            "de",
            "Die Deutsche Bahn hat wegen des Streiks der Lokführergewerkschaft den Fernverkehr in ganz "
            "Deutschland am Dienstag weitgehend eingestellt",
        ),
    ],
)
def test_a_derived_headline_never_ends_inside_a_number_and_keeps_a_final_verb(lead, language, title):
    assert derive_title(Paragraph(parse_inlines(lead)), language) == title


# --- The archival text is the identity on what it reads -----------------------------------------

_WORDS = st.text(alphabet=st.sampled_from("abcdefghij ÄéЖя\u00a0*_\\[]()\"'"), min_size=1, max_size=30)


def _words() -> st.SearchStrategy[str]:
    return _WORDS.map(lambda text: " ".join(part for part in text.split(" ") if part)).filter(
        lambda text: (
            text
            and text == text.strip()
            and "\u00a0\u00a0" not in text
            and not text.startswith("\u00a0")
            and not text.endswith("\u00a0")
        )
    )


def _runs() -> st.SearchStrategy[tuple]:
    leaf = _words().map(lambda text: (Text(text),))
    marked = st.tuples(st.sampled_from(["em", "strong", "link"]), _words()).map(
        lambda pair: (
            Link((Text(pair[1]),), "https://example.com/a")
            if pair[0] == "link"
            else Emphasis((Text(pair[1]),), strong=pair[0] == "strong"),
        )
    )
    return st.lists(st.one_of(leaf, marked), min_size=1, max_size=3).map(
        lambda parts: tuple(run for part in parts for run in part)
    )


def _block() -> st.SearchStrategy:
    return st.one_of(
        _runs().map(Paragraph),
        _runs().map(lambda runs: Heading(runs, 2)),
        st.lists(_runs(), min_size=1, max_size=3).map(
            lambda items: ListBlock(tuple(ListItem(runs) for runs in items), True, ")", 4)
        ),
        st.lists(_runs(), min_size=1, max_size=2).map(lambda ps: BlockQuote(tuple(Paragraph(p) for p in ps))),
        st.sampled_from(["***", "___", "* * *"]).map(Separator),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block(), min_size=1, max_size=6))
def test_reading_then_writing_the_archival_text_is_the_identity(blocks):
    """Any structure and inline markup, written as a record and read back, is the same
    article; so reading a record and writing it again gives the same text."""
    from publish.readers.archival import read_record
    from publish.readers.assemble import assemble

    article = Article(title="Title", slug=make_slug("Title", None), blocks=tuple(blocks), language="en")
    article = assemble(read_record(render_text(article).decode(), None, None, [])).article  # what a record holds
    text = render_text(article).decode()
    again = assemble(read_record(text, None, None, [])).article
    assert _comparable(again) == _comparable(article)
    assert render_text(again).decode() == text


def _comparable(article: Article) -> list:
    """Blocks with each run tree's quotations found again (a record's text holds the marks)."""
    return [block.to_dict() for block in article.blocks]


def test_quotations_and_insertions_are_found_in_the_text_as_sent():
    runs = parse_inlines('He said "we will [soon] win" and left.')
    assert runs == (
        Text("He said "),
        Quotation((Text('"we will '), Editorial((Text("[soon]"),)), Text(' win"'))),
        Text(" and left."),
    )
