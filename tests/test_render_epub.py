import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, GOOD_CORPUS, SEED, article_from, assert_words_in_order, epubcheck
from lxml import etree

from publish import __version__
from publish.language.scripts import has_case
from publish.model import Collection
from publish.options import RenderOptions
from publish.render.epub import SUMMARIES, render_collection_epub, render_epub
from publish.typography import reading_words

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
}
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
    assert prop("schema:accessibilitySummary") == [SUMMARIES["article"]]
    assert prop("schema:accessibilitySummary")[0].startswith("A single news article in reflowable text")
    assert dc("creator") == ["Trend"]  # an unbylined wire story is credited to its agency
    generators = [el.get("content") for el in meta.findall("opf:meta", NS) if el.get("name") == "generator"]
    assert generators == [f"publish {__version__}"]  # not ebooklib's version stamp
    manifest = {item.get("id"): item for item in opf.iterfind("opf:manifest/opf:item", NS)}
    assert manifest["cover-image"].get("properties") == "cover-image"
    assert manifest["cover-image"].get("media-type") == "image/jpeg"
    assert manifest["cover-image"].get("href") == "cover.jpg"
    assert not [item for item in manifest.values() if item.get("media-type") == "image/svg+xml"]
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
        levels = [
            int(h.tag[-1])
            for h in root.iter()
            if isinstance(h.tag, str) and h.tag[-2:-1] == "h" and h.tag[-1].isdigit()
        ]
        assert all(b - a <= 1 for a, b in zip([0, *levels], levels)), (name, levels)


def test_article_semantics_and_text(seed_article):
    root = etree.fromstring(unpack(render_epub(seed_article))["EPUB/article.xhtml"])
    assert root.xpath("string(//x:h1)", namespaces=NS) == seed_article.title
    # Set for reading as in the PDF: a no-break space keeps "September 21" on one line.
    assert (
        root.xpath("string(//x:span[@class='dateline cased'])", namespaces=NS) == "BAKU, Azerbaijan, September\u00a021."
    )
    assert root.xpath("count(//x:span[@class='editorial'])", namespaces=NS) == 1
    assert root.xpath("count(//x:span[@class='quotation'])", namespaces=NS) == 4
    assert root.xpath("string(//x:footer)", namespaces=NS).strip() == "Source: Trend"
    assert root.xpath("//x:section/@epub:type", namespaces=NS) == ["chapter"]
    assert root.xpath("//x:time/@datetime", namespaces=NS) == ["2023-09-21"]
    assert root.xpath("//x:time/text()", namespaces=NS) == ["September 21, 2023"]
    paragraphs = ["".join(p.itertext()) for p in root.iterfind(".//x:p", NS)]
    assert_words_in_order(reading_words(seed_article), "\n".join(paragraphs))


def test_the_epub_sets_dashes_ranges_and_no_break_spaces_as_the_pdf_does():
    from publish.readers import parse

    article = parse(
        "title: Prices - and more\ndate: 2024-03-01\nlanguage: en\n\n"
        "Prices rose 20-25% - Ms Boynton said - on March 31."
    ).article
    root = etree.fromstring(unpack(render_epub(article))["EPUB/article.xhtml"])
    assert root.xpath("string(//x:h1)", namespaces=NS) == "Prices\u00a0\u2013 and more"
    assert root.xpath("string(//x:p[@class='lead'])", namespaces=NS) == (
        "Prices rose 20\u201325%\u00a0\u2013 Ms\u00a0Boynton said\u00a0\u2013 on March\u00a031."
    )
    assert article.blocks[0].text == "Prices rose 20-25% - Ms Boynton said - on March 31."  # the model as sent


def test_cover_is_a_jpeg_page_described_by_everything_printed_on_it(seed_article):
    files = unpack(render_epub(seed_article))
    assert files["EPUB/cover.jpg"][:3] == b"\xff\xd8\xff"
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    assert cover.xpath("//x:img/@src", namespaces=NS) == ["cover.jpg"]
    assert cover.xpath("string(//x:img/@alt)", namespaces=NS) == (
        f"Cover: {seed_article.title}. BAKU, Azerbaijan. September 21, 2023. Trend"
    )
    assert cover.xpath("//x:body/@epub:type", namespaces=NS) == ["cover"]
    assert len(cover.xpath("//x:body//*", namespaces=NS)) == 2  # a section holding the image, nothing else


def test_cover_names_the_author_and_the_publisher():
    article = article_from(CORPUS / "header_block.txt")
    files = unpack(render_epub(article, RenderOptions(publisher="Daily Wire")))
    alt = etree.fromstring(files["EPUB/cover.xhtml"]).xpath("string(//x:img/@alt)", namespaces=NS)
    assert alt == (
        "Cover: Daily Wire. Armenia and Azerbaijan agree to meet on border commission. Leyla Mammadova. "
        "YEREVAN, Armenia. April 19, 2024. Trend"
    )
    assert files["EPUB/cover.jpg"] != unpack(render_epub(article))["EPUB/cover.jpg"]


def test_markup_in_text_stays_text():
    article = article_from(CORPUS / "markup.txt")
    files = unpack(render_epub(article))
    xhtml = files["EPUB/article.xhtml"].decode()
    assert "<script>" not in xhtml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xhtml
    assert "{{ 7*7 }}" in xhtml and "49" not in xhtml
    assert "]]&gt;" in xhtml
    cover = files["EPUB/cover.xhtml"].decode()
    assert "<b>" not in cover and 'alt="Cover: Markup &lt;b&gt;in&lt;/b&gt; a headline &amp; ' in cover


def css_rules(css: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value} of a plain stylesheet (no at-rules, which ours has none of)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = dict(tuple(part.strip() for part in d.split(":", 1)) for d in body.split(";") if d.strip())
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def test_stylesheet_lets_the_reader_win_and_every_script_read():
    css = unpack(render_epub(article_from(SEED)))["EPUB/css/article.css"].decode()
    rules = css_rules(css)
    values = [value for declarations in rules.values() for value in declarations.values()]
    # Relative units only, nothing forced, nothing Kindle or Kobo do not support.
    assert not [v for v in values if re.search(r"\d(px|pt|cm|mm|in|pc)\b", v)]
    bare = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert "!important" not in bare and "position" not in bare and "background" not in bare
    assert not [v for v in values if v.startswith("#") or "rgb" in v]
    # Real families for Latin/Cyrillic/Greek, Armenian and Georgian before the generic one.
    assert rules["html"]["font-family"] == (
        '"Noto Serif", "Noto Serif Armenian", "Noto Serif Georgian", Georgia, "DejaVu Serif", Sylfaen, serif'
    )
    # Justified only together with hyphenation, and only for languages marked hyphenated.
    justified = {selector for selector, d in rules.items() if d.get("text-align") == "justify"}
    assert justified == {"body.hyphenate p"}
    assert rules["body.hyphenate p"]["hyphens"] == "auto" and rules["body.hyphenate p"]["-webkit-hyphens"] == "auto"
    assert rules["p"]["text-align"] == "start" and "hyphens" not in rules["p"]
    # Small caps only on datelines in scripts with case, and all of the letters.
    caps = {selector: d["font-variant"] for selector, d in rules.items() if "font-variant" in d}
    assert caps == {".dateline.cased": "all-small-caps oldstyle-nums"}
    assert rules[".dateline"] == {"font-weight": "bold"}


@pytest.mark.parametrize(
    "name, dateline_class, body_class, date_text",
    [
        ("header_block.txt", "dateline cased", "hyphenate", "April 19, 2024"),
        ("russian.txt", "dateline cased", "hyphenate", "4 июня 2024\u202fг."),
        ("armenian.txt", "dateline cased", None, "2024 թ. հուլիսի 12"),
        ("georgian.txt", "dateline", None, "20 აგვისტო, 2024"),
        ("azerbaijani.txt", "dateline cased", None, "28 may 2024"),
    ],
)
def test_each_script_gets_its_dateline_justification_and_date(name, dateline_class, body_class, date_text):
    root = etree.fromstring(unpack(render_epub(article_from(CORPUS / name)))["EPUB/article.xhtml"])
    assert root.xpath("//x:span[starts-with(@class, 'dateline')]/@class", namespaces=NS) == [dateline_class]
    assert root.find("x:body", NS).get("class") == body_class
    assert root.xpath("//x:time/text()", namespaces=NS) == [date_text]


def test_small_caps_only_for_scripts_with_case():
    assert has_case("BAKU, Azerbaijan, September 21.") and has_case("БАКУ, 4 июня.")
    assert has_case("ΑΘΗΝΑ, 3 Μαΐου.") and has_case("ԵՐԵՎԱՆ, 12 հուլիսի.")
    # Georgian: Unicode has Mtavruli capitals, but Georgian text has no case.
    assert not has_case("თბილისი, 20 აგვისტო.") and not has_case("TBILISI / თბილისი") and not has_case("2024.")


def test_undated_article_shows_and_claims_no_date(tmp_path):
    article = article_from(CORPUS / "title_first.txt")
    assert article.date is None
    files = unpack(render_epub(article))
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.xpath("//dc:date", namespaces=NS) == []
    modified = opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert modified == ["1980-01-01T00:00:00Z"]  # the documented fixed time, never the clock
    for name in ("EPUB/article.xhtml", "EPUB/cover.xhtml", "EPUB/nav.xhtml", "EPUB/toc.ncx"):
        assert b"1980" not in files[name] and b"<time" not in files[name], name
    alt = etree.fromstring(files["EPUB/cover.xhtml"]).xpath("string(//x:img/@alt)", namespaces=NS)
    assert alt == "Cover: Georgia opens a new border crossing with Armenia. TBILISI, Georgia"
    stamped = unpack(render_epub(article, RenderOptions(source_date_epoch=1700000000)))["EPUB/content.opf"]
    assert b'<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in stamped
    target = tmp_path / "undated.epub"
    target.write_bytes(render_epub(article))
    assert epubcheck(target) == []


def test_digest_describes_a_digest():
    articles = tuple(article_from(CORPUS / name) for name in ("header_block.txt", "russian.txt", "georgian.txt"))
    digest = Collection(title="Daily digest", slug="daily-digest", articles=articles)
    files = unpack(render_collection_epub(digest))
    opf = etree.fromstring(files["EPUB/content.opf"])
    summary = opf.xpath("//opf:meta[@property='schema:accessibilitySummary']/text()", namespaces=NS)
    assert summary == [SUMMARIES["digest"].format(count=3)] and summary[0].startswith("A digest of 3 news articles")
    assert opf.xpath("//dc:date", namespaces=NS) == []
    alt = etree.fromstring(files["EPUB/cover.xhtml"]).xpath("string(//x:img/@alt)", namespaces=NS)
    assert alt == "Cover: Daily digest. 3 articles. Trend"
    assert files["EPUB/cover.jpg"][:3] == b"\xff\xd8\xff"


def test_opf_gives_kindle_and_kobo_their_cover_and_metadata(seed_article):
    """What calibre's AZW3 conversion and Kobo's ingestion read, without needing calibre."""
    files = unpack(render_epub(seed_article))
    opf = etree.fromstring(files["EPUB/content.opf"])
    cover_id = opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS)
    assert cover_id == ["cover-image"]
    item = opf.xpath("//opf:item[@id='cover-image']", namespaces=NS)[0]
    assert (item.get("href"), item.get("media-type"), item.get("properties")) == (
        "cover.jpg",
        "image/jpeg",
        "cover-image",
    )
    guide = [(ref.get("type"), ref.get("href")) for ref in opf.iterfind("opf:guide/opf:reference", NS)]
    assert guide == [("cover", "cover.xhtml"), ("text", "article.xhtml")]
    spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine[0] == "cover"
    assert opf.xpath("//dc:creator/text()", namespaces=NS) == ["Trend"]
    assert opf.xpath("//dc:date/text()", namespaces=NS) == ["2023-09-21"]
    assert opf.xpath("//dc:language/text()", namespaces=NS) == ["en"]


CALIBRE = shutil.which("ebook-convert") and shutil.which("ebook-meta")


@pytest.mark.skipif(
    not CALIBRE and not os.environ.get("CI"), reason="calibre is not installed (apt-get install calibre)"
)
@pytest.mark.parametrize(
    "path, author, language",
    [
        (SEED, "Trend", "eng"),
        (CORPUS / "header_block.txt", "Leyla Mammadova", "eng"),
        (CORPUS / "georgian.txt", "Unknown", "kat"),  # no author, no source: calibre's own word for none
    ],
    ids=["seed", "english", "georgian"],
)
def test_calibre_azw3_keeps_cover_and_metadata(path, author, language, tmp_path):
    from PIL import Image

    article = article_from(path)
    book = tmp_path / "book.epub"
    book.write_bytes(render_epub(article))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    subprocess.run(
        ["ebook-convert", str(book), str(tmp_path / "book.azw3")], check=True, capture_output=True, env=env, timeout=300
    )
    meta = subprocess.run(
        ["ebook-meta", str(tmp_path / "book.azw3"), f"--get-cover={tmp_path / 'cover.jpg'}"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    ).stdout
    fields = dict(line.split(":", 1) for line in meta.splitlines() if " : " in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields["Title"] == article.title
    assert fields["Author(s)"] == author
    assert fields["Languages"] == language
    assert fields["Published"].startswith(article.date_iso)
    with Image.open(tmp_path / "cover.jpg") as cover:
        assert cover.format == "JPEG" and cover.height / cover.width == pytest.approx(1.6, abs=0.01)


def test_zip_layout(seed_article):
    with zipfile.ZipFile(io.BytesIO(render_epub(seed_article))) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(2023, 9, 21, 0, 0, 0)}


def _build_in_subprocess(tmp_path, name, env):
    out = tmp_path / name
    script = (
        "import sys; from publish.readers import read_article; from publish.render.epub import render_epub;"
        "from publish.options import RenderOptions; import os;"
        "epoch = os.environ.get('SOURCE_DATE_EPOCH');"
        "a = read_article(__import__('pathlib').Path(sys.argv[1])).article;"
        "open(sys.argv[2], 'wb').write(render_epub(a, RenderOptions("
        "source_date_epoch=int(epoch) if epoch else None)))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(SEED), str(out)], check=True, env={**os.environ, **env}, timeout=120
    )
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


def test_the_validator_catches_a_broken_epub(tmp_path, seed_article):
    """The EPUBCheck run the tests rely on does report errors (a clean verdict means something)."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(io.BytesIO(render_epub(seed_article))) as good, zipfile.ZipFile(broken, "w") as bad:
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "EPUB/article.xhtml":
                data = data.replace(b"</section>", b"<p>unclosed</section>")
            bad.writestr(item, data)
    messages = epubcheck(broken)
    assert messages and all(message.startswith(("FATAL", "ERROR")) for message in messages), messages
    assert any("article.xhtml" in message for message in messages)


#: Run in the chapter by headless Chromium: each body paragraph's computed `text-align`,
#: and how far its last line stands from the paragraph's start edge and its end edge.
_ALIGNMENT_PROBE = """<script><![CDATA[
const rtl = getComputedStyle(document.documentElement).direction === "rtl";
document.body.setAttribute("data-probe", JSON.stringify(
  Array.from(document.querySelectorAll("section > p:not(.lead), section > p.lead")).map(p => {
    const range = document.createRange(); range.selectNodeContents(p);
    const rects = Array.from(range.getClientRects()); const box = p.getBoundingClientRect();
    const bottom = Math.max(...rects.map(r => r.top));
    const last = rects.filter(r => r.top > bottom - 4);  // the last line's pieces (a bidi run each)
    const left = Math.min(...last.map(r => r.left)), right = Math.max(...last.map(r => r.right));
    return [getComputedStyle(p).textAlign,
            rtl ? box.right - right : left - box.left,
            rtl ? left - box.left : box.right - right];
  })));
]]></script></body>"""


def chromium_probe(book: bytes, tmp_path: Path, chapter: str = "EPUB/article.xhtml") -> list[list]:
    """What headless Chromium computes for a chapter's paragraphs (see _ALIGNMENT_PROBE)."""
    folder = tmp_path / "book"
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        archive.extractall(folder)
    page = folder / chapter
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", _ALIGNMENT_PROBE), encoding="utf-8")
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert browser, "the tests need Chromium (tests/conftest.py TOOLS)"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    flags += [f"--user-data-dir={tmp_path / 'profile'}", "--window-size=600,900", "--virtual-time-budget=2000"]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, dom[-500:]
    return json.loads(html.unescape(found[1]))


@pytest.mark.parametrize("name", ["arabic.txt", "persian.txt", "hebrew.txt", "header_block.txt", "armenian.txt"])
def test_every_paragraph_sets_off_from_its_start_edge_in_chromium(name, tmp_path):
    """Right-to-left chapters align to the right, left-to-right ones to the left, as computed
    by Chromium (not read from the CSS): a ragged last line touches the start edge and
    leaves its room at the end."""
    probe = chromium_probe(render_epub(article_from(CORPUS / name)), tmp_path)
    assert probe
    for align, from_start, _ in probe:
        assert align in ("start", "justify"), (name, align)
        assert from_start < 30, (name, from_start)  # at most the first-line indent of a one-line paragraph
    assert any(to_end > 50 for _, _, to_end in probe)  # some last line is short: its room is at the end
