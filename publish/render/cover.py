"""The raster cover: a JPEG every reading system shows, in every promised script.

Kindle (KDP), Kobo and Apple Books take the book's cover from a raster image declared as
`cover-image`; an SVG page alone leaves calibre's AZW3 and many libraries without one.
The design is the typographic one the EPUB always had (double frame on paper, publisher
kicker, headline between two rules, author, place, human date, source), drawn by Pillow
at 1000 x 1600 px (height:width 1.6:1, 1600 px on the long side) in the fonts that ship with
publish, so Armenian and Georgian look right whatever the reader has installed.

Arabic, Persian, Hebrew and Devanagari are shaped by HarfBuzz (uharfbuzz, which bundles
its own HarfBuzz) as the PDF shapes them, and ordered by Unicode's bidi algorithm; each
glyph is then drawn by its id at HarfBuzz's position. Pillow has no call that draws a
glyph id, so each such font is given, once per process and in memory, a cmap that also
maps a private-use code to every glyph (`GLYPH_CODES` + id): Pillow draws that code.

Reproducible: fixed layout engine (Pillow's BASIC; never its RAQM layout, which loads
whichever libraqm, FriBiDi and HarfBuzz the machine has), fixed JPEG quality, subsampling
and tables, no EXIF, no time stamp. The same text, the same Pillow and the same uharfbuzz
give the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from publish.fonts import FALLBACK_CHAIN, SCRIPT_FAMILIES, coverage, shipped_font
from publish.language import of
from publish.render.linebreak import parts

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

#: 1000 x 1600 px, height:width 1.6:1, as Kindle and Kobo ask: 1600 px on the long side is
#: sharp on every reader screen, and costs 40% of the encoding time of Amazon's largest
#: ideal (1600 x 2560), which matters when every article of an archive gets one.
WIDTH, HEIGHT = 1000, 1600
#: The design is drawn in the units of a cover 1600 px wide, scaled to `WIDTH`.
_SCALE = WIDTH / 1600


def _px(value: float) -> int:
    return max(1, round(value * _SCALE))


#: Colours of the design (RGB: Kobo and Amazon ask for RGB, not greyscale or CMYK).
PAPER = (0xF7, 0xF3, 0xEA)
INK = (0x1D, 0x1D, 0x1D)
ACCENT = (0x8A, 0x1C, 0x1C)
#: JPEG settings, fixed so the bytes are: quality 90 keeps type edges clean; 4:2:0 chroma
#: (the common case every decoder is fast at) is enough for dark type on a light ground.
JPEG = {"quality": 90, "subsampling": 2, "optimize": False, "progressive": False}

#: Frame: (inset from the edge, stroke width) of the outer and inner rules.
FRAMES = ((_px(80), _px(7)), (_px(103), _px(2)))
#: Text may use this width (between the frames, with air).
MEASURE = WIDTH - 2 * _px(220)
#: Headline sizes tried, largest first, and the band of the page it must fit in.
TITLE_SIZES = tuple(_px(size) for size in (128, 112, 100, 88, 76, 66, 58))
TITLE_TOP, TITLE_BOTTOM = _px(600), _px(1640)
#: Every other line of the design: (baseline y, face, size in px, tracking in px, colour).
KICKER = (_px(330), "regular", _px(52), _px(8), ACCENT)
CREDIT = (_px(2330), "regular", _px(58), 0, INK)
#: Distance from the rule under the headline to the baselines of author, place and date.
BELOW_RULE = {"author": _px(120), "place": _px(220), "date": _px(310)}
AUTHOR = ("regular", _px(62), 0, INK)
PLACE = ("regular", _px(54), _px(6), INK)
DATE = ("italic", _px(54), 0, INK)
RULE_WIDTH = _px(3)
#: Smallest size a one-line text shrinks to before it is cut with an ellipsis.
MIN_LINE_SIZE = _px(36)
#: Characters of a long line measured first when fitting it: more than the measure holds.
CUT_PROBE = 256
#: Families whose letters are shaped by HarfBuzz and drawn glyph by glyph.
SHAPED_FAMILIES = frozenset(family.name for family in SCRIPT_FAMILIES.values())
#: Private-use code of glyph 0 in a shaped family's drawing font (Supplementary Private
#: Use Area-A: 65,534 codes, as many as a font can have glyphs).
GLYPH_CODES = 0xF0000


class Placed(NamedTuple):
    """A glyph of a shaped line: its family, its id, x from the line's left end and rise
    above the baseline, in px."""

    family: str
    glyph: int
    x: float
    rise: float


@dataclass(frozen=True)
class CoverText:
    """What the cover says; empty strings are left out."""

    title: str
    kicker: str = ""
    author: str = ""
    place: str = ""
    date: str = ""
    credit: str = ""
    #: The book's language (BCP 47): the base direction of its lines (right to left for
    #: Arabic, Persian, Hebrew...) and the language HarfBuzz shapes for.
    language: str = ""


def render_cover(text: CoverText) -> bytes:
    """The cover as JPEG bytes (1000 x 1600, RGB, baseline, no metadata)."""
    from PIL import ImageDraw

    image = _paper()
    draw = ImageDraw.Draw(image)
    language = text.language
    if text.kicker:
        _line(draw, text.kicker, *KICKER, language)
    _rule(draw, _px(410))
    size, lines = fit_title(text.title, language)
    leading = round(size * 1.22)
    for index, line in enumerate(lines):
        _runs(draw, line, "bold", size, 0, INK, TITLE_TOP + size + index * leading, language)
    rule_y = TITLE_TOP + size + (len(lines) - 1) * leading + round(size * 0.9)
    _rule(draw, rule_y)
    for key, value, style in (("author", text.author, AUTHOR), ("place", text.place, PLACE), ("date", text.date, DATE)):
        if value:
            _line(draw, value, rule_y + BELOW_RULE[key], *style, language)
    if text.credit:
        _line(draw, text.credit, *CREDIT, language)
    out = io.BytesIO()
    image.save(out, "JPEG", **JPEG)
    return out.getvalue()


def fit_title(title: str, language: str = "") -> tuple[int, list[str]]:
    """The largest headline size whose lines fit the headline band, and those lines,
    broken at spaces. Chinese and Japanese also break between characters where kinsoku
    allows (`publish.render.linebreak`, as the PDF does), but only where a part between
    spaces is wider than the measure, and not when one size smaller every part fits
    whole: "杭州新图书馆正式开放 / 馆藏图书超过120万册", not "...正式开 / 放 馆藏...".
    At the smallest size a headline still too long is cut, its last line ending in "…"."""
    words = [(" ", word) for word in title.split()]
    # Where Chinese and Japanese may also break: each piece with what joins it to the one
    # before (a space before a word's first piece, nothing inside a word).
    pieces = [("" if index else " ", part) for _, word in words for index, part in enumerate(parts(word))]
    for index, size in enumerate(TITLE_SIZES):
        lines = _fill(words, size, language)
        if _fits(lines, size, language):
            return size, lines
        broken = _fill(pieces, size, language) if len(pieces) > len(words) else []
        if broken and _fits(broken, size, language):
            for smaller in TITLE_SIZES[index + 1 : index + 2]:
                lines = _fill(words, smaller, language)
                if _fits(lines, smaller, language):
                    return smaller, lines
            return size, broken
    size = TITLE_SIZES[-1]
    room = 1 + (TITLE_BOTTOM - TITLE_TOP - size) // round(size * 1.22)
    lines = _fill(pieces, size, language)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = _cut(lines[-1] + "\u2026", "bold", size, 0, language)
    return size, [_cut(line, "bold", size, 0, language) for line in lines]


def _fits(lines: list[str], size: int, language: str) -> bool:
    """True when headline lines at `size` fit the headline band and the measure."""
    return size + (len(lines) - 1) * round(size * 1.22) <= TITLE_BOTTOM - TITLE_TOP and all(
        _width(line, "bold", size, 0, language) <= MEASURE for line in lines
    )


def _fill(pieces: list[tuple[str, str]], size: int, language: str) -> list[str]:
    """Greedy headline lines: as many pieces on each as fit the measure (at least one),
    each piece joined to the one before by its joint (a space, or nothing)."""
    lines: list[str] = []
    for joint, piece in pieces:
        if lines and _width(lines[-1] + joint + piece, "bold", size, 0, language) <= MEASURE:
            lines[-1] += joint + piece
        else:
            lines.append(piece)
    return lines or [""]


def _cut(text: str, face: str, size: int, tracking: int, language: str) -> str:
    """`text`, shortened with an ellipsis until it fits the measure. A long text is first
    cut to a prefix that is already too wide (found by doubling), so the letters dropped
    one by one are a line's worth, not the whole text's (a 4,000-word author took minutes)."""
    if not _too_wide(text, face, size, tracking, language):
        return text
    body = text.rstrip("\u2026")
    limit = CUT_PROBE
    while limit < len(body) and _width(body[:limit] + "\u2026", face, size, tracking, language) <= MEASURE:
        limit *= 2
    body = body[:limit]
    while body and _width(body + "\u2026", face, size, tracking, language) > MEASURE:
        body = _without_last(body)
    return body.rstrip() + "\u2026"


def _too_wide(text: str, face: str, size: int, tracking: int, language: str) -> bool:
    """Whether `text` is wider than the measure, measuring a long text's first
    `CUT_PROBE` characters first: when they are too wide already, so is the whole."""
    if len(text) > CUT_PROBE and _width(text[:CUT_PROBE], face, size, tracking, language) > MEASURE:
        return True
    return _width(text, face, size, tracking, language) > MEASURE


def _without_last(text: str) -> str:
    """`text` without its last letter and the marks on it: a Devanagari vowel sign or an
    Arabic vowel mark cut from its letter would be drawn on a dotted circle."""
    end = len(text)
    while end > 1 and unicodedata.category(text[end - 1]).startswith("M"):
        end -= 1
    return text[: end - 1]


def _line(
    draw: ImageDraw.ImageDraw,
    text: str,
    y: int,
    face: str,
    size: int,
    tracking: int,
    colour: tuple[int, int, int],
    language: str,
) -> None:
    """One centred line; shrunk (then cut) when wider than the measure. A line with a
    script whose family has no italic is set upright throughout, never half slanted."""
    if face == "italic" and any(
        shipped_font(family, "italic") == shipped_font(family, "regular") for family, _ in script_runs(text)
    ):
        face = "regular"
    while size > MIN_LINE_SIZE and _too_wide(text, face, size, tracking, language):
        size -= 2
    _runs(draw, _cut(text, face, size, tracking, language), face, size, tracking, colour, y, language)


def _runs(
    draw: ImageDraw.ImageDraw,
    text: str,
    face: str,
    size: int,
    tracking: int,
    colour: tuple[int, int, int],
    y: int,
    language: str,
) -> None:
    """Draw `text` centred on baseline `y`, each run in the first shipped family that has it."""
    if _is_shaped(text, language):
        glyphs, width = shaped_line(text, face, size, language)
        x = (WIDTH - width) / 2
        for family, glyph, left, rise in glyphs:
            _draw_letter(draw, x + left, y - rise, _glyph_font(family, face, size), chr(GLYPH_CODES + glyph), colour)
        return
    x = (WIDTH - _width(text, face, size, tracking, language)) / 2
    for family, run in script_runs(text):
        font = _font(family, face, size)
        for char in run:
            _draw_letter(draw, x, y, font, char, colour)
            x += _advance(family, face, size, char) + tracking


def _is_shaped(text: str, language: str) -> bool:
    """True when a run of `text` is in a family of the shaped scripts (Arabic, Persian,
    Hebrew, Devanagari), or the book is right to left (its line "(IAEA) 12" reads "12
    (IAEA)"); every other line is drawn by Pillow character by character, as it always was."""
    return of(language).rtl or any(family in SHAPED_FAMILIES for family, _ in script_runs(text))


@lru_cache(maxsize=1024)
def shaped_line(text: str, face: str, size: int, language: str) -> tuple[tuple[Placed, ...], float]:
    """`text` as one line: its glyphs in visual order, and the line's width in px.

    As the PDF does it (publish/render/runs.py): bidi levels by Unicode's algorithm
    (base right to left for a right-to-left language, else the first strong letter's),
    the text cut into runs of one level and one family, each shaped by HarfBuzz in its
    direction with the whole line as context, then the runs put in visual order (UAX #9
    L2). HarfBuzz's right-to-left output is already in visual order, brackets mirrored.
    No tracking: letter-spacing would break Arabic joins and the Devanagari headstroke."""
    from publish.render.runs import bidi_levels, level_runs, shape_run, visual_order

    levels, _ = bidi_levels(text, "R" if of(language).rtl else None)
    pieces: list[tuple[int, int, str]] = []
    start = 0
    for family, run in script_runs(text):
        pieces.append((start, start + len(run), family))
        start += len(run)
    runs = level_runs(pieces, levels)
    glyphs: list[Placed] = []
    pen = 0.0
    for index in visual_order([level for _, _, level, _ in runs]):
        start, end, level, family = runs[index]
        shaped, upem = shape_run(shipped_font(family, face), text, start, end, bool(level % 2), language)
        scale = size / upem
        for glyph in shaped:
            glyphs.append(Placed(family, glyph.id, pen + glyph.x_offset * scale, glyph.y_offset * scale))
            pen += glyph.advance * scale
    return tuple(glyphs), pen


def _width(text: str, face: str, size: int, tracking: int, language: str = "") -> float:
    """Advance width of `text` as drawn: HarfBuzz's for a shaped line, else (BASIC
    layout) the sum of the characters' advances and the tracking between them."""
    if _is_shaped(text, language):
        return shaped_line(text, face, size, language)[1]
    return sum(
        _advance(family, face, size, char) for family, run in script_runs(text) for char in run
    ) + tracking * max(len(text) - 1, 0)


def _draw_letter(
    draw: ImageDraw.ImageDraw, x: float, y: float, font: ImageFont.FreeTypeFont, char: str, colour: tuple[int, int, int]
) -> None:
    """One letter with its pen at (`x`, `y`) on the baseline, on the whole pixel nearest
    the pen (at most half a pixel from where a whole-line rendering puts it, at 1000 px
    across: not visible)."""
    left, top, mask = _letter(font, char)
    if mask is not None:
        draw.bitmap((round(x) + left, round(y) + top), mask, fill=colour)


@lru_cache(maxsize=16384)
def _letter(font: ImageFont.FreeTypeFont, char: str) -> tuple[int, int, Image.Image | None]:
    """A letter's coverage mask and its offset from the pen on the baseline, rasterised by
    FreeType once per process (fonts are made once per process, so each is one key): a
    cover draws the same letters at the same few sizes again and again, and rasterising
    them was a third of its cost."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(char, anchor="ls")
    if right <= left or bottom <= top:
        return left, top, None  # a space: nothing to draw
    mask = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255, anchor="ls")
    return left, top, mask


@lru_cache(maxsize=16384)
def _advance(family: str, face: str, size: int, char: str) -> float:
    """One glyph's advance: measured once per process, so fitting a headline costs lookups."""
    return float(_font(family, face, size).getlength(char))


@lru_cache(maxsize=4096)
def script_runs(text: str) -> tuple[tuple[str, str], ...]:
    """`text` cut into runs, each set in the first family of the shipped chain that has its
    letters. Digits, spaces and punctuation stay in the family of the letters before them
    (at the start: after them), so "12 հուլիսի 2024 թ." is one Armenian run."""
    families = [_family_for(char) if char.isalpha() else None for char in text]
    current = next((family for family in families if family), FALLBACK_CHAIN[0])
    runs: list[list[str]] = []
    for char, family in zip(text, families):
        current = family or current
        chosen = current if _has(current, char) else _family_for(char)
        if runs and runs[-1][0] == chosen:
            runs[-1][1] += char
        else:
            runs.append([chosen, char])
    return tuple((family, run) for family, run in runs)


@lru_cache(maxsize=1024)
def _family_for(char: str) -> str:
    """The first family of the chain that has `char` (the first one when none has it)."""
    return next((family for family in FALLBACK_CHAIN if _has(family, char)), FALLBACK_CHAIN[0])


def _has(family: str, char: str) -> bool:
    return ord(char) in coverage(shipped_font(family))


@lru_cache(maxsize=64)
def _font(family: str, face: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(shipped_font(family, face)), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=64)
def _glyph_font(family: str, face: str, size: int) -> ImageFont.FreeTypeFont:
    """The face, drawing glyph `n` for the code `GLYPH_CODES + n` (how a shaped line is drawn)."""
    from PIL import ImageFont

    return ImageFont.truetype(io.BytesIO(_glyph_font_file(family, face)), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=16)
def _glyph_font_file(family: str, face: str) -> bytes:
    """The face's font file with one Unicode cmap (format 12) that maps its characters, as
    before, and `GLYPH_CODES + id` to every glyph. The characters stay so FreeType's
    auto-hinter still finds each glyph's script. Only the cmap is rewritten; glyph
    outlines and metrics are copied as they are."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    font = TTFont(str(shipped_font(family, face)), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    subtable = CmapSubtable.newSubtable(12)
    subtable.platformID, subtable.platEncID, subtable.language = 3, 10, 0
    names = font.getGlyphOrder()
    subtable.cmap = {**font["cmap"].getBestCmap(), **{GLYPH_CODES + glyph: name for glyph, name in enumerate(names)}}
    font["cmap"].tables = [subtable]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _rule(draw: ImageDraw.ImageDraw, y: int) -> None:
    draw.line((WIDTH // 2 - _px(460), y, WIDTH // 2 + _px(460), y), fill=INK, width=RULE_WIDTH)


def _paper() -> Image.Image:
    """The empty cover (paper and frames): drawing it is cheaper than copying a drawn one."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    for inset, stroke in FRAMES:
        draw.rectangle((inset, inset, WIDTH - 1 - inset, HEIGHT - 1 - inset), outline=INK, width=stroke)
    return image
