"""Digests: many articles as one EPUB, PDF and text edition."""

import subprocess
import sys
import zipfile

from lxml import etree
from pypdf import PdfReader

from conftest import BAD, CORPUS, SEED, article_from, assert_words_in_order, epubcheck
from publish.digest import collect

ARTICLES = [CORPUS / "header_block.txt", SEED, CORPUS / "russian.txt", CORPUS / "title_first.txt",
            CORPUS / "georgian.txt"]
# By date, then title; the undated title-first article last.
SORTED_TITLES = ["Azerbaijan conducted local anti-terrorist activities",
                 "Armenia and Azerbaijan agree to meet on border commission",
                 "В Баку прошла международная конференция по энергетике",
                 "თბილისში ახალი პარკი გაიხსნა",
                 "Georgia opens a new border crossing with Armenia"]


def test_digest_editions(tmp_path):
    result = collect(ARTICLES, tmp_path, "Daily digest", formats=["epub", "pdf", "txt"])
    written, warnings = result.written, result.warnings
    assert [p.name for p in written] == [f"undated-daily-digest.{ext}" for ext in ("epub", "pdf", "txt")]
    assert any("undated" in w for w in warnings)
    epub, pdf, text = written

    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        chapters = [n for n in book.namelist() if n.startswith("EPUB/article-")]
        russian = etree.fromstring(book.read("EPUB/article-0003.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert nav.xpath("//x:nav[@id='toc']//x:a/text()", namespaces=ns) == SORTED_TITLES
    assert len(chapters) == 5 and russian.get("lang") == "ru"

    reader = PdfReader(pdf)
    assert [entry.title for entry in reader.outline] == SORTED_TITLES
    contents = reader.pages[0].extract_text()
    assert "Daily digest" in contents and "Georgia opens a new border crossing with Armenia" in contents
    everything = "\n".join(page.extract_text() for page in reader.pages)
    for path in ARTICLES:
        assert_words_in_order(article_from(path).words, everything)

    body = text.read_text(encoding="utf-8")
    assert body.startswith("Title: Daily digest\n") and "Articles: 5" in body
    listed = body.split("Contents\n\n", 1)[1].split("\n\n", 1)[0]
    entries = " ".join(listed.split()).split(" ")
    numbered = " ".join(entries)
    for number, title in enumerate(SORTED_TITLES, start=1):
        assert f"{number}. {title}" in numbered
    assert body.count("\n" + "=" * 72 + "\n") == 5


def test_keep_order_and_cli(tmp_path):
    result = subprocess.run([sys.executable, "-m", "publish", "collect", *map(str, ARTICLES), "--title",
                             "As given", "--date", "2024-09-01", "--keep-order", "--format", "epub",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    epub = tmp_path / "2024-09-01-as-given.epub"
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    titles = nav.xpath("//x:nav[@id='toc']//x:a/text()", namespaces={"x": "http://www.w3.org/1999/xhtml"})
    assert titles[0] == "Armenia and Azerbaijan agree to meet on border commission"
    assert titles[3] == "Georgia opens a new border crossing with Armenia"


def test_a_bad_article_fails_the_digest_and_writes_nothing(tmp_path):
    result = subprocess.run([sys.executable, "-m", "publish", "collect", str(SEED), str(BAD / "impossible_date.txt"),
                             "--title", "Broken", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1 and result.stderr.startswith(f"error: {BAD / 'impossible_date.txt'}:1:")
    assert list((tmp_path / "out").iterdir()) == []
