"""The editions' furniture words ("Source:", "1 of 3", "Contents", "Cover") in the
article's language: the one table, and what a reader of each edition sees."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, DIRECTION_MARKS, article_from, epubcheck, words_with_boxes
from lxml import etree

from publish.check import joined_pages
from publish.language import of, tables
from publish.model import Collection
from publish.options import RenderOptions
from publish.readers import parse
from publish.render.epub import render_collection_epub, render_epub
from publish.render.pdf import render_collection_pdf, render_pdf

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
}
#: English furniture that must not reach a non-English edition.
_ENGLISH = re.compile(r"\b(?:Source|of|Contents|Cover|Published by|articles)\b")
#: A sentence of news in each language of the furniture table, to render each row with.
SAMPLES: dict[str, str] = {
    "en": "The talks will resume in May, officials said.",
    "fr": "Les discussions reprendront en mai, ont indiqué les responsables.",
    "de": "Die Gespräche werden im Mai fortgesetzt, teilten die Behörden mit.",
    "es": "Las conversaciones se reanudarán en mayo, dijeron las autoridades.",
    "it": "I colloqui riprenderanno a maggio, hanno detto i funzionari.",
    "pt": "As negociações serão retomadas em maio, disseram as autoridades.",
    "nl": "De gesprekken worden in mei hervat, zeiden functionarissen.",
    "pl": "Rozmowy zostaną wznowione w maju, poinformowali urzędnicy.",
    "sv": "Samtalen återupptas i maj, sade tjänstemän.",
    "nb": "Samtalene gjenopptas i mai, sa tjenestemenn.",
    "da": "Forhandlingerne genoptages i maj, sagde embedsmænd.",
    "fi": "Neuvottelut jatkuvat toukokuussa, virkamiehet kertoivat.",
    "tr": "Görüşmeler mayısta yeniden başlayacak, yetkililer açıkladı.",
    "az": "Danışıqlar may ayında davam edəcək, rəsmilər bildirib.",
    "ru": "Переговоры возобновятся в мае, сообщили официальные лица.",
    "uk": "Переговори відновляться у травні, повідомили посадовці.",
    "hy": "Բանակցությունները կվերսկսվեն մայիսին, հայտնել են պաշտոնյաները։",
    "ka": "მოლაპარაკებები მაისში განახლდება, განაცხადეს ოფიციალურმა პირებმა.",
    "el": "Οι συνομιλίες θα επαναληφθούν τον Μάιο, δήλωσαν αξιωματούχοι.",
    "ar": "ستستأنف المحادثات في مايو، بحسب المسؤولين.",
    "fa": "مذاکرات در اردیبهشت از سر گرفته می‌شود، مقامات گفتند.",
    "he": "השיחות יתחדשו במאי, אמרו גורמים רשמיים.",
    "hi": "बातचीत मई में फिर शुरू होगी, अधिकारियों ने कहा।",
    "zh": "官员表示，谈判将于五月恢复。",
    "ja": "関係者によると、協議は五月に再開される。",
    "ko": "협상은 5월에 재개될 것이라고 관계자들이 밝혔다.",
}


def test_every_row_of_the_furniture_table_has_a_sample_to_render():
    assert set(SAMPLES) == {language for texts in tables.LABELS.values() for language in texts}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_row_is_what_a_reader_of_that_language_meets(language, tmp_path):
    """Each row rendered: the PDF footer (credit and page number) and the EPUB's footer,
    navigation heading, cover name and cover description, in the article's language."""
    facts = of(language)
    article = parse(
        f"title: {SAMPLES[language][:20]}\ndate: 2024-05-02\nlanguage: {language}\nsource: Kyodo\n\n"
        f"{SAMPLES[language]}\n"
    ).article
    footer = "".join(_pdf_text(render_pdf(article), tmp_path).split())  # extraction's spaces aside
    assert "".join(facts.label("source", source="Kyodo").split()) in footer
    assert "".join(facts.label("folio", page=1, total=1).split()) in footer
    files = _xhtml(render_epub(article, RenderOptions(publisher="Desk")))
    chapter = etree.fromstring(files["EPUB/article.xhtml"])
    assert [_text(p, ".") for p in chapter.xpath("//x:footer/x:p", namespaces=NS)] == [
        _flat(facts.label("source", source="Kyodo")),
        _flat(facts.label("published_by", publisher="Desk")),
    ]
    assert _text(etree.fromstring(files["EPUB/nav.xhtml"]), "//x:nav[@epub:type='toc']/x:h1") == facts.label("contents")
    cover = etree.fromstring(files["EPUB/cover.xhtml"])
    assert cover.xpath("//x:section/@aria-label", namespaces=NS) == [facts.label("cover")]
    [alt] = cover.xpath("//x:img/@alt", namespaces=NS)
    assert alt.startswith(facts.label("cover_description", printed="Desk"))


def _flat(text: str) -> str:
    """Text as extraction gives it back: spaces of any kind as one, none around a slash
    (poppler joins "1 / 1", whose spaces are narrow)."""
    return re.sub(r"\s*/\s*", "/", " ".join(text.split()))


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return DIRECTION_MARKS.sub("", text)


@pytest.mark.parametrize(
    ("fixture", "footer"),
    [
        ("arabic.txt", ["المصدر: رويترز", "1 من 1"]),
        ("persian.txt", ["منبع: ایرنا", "۱ از ۱"]),
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
