"""NewsML-G2 and NITF in: the reader (publish.readers.newsml), its safety, and what the
editions keep and show of an agency item (its id and version, corrections, notes).

The fixtures in tests/corpus/newsml/ are items as dpa, AFP, AP and TASS send them (G2 with
an NITF, XHTML or plain-text body; NITF on its own, with and without its DTD's entities);
every one is validated against the IPTC's schemas (tests/standards/newsml-g2/).
"""

from __future__ import annotations

import copy
import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from lxml import etree

from publish.errors import InputError
from publish.inputs import collect_sources
from publish.model import Creator, Item, Note
from publish.readers import parse, read_article, read_bytes
from publish.render.epub import render_epub
from publish.render.pdf import render_pdf
from publish.render.text import render_text
from publish.typography import reading_text

NEWSML = CORPUS / "newsml"
STANDARDS = ROOT / "tests" / "standards" / "newsml-g2"
FIXTURES = sorted(NEWSML.glob("*.xml"))
NAR = "http://iptc.org/std/nar/2006-10-01/"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


@lru_cache(maxsize=1)
def schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    return (
        etree.XMLSchema(etree.parse(str(STANDARDS / "NewsML-G2_2.35-spec-All-Power.xsd"))),
        etree.XMLSchema(etree.parse(str(STANDARDS / "nitf-3-6.xsd"))),
    )


def _in_nitf_namespace(root: etree._Element) -> etree._Element:
    """An NITF document from before NITF had a namespace, moved into it (as the XSD wants)."""
    moved = copy.deepcopy(root)
    for element in moved.iter(etree.Element):
        if etree.QName(element).namespace is None:
            element.tag = f"{{{NITF}}}{element.tag}"
    etree.cleanup_namespaces(moved)
    return moved


def _schema_errors(path: Path) -> list[str]:
    g2, nitf = schemas()
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    tree = etree.parse(str(path), parser)
    root = tree.getroot()
    errors: list[str] = []
    documents: list[tuple[etree.XMLSchema, etree._Element]] = []
    if etree.QName(root).localname == "nitf":
        for entity in list(root.iter(etree.Entity)):  # a DTD's named character: its text, for the check
            entity.getparent().remove(entity)
        documents.append((nitf, _in_nitf_namespace(root)))
    else:
        documents.append((g2, root))
        documents += [(nitf, element) for element in root.iter(f"{{{NITF}}}nitf")]
    for schema, element in documents:
        if not schema.validate(etree.ElementTree(copy.deepcopy(element))):
            errors += [f"{error.line}: {error.message}" for error in schema.error_log]
    return errors


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_every_fixture_is_valid_by_the_iptc_schemas(path):
    assert _schema_errors(path) == []


def test_the_schema_check_can_fail():
    broken = NEWSML / "de_dpa_nitf.xml"
    text = broken.read_text(encoding="utf-8").replace("<itemClass", "<itemKlass").replace("</itemClass", "</itemKlass")
    assert _schema_errors(broken) == []
    tree = etree.fromstring(text.encode())
    assert not schemas()[0].validate(etree.ElementTree(tree))


#: What each fixture states, as the reader must give it.
EXPECTED: dict[str, dict[str, object]] = {
    "de_dpa_nitf.xml": {
        "title": "Bahn und Gewerkschaft einigen sich auf neuen Tarifvertrag",
        "subtitle": "Mehr Geld ab März – Streiks bis Ende 2028 ausgeschlossen",
        "date": "2026-12-07",
        "language": "de",
        "source": "dpa",
        "dateline": "Berlin (dpa) -",
        "byline": "Von Christian Hollmann, dpa",
        "creators": (Creator("Christian Hollmann"), Creator("Anna Becker", "editor")),
        "slug": "2026-12-07-bahn-tarif",
        "item": Item(
            "urn:newsml:dpa.com:20261207:261207-99-417233",
            1,
            "2026-12-07T09:30:00+01:00",
            "2026-12-07T09:30:00+01:00",
        ),
        "notes": (Note("Hinweis für Redaktionen: Der Bericht wird fortgeschrieben.", "editorial"),),
        "blocks": ["paragraph", "heading", "paragraph", "list", "paragraph", "blockquote", "paragraph"],
        "last": "Mitarbeit: Anna Becker",
    },
    "en_ap_nitf.xml": {
        "title": "Storm knocks out power to thousands in the Northeast",
        "subtitle": None,
        "date": "2026-12-07",
        "language": "en",
        "source": "The Associated Press",
        "dateline": "BOSTON (AP) \u2014",
        "byline": "By Maria Gonzalez and Tom Becker",
        "creators": (Creator("Maria Gonzalez"), Creator("Tom Becker")),
        "slug": "2026-12-07-us-storm",
        "item": Item("ap-20261207-storm-0001", 3, "2026-12-07T06:15:00-05:00"),
        "notes": (Note("Corrects spelling of utility's name in fourth paragraph.", "correction"),),
        "blocks": ["paragraph"] * 6,
        "last": "Massachusetts | 142,000",
    },
    "en_nitf_entities.xml": {
        "title": "Gusts of 70\u00a0mph topple trees across Cape Cod",
        "subtitle": None,
        "date": "2026-12-07",
        "language": "en",
        "source": None,
        "dateline": None,
        "byline": None,
        "creators": (),
        "slug": "2026-12-07-gusts-of-70-mph-topple-trees-across-cape-cod",
        "item": None,
        "notes": (),
        "blocks": ["paragraph", "paragraph"],
        "last": "Forecasters said the winds would ease by Tuesday\u2026 but more rain was on the way.",
    },
    "fr_afp_xhtml.xml": {
        "title": "Climat : l'Assemblée adopte la loi sur la rénovation des logements",
        "subtitle": None,
        "date": "2026-12-07",
        "language": "fr",
        "source": "AFP",
        "dateline": "PARIS, 7 déc 2026 (AFP) -",
        "byline": None,
        "creators": (Creator("Claire Dubois"),),
        "slug": "2026-12-07-france-climat-loi",
        "item": Item("urn:newsml:afp.com:20261207:TX-PAR-KLM52", 2, "2026-12-07T11:45:00Z", "2026-12-07T14:00:00Z"),
        "notes": (Note("Rectificatif : corrige le nom du ministre au 2e paragraphe.", "correction"),),
        "blocks": ["paragraph", "paragraph", "heading", "list", "paragraph"],
        "last": "Le texte doit maintenant être examiné par le Sénat.",
    },
    "ru_tass_plain.xml": {
        "title": "ЦБ сохранил ключевую ставку",
        "subtitle": None,
        "date": "2026-12-07",
        "language": "ru",
        "source": "ТАСС",
        "dateline": "МОСКВА, 7 декабря. /ТАСС/.",
        "byline": None,
        "creators": (),
        "slug": "2026-12-07-tsb-sokhranil-klyuchevuyu-stavku",
        "item": Item(
            "urn:newsml:tass.ru:20261207:22617301", 1, None, "2026-12-07T12:00:00+03:00", embargo="2026-12-08T06:00:00Z"
        ),
        "notes": (),
        "blocks": ["paragraph", "paragraph"],
        "last": "Решение совпало с ожиданиями аналитиков.",
    },
}


def test_every_fixture_has_its_expectations():
    assert sorted(EXPECTED) == [path.name for path in FIXTURES]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_item_reads_to_the_facts_it_states(name):
    parsed = read_article(NEWSML / name)
    article, expected = parsed.article, EXPECTED[name]
    assert parsed.warnings == ()
    assert {
        "title": article.title,
        "subtitle": article.subtitle,
        "date": article.date_iso,
        "language": article.language,
        "source": article.source,
        "dateline": article.dateline.filed if article.dateline else None,
        "byline": article.byline,
        "creators": article.creators,
        "slug": article.slug,
        "item": article.item,
        "notes": article.notes,
        "blocks": [block.to_dict()["type"] for block in article.blocks],
        "last": article.blocks[-1].texts()[-1],
    } == expected


def test_the_nitf_body_keeps_lists_subheadings_quotes_emphasis_and_no_break_spaces():
    article = read_article(NEWSML / "de_dpa_nitf.xml").article
    text = render_text(article).decode()
    assert "## Was der Vertrag vorsieht" in text
    assert "  - 4,5 Prozent mehr Lohn ab dem 1.\u00a0März" in text
    assert "> Wir haben hart verhandelt, aber fair." in text
    assert "_tragfähigen_" in text


def test_the_iptc_text_document_is_read():
    parsed = read_article(STANDARDS / "LISTING_2_NewsML-G2_Text_Document.xml")
    article = parsed.article
    assert (article.title, article.date_iso, article.language, article.source, article.located) == (
        'Fed to halt QE to avert "bubble"',
        "2016-11-21",
        "en-US",
        "Associated Press",
        "New York, NY",
    )
    assert article.item == Item(
        "urn:newsml:acmenews.com:20161121:US-FINANCE-FED", 11, None, "2018-11-21T16:25:32-05:00"
    )
    assert article.creators == (Creator("Meredith Jameson"),)
    assert len(article.blocks) == 2 and article.blocks[0].texts()[0].startswith("(New York, NY - October 21) Et, sent")


#: Files that are not an article publish can read, and the one line that says so.
BAD: list[tuple[str, str]] = [
    ("billion_laughs.xml", "billion_laughs.xml:1: not readable XML: entities expand without end"),
    (
        "external_entity.xml",
        "external_entity.xml:1: the XML declares entities (secret): publish does not expand them",
    ),
    ("picture.xml", "picture.xml:3: a NewsML-G2 picture item, not a text article"),
    ("rss.xml", "rss.xml:2: XML that is neither NewsML-G2 nor NITF: its root is <rss>"),
    ("unclosed.xml", "unclosed.xml:6: not well-formed XML: Opening and ending tag mismatch: p line 5 and body.content"),
]


@pytest.mark.parametrize(("name", "message"), BAD, ids=[name for name, _ in BAD])
def test_bad_xml_is_one_clear_error(name, message):
    with pytest.raises(InputError) as raised:
        read_article(NEWSML / "bad" / name)
    assert str(raised.value).split(" (hint:")[0].endswith(message)


def test_a_build_of_bad_xml_exits_1_with_one_line_and_writes_nothing(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(NEWSML / "bad", inputs)
    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", str(inputs), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == len(BAD) and "Traceback" not in result.stderr
    assert [line.replace(": error: ", ": ", 1).split(" (hint:")[0] for line in sorted(errors)] == [
        str(inputs / message) for _, message in BAD
    ]
    assert [path.name for path in (tmp_path / "out").glob("*") if path.suffix in (".epub", ".pdf", ".txt")] == []


def test_elements_nested_100000_deep_are_refused_at_once():
    data = (
        b"<nitf><body><body.content>" + b"<block>" * 100_000 + b"</block>" * 100_000 + b"</body.content></body></nitf>"
    )
    with pytest.raises(InputError) as raised:
        read_bytes(data, Path("deep.xml"))
    assert str(raised.value) == "deep.xml:1: not readable XML: elements are nested more than 256 deep"


def test_an_entity_no_html_character_names_is_refused():
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "nitf.dtd">\n'
        b"<nitf><body><body.content><p>a &acme; b</p></body.content></body></nitf>"
    )
    with pytest.raises(InputError) as raised:
        read_bytes(data, Path("acme.xml"))
    assert str(raised.value).startswith(
        "acme.xml:3: entity &acme; is not one of HTML's named characters, and publish loads no DTD"
    )


def test_an_item_without_a_body_is_refused():
    with pytest.raises(InputError) as raised:
        read_article(STANDARDS / "LISTING_1_A_NewsML-G2_News_Item.xml")
    assert "LISTING_1_A_NewsML-G2_News_Item.xml:75: no body text: the item's contentSet has no inlineXML" in str(
        raised.value
    )


def _message(*items: bytes) -> bytes:
    return (
        b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-12-07T14:02:11Z</sent>'
        b"</header><itemSet>" + b"".join(items) + b"</itemSet></newsMessage>"
    )


def _item(guid: bytes, kind: bytes = b"text", body: bytes = b"<p>The talks resumed on Monday.</p>") -> bytes:
    return (
        b'<newsItem guid="' + guid + b'" version="1"><itemMeta><itemClass qcode="ninat:' + kind + b'"/>'
        b"</itemMeta><contentMeta><headline>Talks resume</headline></contentMeta><contentSet>"
        b'<inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">'
        b"<body><body.content>" + body + b"</body.content></body></nitf></inlineXML></contentSet></newsItem>"
    )


def test_a_message_gives_its_one_text_item():
    article = read_bytes(_message(_item(b"urn:pic", b"picture"), _item(b"urn:text")), Path("m.xml")).article
    assert (article.title, article.item.id if article.item else None) == ("Talks resume", "urn:text")


def test_a_message_of_two_text_items_is_refused():
    with pytest.raises(InputError) as raised:
        read_bytes(_message(_item(b"urn:a"), _item(b"urn:b")), Path("m.xml"))
    assert str(raised.value).startswith("m.xml:1: a newsMessage of 2 text items: publish reads one article a file")


def test_xml_named_txt_is_read_as_xml_never_printed_as_text(tmp_path):
    (tmp_path / "feed.txt").write_bytes((NEWSML / "bad" / "rss.xml").read_bytes())
    with pytest.raises(InputError) as raised:
        read_article(tmp_path / "feed.txt")
    assert "XML that is neither NewsML-G2 nor NITF" in str(raised.value)
    (tmp_path / "item.txt").write_bytes((NEWSML / "de_dpa_nitf.xml").read_bytes())
    as_text = read_article(tmp_path / "item.txt").article
    assert as_text.identifier == read_article(NEWSML / "de_dpa_nitf.xml").article.identifier


def test_a_folder_gives_its_xml_files(tmp_path):
    for path in FIXTURES[:2]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    assert [path.name for path in collect_sources([tmp_path])] == [path.name for path in FIXTURES[:2]]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_the_text_edition_is_a_complete_record_of_the_item(path):
    """Its provenance (the file, the SHA-256 of its bytes, the encoding), the item's id and
    version, its notes: and read back it is the same article, EPUB for EPUB."""
    article = read_article(path).article
    text = render_text(article).decode()
    header = text.split("\n\n", 1)[0]
    # A long path continues on the next line (the header wraps at 72 columns): compared as read back.
    assert "Source-File:" in header and parse(text, "edition.txt").article.provenance.name == str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() in header
    assert "Source-Encoding: " in header and "Publish-Version: " in header
    if article.item is not None:
        assert f"Item: {article.item.id}" in header
    back = parse(text, "edition.txt").article
    assert (back, back.item, back.notes, back.provenance) == (article, article.item, article.notes, article.provenance)
    assert render_epub(back) == render_epub(article)


def test_the_encoding_is_the_one_the_xml_declares():
    header = render_text(read_article(NEWSML / "en_ap_nitf.xml").article).decode().split("\n\n", 1)[0]
    assert "Source-Encoding: iso-8859-1 (declared)" in header


def _chapter(article) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(render_epub(article))).read("EPUB/article.xhtml"))


def _pdf_text(article, tmp_path: Path) -> str:
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(render_pdf(article))
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_a_corrected_version_says_so_in_its_language_in_the_epub_and_the_pdf(tmp_path):
    article = read_article(NEWSML / "fr_afp_xhtml.xml").article
    notices = [
        "Mis à jour le 7\u00a0décembre\u00a02026, 14:00\u00a0UTC",
        "Rectificatif\u00a0: corrige le nom du ministre au 2e paragraphe.",
    ]
    header = _chapter(article).find(".//x:header", XHTML)
    assert ["".join(p.itertext()) for p in header.findall("x:p[@class='notice']", XHTML)] == notices
    pdf = " ".join(_pdf_text(article, tmp_path).split())
    for notice in notices:
        assert " ".join(notice.split()) in pdf


def test_the_subtitle_stands_under_the_headline_and_editorial_notes_are_never_printed(tmp_path):
    article = read_article(NEWSML / "de_dpa_nitf.xml").article
    header = _chapter(article).find(".//x:header", XHTML)
    assert [child.get("class") or child.tag.split("}")[1] for child in header] == ["h1", "subtitle", "byline", "date"]
    assert header.find("x:p[@class='subtitle']", XHTML).text == reading_text(article.subtitle or "", "de")
    assert header.find("x:p[@class='subtitle']", XHTML).get("role") == "doc-subtitle"
    pdf = _pdf_text(article, tmp_path)
    assert "Mehr Geld ab März" in pdf and "Hinweis für Redaktionen" not in pdf
    assert b"Hinweis f" not in zipfile.ZipFile(io.BytesIO(render_epub(article))).read("EPUB/article.xhtml")
    assert "Note: Hinweis für Redaktionen: Der Bericht wird fortgeschrieben." in render_text(article).decode()


def test_the_byline_names_the_writers_alone_in_the_epub_and_the_pdf(tmp_path):
    """An editor (a G2 contributor) is a creator of the metadata, not of the byline: the
    PDF printed "Christian Hollmann und Anna Becker" where the EPUB said the writer alone."""
    article = read_article(NEWSML / "de_dpa_nitf.xml").article
    assert [(creator.name, creator.role) for creator in article.creators] == [
        ("Christian Hollmann", "writer"),
        ("Anna Becker", "editor"),
    ]
    assert _chapter(article).find(".//x:p[@class='byline']", XHTML).text == "Christian Hollmann"
    byline = next(line for line in _pdf_text(article, tmp_path).splitlines() if "Hollmann" in line)
    assert " ".join(byline.split()) == "Christian Hollmann · 7. Dezember 2026 · dpa"


def test_a_first_version_says_nothing_of_updates():
    article = read_article(NEWSML / "de_dpa_nitf.xml").article
    assert _chapter(article).findall(".//x:p[@class='notice']", XHTML) == []


def test_the_readme_documents_the_xml_paths_as_the_module_reads_them():
    from publish.metadata import FIELDS
    from publish.readers.newsml import ITEM_PATHS

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Agency feeds", 1)[1].split("\n## ", 1)[0]
    table = section.split("| fact | NewsML-G2", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]

    def cell(paths: tuple[str, ...]) -> str:
        return ", ".join(f"`{path}`" for path in paths)

    expected = [f"| {f.name} | {cell(f.newsml)} | {cell(f.nitf)} |" for f in FIELDS if f.newsml or f.nitf]
    expected += [f"| item {name} | {cell(g2)} | {cell(nitf)} |" for name, (g2, nitf) in ITEM_PATHS.items()]
    assert rows == [row.replace("|  |", "| |") for row in expected]
