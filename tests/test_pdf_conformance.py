"""Issue 30: every PDF is tagged (PDF/UA-1) and archival (PDF/A-2a).

Two checkers look at every PDF the suite builds (conftest's `every_pdf_is_tagged_and_archival`):
publish's own (`tagged_pdf`, on pypdf) and page-validation. Here: the corpus and digests
in every script, what the structure says (roles, order, languages, logical text, links),
the broken fixtures publish's checker must reject, the pinned reportlab internals and
the pinned colour profile. veraPDF, the reference validator, is not installable here.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import reportlab
from conftest import CORPUS, ROOT, SEED, article_from
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject
from tagged_pdf import problems, struct_text, validate

from publish.check import comparable_words
from publish.model import Collection
from publish.readers import read_article, read_bytes
from publish.render.pdf import internals, render_collection_pdf, render_pdf
from publish.typography import reading_text, reading_words

INPUTS = sorted(
    [SEED, *CORPUS.glob("*.txt"), *(CORPUS / "structure").glob("*.txt"), *(CORPUS / "ninjs").glob("*.json")]
)
#: Scripts drawn glyph by glyph (`shaping`): poppler's structure text does not read their
#: /ActualText, so their words are checked by the text layer's tests instead.
SHAPED = {"ar", "fa", "he", "hi", "ur"}


def _in_order(expected: list[str], text: str) -> float:
    """The share of `expected` words found in `text` in order (comparable forms)."""
    found = comparable_words(text)
    words = comparable_words(" ".join(expected))
    position = hits = 0
    for word in words:
        try:
            position = found.index(word, position) + 1
            hits += 1
        except ValueError:
            continue
    return hits / max(len(words), 1)


def _roles(path: Path) -> list[str]:
    """The structure tree as `pdfinfo -struct` prints it: each element's type, indented."""
    printed = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in printed.splitlines() if line.strip() and not line.strip().startswith(("/", '"'))]
    return [line.split(" (")[0].rstrip(":") for line in lines]


@pytest.mark.parametrize("path", INPUTS, ids=lambda path: path.name)
def test_every_corpus_pdf_is_tagged_archival_and_reads_in_order(path, tmp_path):
    article = read_article(path).article
    data = render_pdf(article)
    pdf = tmp_path / "article.pdf"
    pdf.write_bytes(data)
    assert "Tagged:          yes" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert problems(data) == []
    assert validate(data) == []
    text = struct_text(pdf)
    if article.language.split("-")[0] not in SHAPED:
        expected = reading_text(article.title, article.language).split() + reading_words(article)
        assert _in_order(expected, text) >= 0.99, text[:400]
        assert "1 of 1" not in text and "Source:" not in text  # furniture is an artifact


def test_an_article_is_tagged_by_its_structure(tmp_path):
    pdf = tmp_path / "ap.pdf"
    pdf.write_bytes(render_pdf(article_from(CORPUS / "structure" / "en_ap.txt")))
    roles = [role.strip() for role in _roles(pdf)]
    assert roles[:5] == ["Document", "H1", "P", "P", "P"]  # headline, byline, the lead (its dateline inside)
    assert roles[5:10] == ["H2", "L", "LI", "Lbl", "LBody"]
    assert "BlockQuote" in roles and "Artifact" not in roles
    text = struct_text(pdf).splitlines()
    assert text[:3] == [
        "Hurricane knocks out power across New Orleans ",
        "Maria Gonzalez and Tom Becker · September 12, 2024 · AP ",
        text[2],
    ] and text[2].startswith("NEW ORLEANS (AP) — Hurricane Francine knocked out power")
    assert "•" in text and "Public schools in Orleans Parish " in text  # the bullet is the item's label


def test_a_paragraph_over_two_pages_is_one_element_with_content_on_each(tmp_path):
    long = "The committee met again on Tuesday to discuss the budget for the coming year. " * 40
    article = read_article(_write(tmp_path, "title: Budget\ndate: 2024-03-01\nsource: Trend\n\n" + long * 3)).article
    data = render_pdf(article)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2 and problems(data) == []
    elements = _elements(reader)
    paragraph = next(element for element in elements if element["/S"] == "/P" and isinstance(element["/K"], list))
    pages = {kid["/Pg"].indirect_reference.idnum for kid in paragraph["/K"] if not isinstance(kid, int)}
    assert pages and paragraph["/Pg"].indirect_reference.idnum not in pages  # its first page, then the next ones


def test_right_to_left_elements_carry_their_logical_text():
    article = article_from(CORPUS / "arabic.txt")
    reader = PdfReader(io.BytesIO(render_pdf(article)))
    texts = [str(element["/ActualText"]) for element in _elements(reader) if "/ActualText" in element]
    assert texts[0] == reading_text(article.title, article.language)
    lead = reading_text(article.blocks[0].text, article.language)
    assert any(text.endswith(lead) for text in texts), texts[:3]


def test_a_digest_has_its_contents_and_each_article_in_its_language(tmp_path):
    articles = tuple(
        article_from(CORPUS / name) for name in ("header_block.txt", "georgian.txt", "arabic.txt", "hindi.txt")
    )
    for collection in (Collection("World desk", "world-desk", articles[:2]), Collection("World", "world", articles)):
        data = render_collection_pdf(collection)
        pdf = tmp_path / f"{collection.slug}.pdf"
        pdf.write_bytes(data)
        assert problems(data) == [] and validate(data) == []
        roles = [role.strip() for role in _roles(pdf)]
        assert roles[:4] == ["Document", "H1", "H2", "TOC"]
        assert roles.count("TOCI") == roles.count("Art") == len(collection.articles)
        elements = _elements(PdfReader(io.BytesIO(data)))
        languages = [str(element.get("/Lang")) for element in elements if element["/S"] == "/Art"]
        assert languages == [str(a.language) if a.language != "en" else "None" for a in collection.articles]
        links = [element for element in elements if element["/S"] == "/Link"]
        assert links and all(element["/P"]["/S"] == "/TOCI" for element in links)
    text = struct_text(pdf)
    assert text.splitlines()[2] == "1. Tbilisi opens a new park " or text.splitlines()[2].startswith("1. ")


#: A ninjs item whose body links to a report.
LINKED = (
    '{"uri": "urn:example:linked", "type": "text", "language": "en", "versioncreated": "2024-03-01T10:00:00Z",'
    ' "headlines": [{"role": "main", "value": "Council publishes its report"}],'
    ' "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>The council published'
    ' <a href=\\"https://example.com/report\\">its report</a> on Friday.</p><h2>Next</h2><p>It meets again.</p>"}]}'
)


def _linked() -> bytes:
    return render_pdf(read_bytes(LINKED.encode(), Path("linked.json")).article)


def test_links_of_the_text_are_link_elements_with_their_annotation():
    data = _linked()
    reader = PdfReader(io.BytesIO(data))
    annotations = [annotation.get_object() for annotation in reader.pages[0].get("/Annots", [])]
    assert annotations and problems(data) == []
    for annotation in annotations:
        assert annotation["/F"] == 4 and str(annotation["/Contents"]).startswith("http")
    assert sum(element["/S"] == "/Link" for element in _elements(reader)) == len(annotations)


# --- The checker rejects what it must (each fixture breaks one thing of a sound PDF) ------------


def _edited(edit: Callable[[PdfWriter], None]) -> bytes:
    """The seed's PDF, rewritten by pypdf after `edit` (unedited, it is sound: see below)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_linked())))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _content(writer: PdfWriter, old: bytes, new: bytes, count: int = 1) -> None:
    page = writer.pages[0]
    contents = page.get_contents()
    data = contents.get_data()
    assert old in data
    contents.set_data(data.replace(old, new, count))
    page.replace_contents(contents)


def _first_heading(writer: PdfWriter) -> None:
    for number in range(1, len(writer._objects) + 1):
        element = writer.get_object(number)
        if isinstance(element, dict) and element.get("/S") == "/H1":
            element[NameObject("/S")] = NameObject("/H3")
            return


def _swap_parent_tree(writer: PdfWriter) -> None:
    tree = writer.root_object["/StructTreeRoot"]["/ParentTree"].get_object()
    array = next(value.get_object() for value in tree["/Nums"][1::2] if isinstance(value.get_object(), ArrayObject))
    array[0], array[1] = array[1], array[0]


def _zero_to_unicode(writer: PdfWriter) -> None:
    font = next(iter(writer.pages[0]["/Resources"]["/Font"].values())).get_object()
    cmap = font["/ToUnicode"].get_object()
    cmap.set_data(re.sub(rb"<01> <[0-9A-F]{4}>", b"<01> <0000>", cmap.get_data()))


BROKEN: dict[str, tuple[Callable[[PdfWriter], None], str]] = {
    "text outside tagged content": (
        lambda w: _content(w, b"/H1 <</MCID 0>> BDC", b"/Span BMC"),
        "untagged: Tj outside tagged content",
    ),
    "an MCID used twice": (lambda w: _content(w, b"<</MCID 1>>", b"<</MCID 0>>"), "mcid: an MCID used twice"),
    "a running foot that is not an artifact": (
        lambda w: _content(w, b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC", b"/Span BMC"),
        "untagged: Tj outside",
    ),
    "the parent tree naming the wrong elements": (_swap_parent_tree, "parent-tree: MCID"),
    "a heading level skipped": (_first_heading, "headings: the first heading is H3"),
    "not marked as tagged": (
        lambda w: (
            w.root_object[NameObject("/MarkInfo")].get_object().__setitem__(NameObject("/Marked"), NameObject("/false"))
        ),
        "catalog: MarkInfo /Marked is not true",
    ),
    "no output intent": (lambda w: w.root_object.pop("/OutputIntents"), "catalog: no sRGB output intent"),
    "a link annotation outside the structure": (
        lambda w: w.pages[0]["/Annots"][0].get_object().pop("/StructParent"),
        "links: an annotation on page 1 is in no Link element",
    ),
    "a link annotation that is not printed": (
        lambda w: w.pages[0]["/Annots"][0].get_object().__setitem__(NameObject("/F"), NumberObject(0)),
        "links: an annotation on page 1 is not printed",
    ),
    "a ToUnicode value of U+0000": (_zero_to_unicode, "unicode: font"),
    "a metadata stream without the PDF/UA identification": (
        lambda w: (
            w.root_object["/Metadata"]
            .get_object()
            .set_data(
                w.root_object["/Metadata"].get_object().get_data().replace(b"<pdfuaid:part>1</pdfuaid:part>", b"")
            )
        ),
        "xmp: pdfuaid:part>1 missing",
    ),
}


def test_the_unedited_fixture_is_sound_and_has_a_link():
    data = _edited(lambda writer: None)
    assert problems(data) == [] and validate(data) == []
    assert PdfReader(io.BytesIO(data)).pages[0]["/Annots"]


@pytest.mark.parametrize("name", BROKEN)
def test_the_checker_rejects_a_broken_pdf(name):
    edit, expected = BROKEN[name]
    found = problems(_edited(edit))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_checker_rejects_a_stream_without_an_end_of_line_and_so_does_page_validation():
    data = render_pdf(article_from(SEED))
    broken = data.replace(b"\nendstream", b"endstream", 1)
    assert broken != data and problems(broken)[0].startswith("eol:")
    assert validate(broken)  # page-validation refuses to read it


def test_the_check_after_each_test_sees_publishs_pdfs_and_rejects_a_broken_one():
    from conftest import unsound_pdfs

    data = render_pdf(article_from(SEED))
    broken = data.replace(b"\nendstream", b"endstream", 1)
    user_file = b"%PDF-1.4 a PDF publish did not make"
    assert unsound_pdfs([data, user_file]) == {}
    (verdict,) = unsound_pdfs([data, broken]).values()
    assert verdict[0].startswith("eol:")


def test_page_validation_rejects_untagged_text_too():
    data = _edited(BROKEN["text outside tagged content"][0])
    assert any("PDFUA1-CONTENT-TAGGING" in failure for failure in validate(data))


# --- What the renderer relies on is pinned ------------------------------------------------------


def test_reportlab_internals_publish_relies_on_are_there():
    pinned = next(
        dependency.split("==")[1]
        for dependency in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        if dependency.startswith("reportlab==")
    )
    assert reportlab.Version == pinned
    assert internals.missing() == []
    assert len(internals.RELIED_ON) >= 25


def test_the_reportlab_changes_are_made_as_said():
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.pdfdoc import PDFDocument, PDFStream

    assert "<00> <0000>" not in ttfonts.makeToUnicodeCMap("F", [0, 65, 66])
    assert "2 beginbfchar\n<01> <0041>\n<02> <0042>" in ttfonts.makeToUnicodeCMap("F", [0, 65, 66])
    document = PDFDocument()
    plain = PDFStream(content="abc", filters=[]).format(document)
    document.archival = True
    archival = PDFStream(content="abc", filters=[]).format(document)
    assert plain.endswith(b"abcendstream\n") and archival.endswith(b"abc\nendstream\n")
    assert b"/Length 3" in archival
    # Data ending in CR (compressed bytes, found by the fuzz test): CR LF, or a reader takes
    # the CR for half of the end-of-line and the data for one byte short of /Length.
    ending_in_cr = PDFStream(content="ab\r", filters=[]).format(document)
    assert ending_in_cr.endswith(b"ab\r\r\nendstream\n") and b"/Length 3" in ending_in_cr
    # A glyph past the CJK face's numberOfHMetrics (〈, 256 units of 256) embeds its advance
    # in font units, as the font stores it (reportlab gave 1,000: its scaled width).
    from fontTools.ttLib import TTFont

    path = ROOT / "publish" / "data" / "fonts" / "PublishSansCJK.ttf"
    font, glyph = TTFont(path), TTFont(path).getGlyphID("uni3008")
    assert glyph >= font["hhea"].numberOfHMetrics
    assert ttfonts.TTFontFile(str(path)).hmetrics[glyph] == tuple(font["hmtx"]["uni3008"]) == (256, 128)


def test_the_srgb_profile_is_the_pinned_one():
    from publish.render.pdf.metadata import SRGB

    data = SRGB.read_bytes()
    assert hashlib.sha256(data).hexdigest() == "81d313ce695fe3d921806c24018e87561b90127a69057797cfe20f9b508359b8"
    assert data[36:40] == b"acsp" and data[16:20] == b"RGB " and b"No copyright, use freely" in data.replace(b"\0", b"")
    sys.path.insert(0, str(ROOT / "tools"))
    from srgb_profile import profile

    assert profile() == data  # tools/srgb_profile.py makes it again, byte for byte


def _write(folder: Path, text: str) -> Path:
    path = folder / "article.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _elements(reader: PdfReader) -> list[dict]:
    """Every structure element, in the tree's order."""
    found: list[dict] = []

    def visit(value: object) -> None:
        value = value.get_object() if hasattr(value, "get_object") else value
        if isinstance(value, ArrayObject):
            for item in value:
                visit(item)
        elif isinstance(value, dict) and value.get("/Type", "/StructElem") == "/StructElem" and "/S" in value:
            found.append(value)
            visit(value.get("/K"))

    visit(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_word_endstream_in_the_metadata_leaves_the_packet_whole():
    """Found by the fuzz test: a title "endstream" cut the unfiltered XMP packet for a
    reader that ends a stream at its keyword (page-validation: "cannot be parsed")."""
    text = b"title: endstream\nauthor: endstream\ndate: 2024-03-01\n\nThe stream ends: endstream."
    data = render_pdf(read_bytes(text, Path("t.txt")).article)
    assert validate(data) == []
    assert problems(data) == []
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    assert (xmp.dc_title, xmp.dc_creator) == ({"x-default": "endstream"}, ["endstream"])
