import zipfile

import pytest
from lxml import etree

from conftest import GOOD_CORPUS, SEED, article_from, assert_words_in_order, epubcheck
from publish.render.epub import render_epub


@pytest.mark.parametrize("path", [SEED, *GOOD_CORPUS], ids=lambda p: p.name)
def test_epubcheck_reports_nothing(path, tmp_path):
    target = tmp_path / "book.epub"
    target.write_bytes(render_epub(article_from(path)))
    assert epubcheck(target) == []


def test_epub_structure_and_text(seed_article, tmp_path):
    data = render_epub(seed_article)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        xhtml = book.read("EPUB/article.xhtml")
        opf = book.read("EPUB/content.opf").decode()
    root = etree.fromstring(xhtml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert root.get("lang") == "en"
    assert root.xpath("string(//x:h1)", namespaces=ns) == seed_article.title
    assert root.xpath("string(//x:span[@class='dateline'])", namespaces=ns) == "BAKU, Azerbaijan, September 21."
    assert root.xpath("count(//x:span[@class='editorial'])", namespaces=ns) == 1
    paragraphs = ["".join(p.itertext()) for p in root.iterfind(".//x:p", ns)]
    assert_words_in_order(seed_article.words, "\n".join(paragraphs))
    assert "<dc:date>2023-09-21</dc:date>" in opf
    assert seed_article.identifier in opf


def test_markup_in_text_stays_text():
    article = article_from([p for p in GOOD_CORPUS if p.name == "markup.txt"][0])
    with zipfile.ZipFile(__import__("io").BytesIO(render_epub(article))) as book:
        xhtml = book.read("EPUB/article.xhtml").decode()
    assert "<script>" not in xhtml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xhtml
    assert "{{ 7*7 }}" in xhtml and "49" not in xhtml
    assert "]]&gt;" in xhtml


def test_epub_is_reproducible(seed_article):
    assert render_epub(seed_article) == render_epub(seed_article)
