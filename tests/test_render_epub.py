import io
import os
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from conftest import CORPUS, GOOD_CORPUS, SEED, article_from, assert_words_in_order, epubcheck
from publish import __version__
from publish.options import RenderOptions
from publish.render.epub import render_epub

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/", "ncx": "http://www.daisy.org/z3986/2005/ncx/",
      "epub": "http://www.idpf.org/2007/ops"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist()}


@pytest.mark.parametrize("path", [SEED, *GOOD_CORPUS], ids=lambda p: p.name)
def test_epubcheck_reports_nothing(path, tmp_path):
    target = tmp_path / "book.epub"
    target.write_bytes(render_epub(article_from(path)))
    assert epubcheck(target) == []


def test_package_metadata(seed_article):
    files = unpack(render_epub(seed_article))
    opf = etree.fromstring(files["EPUB/content.opf"])
    meta = opf.find("opf:metadata", NS)

    def dc(name):
        return [el.text for el in meta.findall(f"dc:{name}", NS)]

    def prop(name):
        return [el.text for el in meta.findall("opf:meta", NS) if el.get("property") == name]

    assert dc("title") == [seed_article.title]
    assert dc("language") == ["en"] and opf.get(XML_LANG) == "en"
    assert dc("date") == ["2023-09-21"]
    assert dc("source") == ["Trend"] and dc("publisher") == ["Trend"]
    assert dc("identifier") == [seed_article.identifier] and seed_article.identifier.startswith("urn:uuid:")
    assert prop("dcterms:modified") == ["2023-09-21T00:00:00Z"]
    assert prop("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert set(prop("schema:accessMode")) == {"textual", "visual"}
    assert prop("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "readingOrder", "tableOfContents"} <= set(prop("schema:accessibilityFeature"))
    assert prop("schema:accessibilityHazard") == ["none"]
    assert prop("schema:accessibilitySummary") and prop("schema:accessibilitySummary")[0]
    generators = [el.get("content") for el in meta.findall("opf:meta", NS) if el.get("name") == "generator"]
    assert generators == [f"publish {__version__}"]  # not ebooklib's version stamp
    manifest = {item.get("id"): item for item in opf.iterfind("opf:manifest/opf:item", NS)}
    assert manifest["cover-image"].get("properties") == "cover-image"
    assert manifest["cover-image"].get("media-type") == "image/svg+xml"
    assert manifest["nav"].get("properties") == "nav"
    assert manifest["ncx"].get("media-type") == "application/x-dtbncx+xml"
    spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine == ["cover", "article", "nav"] and opf.find("opf:spine", NS).get("toc") == "ncx"
    ncx = etree.fromstring(files["EPUB/toc.ncx"])
    assert ncx.xpath("string(//ncx:navPoint/ncx:navLabel/ncx:text)", namespaces=NS) == seed_article.title


def test_author_becomes_creator():
    article = article_from(CORPUS / "header_block.txt")
    opf = etree.fromstring(unpack(render_epub(article))["EPUB/content.opf"])
    assert opf.xpath("//dc:creator/text()", namespaces=NS) == ["Leyla Mammadova"]


def test_every_document_has_lang_and_headings_in_order():
    article = article_from(CORPUS / "russian.txt")
    files = unpack(render_epub(article))
    for name in ("EPUB/cover.xhtml", "EPUB/article.xhtml", "EPUB/nav.xhtml"):
        root = etree.fromstring(files[name])
        assert root.get("lang") == "ru" and root.get(XML_LANG) == "ru", name
        levels = [int(h.tag[-1]) for h in root.iter() if isinstance(h.tag, str) and h.tag[-2:-1] == "h"
                  and h.tag[-1].isdigit()]
        assert all(b - a <= 1 for a, b in zip([0, *levels], levels)), (name, levels)


def test_article_semantics_and_text(seed_article):
    root = etree.fromstring(unpack(render_epub(seed_article))["EPUB/article.xhtml"])
    assert root.xpath("string(//x:h1)", namespaces=NS) == seed_article.title
    assert root.xpath("string(//x:span[@class='dateline'])", namespaces=NS) == "BAKU, Azerbaijan, September 21."
    assert root.xpath("count(//x:span[@class='editorial'])", namespaces=NS) == 1
    assert root.xpath("count(//x:span[@class='quotation'])", namespaces=NS) == 4
    assert root.xpath("string(//x:footer)", namespaces=NS).strip() == "Source: Trend"
    assert root.xpath("//x:section/@epub:type", namespaces=NS) == ["chapter"]
    assert root.xpath("//x:time/@datetime", namespaces=NS) == ["2023-09-21"]
    paragraphs = ["".join(p.itertext()) for p in root.iterfind(".//x:p", NS)]
    assert_words_in_order(seed_article.words, "\n".join(paragraphs))


def test_cover_is_typographic_and_described(seed_article):
    files = unpack(render_epub(seed_article))
    svg = etree.fromstring(files["EPUB/cover.svg"])
    texts = " ".join(t.text for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for word in seed_article.title.split():
        assert word in texts
    assert "2023-09-21" in texts and "Trend" in texts
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    alt = cover.xpath("string(//x:img/@alt)", namespaces=NS)
    assert alt.startswith("Cover: Azerbaijan conducted") and "2023-09-21" in alt


def test_markup_in_text_stays_text():
    article = article_from(CORPUS / "markup.txt")
    files = unpack(render_epub(article))
    xhtml = files["EPUB/article.xhtml"].decode()
    assert "<script>" not in xhtml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xhtml
    assert "{{ 7*7 }}" in xhtml and "49" not in xhtml
    assert "]]&gt;" in xhtml
    svg = files["EPUB/cover.svg"].decode()
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_stylesheet_respects_reader_settings():
    css = unpack(render_epub(article_from(SEED)))["EPUB/css/article.css"].decode()
    assert "px" not in css and "!important" not in css
    assert "font-variant: small-caps" in css and "hyphens: auto" in css and "text-indent" in css


def test_zip_layout(seed_article):
    with zipfile.ZipFile(io.BytesIO(render_epub(seed_article))) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(2023, 9, 21, 0, 0, 0)}


def _build_in_subprocess(tmp_path, name, env):
    out = tmp_path / name
    script = ("import sys; from publish.inputs import read_article; from publish.render.epub import render_epub;"
              "from publish.options import RenderOptions; import os;"
              "epoch = os.environ.get('SOURCE_DATE_EPOCH');"
              "a = read_article(__import__('pathlib').Path(sys.argv[1])).article;"
              "open(sys.argv[2], 'wb').write(render_epub(a, RenderOptions("
              "source_date_epoch=int(epoch) if epoch else None)))")
    subprocess.run([sys.executable, "-c", script, str(SEED), str(out)], check=True,
                   env={**os.environ, **env}, timeout=120)
    return out.read_bytes()


def test_reproducible_across_time_zones_and_runs(tmp_path):
    utc = _build_in_subprocess(tmp_path, "utc.epub", {"TZ": "UTC"})
    kiritimati = _build_in_subprocess(tmp_path, "plus14.epub", {"TZ": "Pacific/Kiritimati"})
    honolulu = _build_in_subprocess(tmp_path, "minus10.epub", {"TZ": "Pacific/Honolulu"})
    assert utc == kiritimati == honolulu == render_epub(article_from(SEED))


def test_source_date_epoch_sets_modified(tmp_path):
    data = _build_in_subprocess(tmp_path, "epoch.epub", {"SOURCE_DATE_EPOCH": "1700000000"})
    opf = etree.fromstring(unpack(data)["EPUB/content.opf"])
    modified = [m.text for m in opf.iterfind("opf:metadata/opf:meta", NS) if m.get("property") == "dcterms:modified"]
    assert modified == ["2023-11-14T22:13:20Z"]
    assert render_epub(article_from(SEED), RenderOptions(source_date_epoch=1700000000)) == data
