"""The editions' furniture words ("Source:", "1 of 3", "Contents", "Cover") in the
article's language: the one table, and what a reader of each edition sees."""

from __future__ import annotations

import dataclasses
import io
import re
import string
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, DIRECTION_MARKS, article_from, epubcheck, words_with_boxes
from lxml import etree

from publish.check import joined_pages
from publish.labels import DEFAULT_LANGUAGE, LABELS, label, label_language
from publish.model import Collection
from publish.options import RenderOptions
from publish.readers.agencies import CREDIT_PHRASES
from publish.render.epub import render_collection_epub, render_epub
from publish.render.pdf import font_set, render_collection_pdf, render_pdf
from publish.templates import pdf_font_family

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
}
#: Marks of direction poppler writes around right-to-left text.
#: English furniture that must not reach a non-English edition.
_ENGLISH = re.compile(r"\b(?:Source|of|Contents|Cover|Published by|articles)\b")
#: Every language the parser reads credits in, and Greek (guessed from its script).
PROMISED = {*CREDIT_PHRASES, "el"}


def test_every_key_has_english_and_every_language_has_every_key():
    languages = {language for texts in LABELS.values() for language in texts}
    assert languages == PROMISED
    for key, texts in LABELS.items():
        assert DEFAULT_LANGUAGE in texts, key
        assert set(texts) == languages, f"{key}: lacks {sorted(languages - set(texts))}"


def test_every_translation_fills_the_same_placeholders_as_english():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in LABELS.items():
        for language, text in texts.items():
            assert fields(text) == fields(texts["en"]), (key, language)
            assert text == text.strip() or key == "sentence_break", (key, language)


def test_every_label_is_in_a_font_the_pdf_ships():
    fonts = font_set(pdf_font_family())
    lacking = {
        (key, language, ch)
        for key, texts in LABELS.items()
        for language, text in texts.items()
        for ch in text
        if fonts.font_for(ch) is None
    }
    assert lacking == set()


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("RU", "ru"),
        ("fa_IR", "fa"),
        ("hy-Latn-AM", "hy"),
        ("pt-BR", "en"),
        ("zz", "en"),
        ("", "en"),
    ],
)
def test_a_tag_falls_back_to_its_language_then_to_english(tag, expected):
    assert label_language(tag) == expected


def test_values_are_inserted_as_they_are():
    assert label("source", "ru", source="{page} & <Trend>") == "Источник: {page} & <Trend>"
    assert label("folio", "ar", page=2, total=12) == "2 من 12"
    assert label("folio", "hy", page=2, total=12) == "2 / 12"
    assert label("source", "pt-BR", source="Lusa") == "Source: Lusa"


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return DIRECTION_MARKS.sub("", text)


@pytest.mark.parametrize(
    ("fixture", "footer"),
    [
        ("arabic.txt", ["المصدر: رويترز", "1 من 1"]),
        ("persian.txt", ["منبع: ایرنا", "1 از 1"]),
        ("hebrew.txt", ["מקור: רויטרס", "1 מתוך 1"]),
        ("hindi.txt", ["स्रोत: पीटीआई", "1 / 1"]),
        ("russian.txt", ["Источник: Trend", "1 из 1"]),
        ("azerbaijani.txt", ["Mənbə: Trend", "1 / 1"]),
    ],
)
def test_the_pdf_footer_is_in_the_article_language(fixture, footer, tmp_path):
    text = _pdf_text(render_pdf(article_from(CORPUS / fixture)), tmp_path)
    # poppler joins "1 / 1" into one word: the slash's spaces are narrow.
    lines = [re.sub(r"\s*/\s*", " / ", line.strip()) for line in text.splitlines() if line.strip()]
    assert lines[-2:] == footer or lines[-2:] == footer[::-1]
    assert _ENGLISH.search(text) is None


def test_a_right_to_left_footer_is_mirrored_and_reads_right_to_left(tmp_path):
    """Arabic on every page: the credit flush right, "n من N" flush left, its words
    ordered from the right (the page number rightmost)."""
    article = article_from(CORPUS / "arabic.txt")
    long = dataclasses.replace(article, blocks=article.blocks * 8)
    words = words_with_boxes(render_pdf(long), tmp_path)
    pages = max(word[0] for word in words)
    assert pages >= 2
    for page in range(1, pages + 1):
        foot = sorted((w for w in words if w[0] == page and w[3] > 780), key=lambda w: w[1])
        # -bbox gives each right-to-left word's letters in drawing order: compare letters.
        expected = [str(pages), "من", str(page), "رويترز", "المصدر:"]
        assert [sorted(w[4]) for w in foot] == [sorted(word) for word in expected]
        # Flush with the text block (A4, 94 pt margins).
        assert foot[0][1] == pytest.approx(94, abs=0.5)
        assert foot[-1][2] == pytest.approx(595.28 - 94, abs=0.5)


def test_the_digest_contents_page_is_labelled_in_the_digest_language(tmp_path):
    articles = tuple(article_from(CORPUS / name) for name in ("arabic.txt", "persian.txt"))
    arabic = Collection("ملخص اليوم", "digest", articles, language="ar")
    text = _pdf_text(render_collection_pdf(arabic), tmp_path)
    assert "المحتويات" in text and _ENGLISH.search(text) is None
    files = _xhtml(render_collection_epub(arabic))
    [alt] = etree.fromstring(files["EPUB/cover.xhtml"]).xpath("//x:img/@alt", namespaces=NS)
    assert alt.startswith("الغلاف: ملخص اليوم. عدد المقالات: 2. ")
    assert _text(etree.fromstring(files["EPUB/nav.xhtml"]), "//x:nav[@epub:type='toc']/x:h1") == "المحتويات"
    mixed = (article_from(CORPUS / "header_block.txt"), article_from(CORPUS / "russian.txt"))
    text = _pdf_text(render_collection_pdf(Collection("Digest", "digest", mixed, language="en")), tmp_path)
    assert "\nContents\n" in text and "Содержание" not in text


def _xhtml(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist() if name.endswith((".xhtml", ".opf", ".ncx"))}


def _text(root: etree._Element, path: str) -> str:
    return " ".join(str(root.xpath(f"string({path})", namespaces=NS)).split())


def test_an_arabic_epub_has_arabic_furniture(tmp_path):
    article = article_from(CORPUS / "arabic.txt")
    data = render_epub(article, RenderOptions(publisher="دار النشر"))
    files = _xhtml(data)
    chapter = etree.fromstring(files["EPUB/article.xhtml"])
    assert [_text(p, ".") for p in chapter.xpath("//x:footer/x:p", namespaces=NS)] == [
        "المصدر: رويترز",
        "الناشر: دار النشر",
    ]
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    assert _text(nav, "//x:nav[@epub:type='toc']/x:h1") == "المحتويات"
    assert [a.text for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)][:2] == [
        "الغلاف",
        "المحتويات",
    ]
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    assert cover.xpath("//x:section/@aria-label", namespaces=NS) == ["الغلاف"]
    [alt] = cover.xpath("//x:img/@alt", namespaces=NS)
    assert alt.startswith(f"الغلاف: دار النشر. {article.title}. ")
    guide = etree.fromstring(files["EPUB/content.opf"]).xpath("//opf:guide/opf:reference/@title", namespaces=NS)
    assert guide[0] == "الغلاف"
    for name, content in files.items():
        if name.endswith(".xhtml"):  # the hidden landmarks heading is the one English word left
            visible = content.decode().replace("<h2>Landmarks</h2>", "")
            assert _ENGLISH.search(re.sub(r"<[^>]*>", " ", visible)) is None, name
    book = tmp_path / "ar.epub"
    book.write_bytes(data)
    assert epubcheck(book) == []


@pytest.mark.parametrize(
    ("fixture", "credit", "contents", "cover"),
    [
        ("russian.txt", "Источник: Trend", "Содержание", "Обложка"),
        ("hebrew.txt", "מקור: רויטרס", "תוכן העניינים", "כריכה"),
        ("armenian.txt", None, "Բովանդակություն", "Շապիկ"),
        ("georgian.txt", None, "სარჩევი", "ყდა"),
    ],
)
def test_each_language_epub_names_its_furniture(fixture, credit, contents, cover):
    files = _xhtml(render_epub(article_from(CORPUS / fixture)))
    chapter = etree.fromstring(files["EPUB/article.xhtml"])
    assert [_text(p, ".") for p in chapter.xpath("//x:footer/x:p", namespaces=NS)] == ([credit] if credit else [])
    assert _text(etree.fromstring(files["EPUB/nav.xhtml"]), "//x:nav[@epub:type='toc']/x:h1") == contents
    assert etree.fromstring(files["EPUB/cover.xhtml"]).xpath("//x:section/@aria-label", namespaces=NS) == [cover]


def test_a_mixed_digest_labels_each_chapter_in_its_own_language(tmp_path):
    articles = tuple(article_from(CORPUS / name) for name in ("header_block.txt", "russian.txt", "arabic.txt"))
    data = render_collection_epub(Collection("World desk", "digest", articles, language="en"))
    files = _xhtml(data)
    credits = [_text(etree.fromstring(files[f"EPUB/article-{n:04}.xhtml"]), "//x:footer/x:p") for n in range(1, 4)]
    assert credits == ["Source: Trend", "Источник: Trend", "المصدر: رويترز"]
    assert _text(etree.fromstring(files["EPUB/nav.xhtml"]), "//x:nav[@epub:type='toc']/x:h1") == "Contents"
    book = tmp_path / "digest.epub"
    book.write_bytes(data)
    assert epubcheck(book) == []


def test_check_rejoins_a_word_hyphenated_across_pages_of_a_russian_pdf():
    pages = ["Переговоры в столице продол-\n1 из 2\nИсточник: Trend\n", "жатся на следующей неделе.\n2 из 2\n"]
    assert "\nпродолжатся на" in joined_pages(pages, "ru")
    assert "продолжатся" not in joined_pages(pages, "en")
