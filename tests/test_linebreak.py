"""Where Chinese and Japanese lines break (kinsoku shori): the rules, the PDF's lines as
poppler reads them back, and reportlab's own CJK breaker, which the PDF holds to them."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from publish.language import of
from publish.model import Article, Text
from publish.options import RenderOptions
from publish.readers import parse
from publish.render import pdf
from publish.render.linebreak import may_break, parts
from publish.render.pdf import hyphenation
from publish.render.pdf import kit as kit_module

#: What may not begin a line and what may not end one, written out here (not taken from
#: the module under test): the marks of JIS X 4051 and GB/T 15834 that the wires use.
CLOSING = "，。、．：；？！）」』】〉》〕］｝”’…ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ"
OPENING = "（「『【〈《〔［｛“‘"

#: Every kind of mark at every distance from a line's end: the n-th sentence is n
#: characters longer, so over sixty sentences each mark lands at each place of a line.
STRESS = "".join(
    f"{'新华社记者报道'[: n % 7 + 1]}说：“{'国民经济持续恢复'[: n % 8 + 1]}。”他表示，《{'流动书屋'[: n % 4 + 1]}》"
    f"（{'试点'[: n % 2 + 1]}）——「{'お知らせ'[: n % 4 + 1]}」……〈{'기생충'[: n % 3 + 1]}〉"
    for n in range(60)
)


def broken_against_kinsoku(lines: list[str]) -> list[str]:
    """Each place where two lines meet against the rules, as "end|start"."""
    return [
        f"{before[-1]}|{after[0]}"
        for before, after in itertools.pairwise(lines)
        if after[0] in CLOSING or before[-1] in OPENING or (before[-1] == after[0] and before[-1] in "—…")
    ]


def reportlab_lines(paragraph_class: type, text: str, width: float = 407.0) -> list[str]:
    """The lines of `text` as a body paragraph of a Chinese PDF, broken by `paragraph_class`."""
    kit = kit_module.Kit.make("zh", RenderOptions())
    paragraph = paragraph_class(kit.markup((Text(text),)), kit.styles["continued"])
    paragraph.wrap(width, 100_000)
    return [
        "".join(line[1]) if isinstance(line, (list, tuple)) else "".join(word.text for word in line.words)
        for line in paragraph.blPara.lines
    ]


def pdf_lines(article: Article, tmp_path: Path) -> list[str]:
    """The body lines of an article as `pdftotext` reads them back from the text block of
    each page (running heads and footers are outside it; a mark hanging in the margin is
    inside), the headline and byline left out."""
    path = tmp_path / "article.pdf"
    path.write_bytes(pdf.render_pdf(article))
    crop = ["-x", "94", "-y", "78", "-W", "430", "-H", "686"]  # A4 less the style's margins
    out = subprocess.run(["pdftotext", *crop, str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip("\f") for line in out.splitlines() if line.strip("\f")]
    assert lines[:2] == [article.title, "2024年5月14日"]
    return lines[2:]


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("中", "国", True),  # between ideographs
        ("す", "る", True),  # between kana
        ("中", "。", False),  # a stop never begins a line
        ("复", "，", False),
        ("。", "”", False),  # nor a closing quotation mark after it
        ("说", "“", True),
        ("“", "国", False),  # an opening mark never ends one
        ("《", "流", False),
        ("ら", "ー", False),  # the prolonged sound mark and small kana stay with their kana
        ("ち", "ょ", False),
        ("人", "々", False),
        ("—", "—", False),  # the Chinese dash and ellipsis are one mark
        ("…", "…", False),
        ("A", "I", False),  # Latin words and numbers are not broken
        ("4", ".", False),
        ("和", "A", True),
        ("0", "万", True),
        ("서", "울", False),  # hangul breaks at spaces
        (" ", "서", True),
        ("서", " ", False),
    ],
)
def test_where_a_line_may_break(before, after, allowed):
    assert may_break(before, after) is allowed


def test_a_word_comes_apart_where_a_line_may_break_in_it():
    assert parts("推出“流动书屋”等服务。") == ["推", "出", "“流", "动", "书", "屋”", "等", "服", "务。"]
    assert parts("馆内引入AI检索系统，2.3%的") == ["馆", "内", "引", "入", "AI", "检", "索", "系", "统，", "2.3%", "的"]
    assert parts("Organization") == ["Organization"]
    assert parts("도서관이") == ["도서관이"]


@pytest.mark.parametrize(
    ("language", "indent"),
    [("zh", 2), ("zh-TW", 2), ("zh-Hant-HK", 2), ("yue", 2), ("ja", 1), ("ja-JP", 1), ("zh-Latn", 0), ("ko", 0)],
)
def test_chinese_and_japanese_break_between_characters_and_indent_by_whole_ones(language, indent):
    assert of(language).character_indent == indent
    assert of(language).breaks_between_characters is (indent > 0)
    assert of("en").character_indent == of("ru").character_indent == 0


def test_reportlab_alone_breaks_kinsoku_and_the_pdf_does_not():
    """reportlab's CJK breaker hangs one closing mark in the margin but begins the next
    line with a second ("。|”"), and leaves opening marks at a line's end ("“|国")."""
    alone = broken_against_kinsoku(reportlab_lines(Paragraph, STRESS))
    assert "。|”" in alone and any(place[0] in OPENING for place in alone)
    held = reportlab_lines(pdf.Para, STRESS)
    assert broken_against_kinsoku(held) == []
    assert "".join(held) == STRESS
    assert len(held) <= len(reportlab_lines(Paragraph, STRESS)) + 2  # a mark moved down costs little


@pytest.mark.parametrize("width", [200.0, 301.5, 407.0])
def test_every_line_keeps_kinsoku_at_any_measure(width):
    held = reportlab_lines(pdf.Para, STRESS, width)
    assert broken_against_kinsoku(held) == [] and "".join(held) == STRESS


def test_the_pdf_gives_back_a_two_page_paragraph_line_by_line_and_keeps_kinsoku(tmp_path):
    """What poppler reads back from the PDF itself. The paragraph is one "word" of 2,266
    characters to `str.split`, over the length refused in Latin text (it breaks between
    characters), and runs onto a second page: the part there has no gap where reportlab
    would end each line of the first with a space."""
    assert len(STRESS.split()) == 1 and len(STRESS) > pdf.MAX_WORD
    article = parse(f"title: 标题\ndate: 2024-05-14\nlanguage: zh\n\n{STRESS}\n").article
    assert pdf.preflight(article) == ()
    lines = pdf_lines(article, tmp_path)
    assert broken_against_kinsoku(lines) == [] and "".join(lines) == STRESS
    assert len(lines) > 686 / 14.5  # more lines than the text block holds: two pages


@pytest.mark.parametrize(
    "text",
    ["“" * 3000, "。" * 3000, "——" * 1500, "中“\u200b\u200b" * 800 + "中"],
    ids=["opening marks", "stops", "dashes", "zero-width spaces"],
)
def test_lines_no_allowed_break_can_mend_are_left_as_reportlab_breaks_them(text):
    """Runs of marks with no allowed break between them, and zero-width characters at the
    breaks: every character is laid out, once. (The reader removes zero-width spaces from
    articles; reportlab drops them at a paragraph's end.)"""
    assert "".join(reportlab_lines(pdf.Para, text)) == text


def test_the_reportlab_internals_the_cjk_breaker_relies_on_are_there():
    """Upgrading reportlab must fail here first, loudly, not as a PDF with broken lines:
    the CJK splitter and its table read at each call, the bullet and split helpers."""
    import inspect

    from reportlab.platypus import paragraph

    parameters = list(inspect.signature(paragraph.cjkFragSplit).parameters)
    assert parameters == ["frags", "maxWidths", "calcBounds", "encoding"]
    assert "ALL_CANNOT_START" in inspect.getsource(paragraph.cjkFragSplit)
    assert isinstance(paragraph.ALL_CANNOT_START, hyphenation._NoStart)
    assert callable(paragraph._handleBulletWidth) and callable(paragraph.ParaLines)
    assert "_split_blParaHard" in inspect.getsource(Paragraph._get_split_blParaFunc)
