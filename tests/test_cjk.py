"""Chinese, Japanese and Korean articles, built as a user builds them: every character in
the PDF's text layer (poppler's `pdftotext`), every font embedded, dates as their readers
write them, headlines and running heads that fit, paragraphs set in by whole characters,
EPUBs that EPUBCheck accepts and covers that draw the characters, not boxes."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, article_from, epubcheck
from PIL import Image, ImageChops, ImageDraw

from publish.building.builder import build
from publish.fonts import CJK_FAMILY
from publish.model import Paragraph, plain_text
from publish.options import RenderOptions
from publish.readers import parse
from publish.render import cover
from publish.render.pdf import render_pdf
from publish.typography import block_for_reading

FIXTURES = {"zh": "chinese.txt", "ja": "japanese.txt", "ko": "korean.txt"}
#: The long date of each language (CLDR), as its readers write it.
DATES = {"zh": "2024年5月14日", "ja": "2024年5月14日", "ko": "2024년 5월 14일"}
#: How two lines of each language's text join: Chinese and Japanese break between
#: characters, Korean at spaces.
JOINS = {"zh": "", "ja": "", "ko": " "}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """language -> edition suffix -> file, each fixture built as `publish build` builds it."""
    out: dict[str, dict[str, Path]] = {}
    for language, name in FIXTURES.items():
        folder = tmp_path_factory.mktemp(language)
        report = build([CORPUS / name], folder, formats=("epub", "pdf", "txt"))
        assert report.ok
        out[language] = {path.suffix: path for path in report.written}
    return out


def text_layer(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


#: The space each fixture's headline breaks at: Japanese sets an ideographic one.
HEADLINE_SPACES = {"zh": " ", "ja": "\u3000", "ko": " "}


@pytest.mark.parametrize("language", FIXTURES)
def test_the_text_layer_gives_back_every_character_of_the_article(language, editions):
    article = article_from(CORPUS / FIXTURES[language])
    assert article.language == language
    lines = [line for line in text_layer(editions[language][".pdf"]).splitlines() if line]
    joined = JOINS[language].join(lines)
    printed = [
        plain_text(block_for_reading(block, language).runs) for block in article.blocks if isinstance(block, Paragraph)
    ]
    assert len(printed) >= 3
    for paragraph in printed:
        assert paragraph.replace("\u00a0", " ") in joined
    assert HEADLINE_SPACES[language].join(lines[:2]) == article.title  # the headline, broken at its space


@pytest.mark.parametrize("language", FIXTURES)
def test_every_font_is_embedded_and_the_cjk_face_is_one_of_them(language, editions):
    listing = subprocess.run(
        ["pdffonts", str(editions[language][".pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = {line.split()[0].split("+")[-1]: line.split()[-5] for line in listing}
    assert fonts["PublishSansCJK"] == "yes" and set(fonts.values()) == {"yes"}, fonts


@pytest.mark.parametrize("language", FIXTURES)
def test_dates_are_written_as_their_readers_write_them(language, editions):
    assert DATES[language] in text_layer(editions[language][".pdf"])
    with zipfile.ZipFile(editions[language][".epub"]) as book:
        chapter = next(book.read(name).decode() for name in book.namelist() if name.endswith("article.xhtml"))
    assert DATES[language] in chapter


@pytest.mark.parametrize("language", FIXTURES)
def test_cjk_epubs_pass_epubcheck(language, editions):
    assert epubcheck(editions[language][".epub"]) == []


def test_a_japanese_headline_breaks_at_its_space_not_inside_a_phrase(editions):
    lines = text_layer(editions["ja"][".pdf"]).splitlines()
    assert lines[:2] == ["上野に新しい区立図書館が開館", "蔵書は約80万冊"]


@pytest.mark.parametrize(("language", "characters"), [("zh", 2), ("ja", 1)])
def test_paragraphs_are_set_in_by_whole_characters(language, characters, editions):
    """A continued paragraph's first line starts two characters (Chinese) or one
    (Japanese) in from the text block, on the grid of the lines below it; the lead is flush."""
    html = text_layer(editions[language][".pdf"], "-bbox")
    starts: dict[float, float] = {}  # line (its top) -> where its first word starts
    for x, y in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"', html):
        if 140 < float(y) < 700:  # below the byline, above the footer
            starts[float(y)] = min(starts.get(float(y), 1000.0), float(x))
    margin, size = 94.0, 10.5
    assert len(starts) > 5 and set(starts.values()) == {margin, margin + characters * size}


def test_a_running_head_is_cut_between_characters_beside_the_date(tmp_path):
    title = "国家统计局：4月份国民经济持续恢复，“稳中有进”态势延续，社会消费品零售总额同比增长2.3%，高于市场预期"
    paragraph = "新华社北京5月14日电 国家统计局14日发布数据显示，4月份国民经济持续恢复。" * 30
    article = parse(f"title: {title}\ndate: 2024-05-14\nlanguage: zh\n\n" + f"{paragraph}\n\n" * 4).article
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(article, RenderOptions()))
    html = text_layer(path, "-bbox", "-f", "2", "-l", "2")
    head = [
        (float(x_min), float(x_max), word)
        for x_min, y_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
        )
        if float(y_min) < 50
    ]
    (*title_words, (date_start, date_end, date)) = head
    assert date == "2024年5月14日" and date_end == pytest.approx(595.0 - 94, abs=0.5)
    shown = "".join(word for _, _, word in title_words)
    assert shown.endswith("\u2026") and title.startswith(shown[:-1]) and len(shown) < len(title)
    assert max(end for _, end, _ in title_words) < date_start - 9  # two em of the meta size apart, at least one


@pytest.mark.parametrize(("language", "character"), [("zh", "书"), ("ja", "あ"), ("ko", "한")])
def test_the_cover_draws_each_script_in_its_glyphs_not_as_boxes(language, character):
    """The cover's headline is the CJK face's glyph for the character, where drawn in
    Publish Serif (which lacks it) it would be the .notdef box main drew."""
    data = cover.render_cover(cover.CoverText(title=character, language=language))
    drawn = Image.open(io.BytesIO(data)).convert("L")
    size, lines = cover.fit_title(character, language)
    assert lines == [character] and cover.script_runs(character) == ((CJK_FAMILY.name, character),)
    x, y = (cover.WIDTH - cover._width(character, "bold", size, 0, language)) / 2, cover.TITLE_TOP + size
    band = (100, cover.TITLE_TOP - 20, 900, cover.TITLE_TOP + size + 40)

    def alone(family: str) -> Image.Image:
        paper = cover._paper().copy()
        font = cover._font(family, "bold", size)
        ImageDraw.Draw(paper).text((x, y), character, font=font, fill=cover.INK, anchor="ls")
        return paper.convert("L").crop(band)

    def distance(reference: Image.Image) -> int:
        return sum(ImageChops.difference(drawn.crop(band), reference).point(lambda value: value > 64).histogram()[1:])

    glyph, box = distance(alone(CJK_FAMILY.name)), distance(alone("Publish Serif"))
    assert glyph < 40 and box > 1000, (glyph, box)
