"""The raster cover: a JPEG every reading system shows, in every promised script.

Kindle (KDP), Kobo and Apple Books take the book's cover from a raster image declared as
`cover-image`; an SVG page alone leaves calibre's AZW3 and many libraries without one.
The design is the typographic one the EPUB always had (double frame on paper, publisher
kicker, headline between two rules, author, place, human date, source), drawn by Pillow
at 1000 x 1600 px (height:width 1.6:1, 1600 px on the long side) in the fonts that ship with
publish, so Armenian and Georgian look right whatever the reader has installed.

Reproducible: fixed layout engine (Pillow's BASIC, no dependency on whichever libraqm is
installed), fixed JPEG quality, subsampling and tables, no EXIF, no time stamp. The same
text and the same Pillow give the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from publish.fonts import FALLBACK_CHAIN, coverage, shipped_font

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


@dataclass(frozen=True)
class CoverText:
    """What the cover says; empty strings are left out."""

    title: str
    kicker: str = ""
    author: str = ""
    place: str = ""
    date: str = ""
    credit: str = ""


def render_cover(text: CoverText) -> bytes:
    """The cover as JPEG bytes (1000 x 1600, RGB, baseline, no metadata)."""
    from PIL import ImageDraw

    image = _paper().copy()
    draw = ImageDraw.Draw(image)
    if text.kicker:
        _line(draw, text.kicker, *KICKER)
    _rule(draw, _px(410))
    size, lines = fit_title(text.title)
    leading = round(size * 1.22)
    for index, line in enumerate(lines):
        _runs(draw, line, "bold", size, 0, INK, TITLE_TOP + size + index * leading)
    rule_y = TITLE_TOP + size + (len(lines) - 1) * leading + round(size * 0.9)
    _rule(draw, rule_y)
    for key, value, style in (("author", text.author, AUTHOR), ("place", text.place, PLACE), ("date", text.date, DATE)):
        if value:
            _line(draw, value, rule_y + BELOW_RULE[key], *style)
    if text.credit:
        _line(draw, text.credit, *CREDIT)
    out = io.BytesIO()
    image.save(out, "JPEG", **JPEG)
    return out.getvalue()


def fit_title(title: str) -> tuple[int, list[str]]:
    """The largest headline size whose lines fit the headline band, and those lines; at
    the smallest size a headline still too long is cut, its last line ending in "…"."""
    for size in TITLE_SIZES:
        lines = _wrap(title, "bold", size)
        leading = round(size * 1.22)
        if size + (len(lines) - 1) * leading <= TITLE_BOTTOM - TITLE_TOP and all(
            _width(line, "bold", size, 0) <= MEASURE for line in lines
        ):
            return size, lines
    size = TITLE_SIZES[-1]
    room = 1 + (TITLE_BOTTOM - TITLE_TOP - size) // round(size * 1.22)
    lines = _wrap(title, "bold", size)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = _cut(lines[-1] + "\u2026", "bold", size, 0)
    return size, [_cut(line, "bold", size, 0) for line in lines]


def _wrap(text: str, face: str, size: int) -> list[str]:
    """Greedy line breaking at spaces by measured width."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", face, size, 0) <= MEASURE:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _cut(text: str, face: str, size: int, tracking: int) -> str:
    """`text`, shortened with an ellipsis until it fits the measure."""
    if _width(text, face, size, tracking) <= MEASURE:
        return text
    body = text.rstrip("\u2026")
    while body and _width(body + "\u2026", face, size, tracking) > MEASURE:
        body = body[:-1]
    return body.rstrip() + "\u2026"


def _line(
    draw: ImageDraw.ImageDraw, text: str, y: int, face: str, size: int, tracking: int, colour: tuple[int, int, int]
) -> None:
    """One centred line; shrunk (then cut) when wider than the measure. A line with a
    script whose family has no italic is set upright throughout, never half slanted."""
    if face == "italic" and any(
        shipped_font(family, "italic") == shipped_font(family, "regular") for family, _ in script_runs(text)
    ):
        face = "regular"
    while size > MIN_LINE_SIZE and _width(text, face, size, tracking) > MEASURE:
        size -= 2
    _runs(draw, _cut(text, face, size, tracking), face, size, tracking, colour, y)


def _runs(
    draw: ImageDraw.ImageDraw, text: str, face: str, size: int, tracking: int, colour: tuple[int, int, int], y: int
) -> None:
    """Draw `text` centred on baseline `y`, each run in the first shipped family that has it."""
    visual = _visual(text)
    if visual != text:  # (not `is not`: the cache hands back an equal, earlier string)
        text, tracking = visual, 0  # letter-spacing would break the joins of Arabic
    x = (WIDTH - _width(text, face, size, tracking)) / 2
    for family, run in script_runs(text):
        font = _font(family, face, size)
        if tracking:
            for char in run:
                draw.text((x, y), char, font=font, fill=colour, anchor="ls")
                x += _advance(family, face, size, char) + tracking
        else:
            draw.text((x, y), run, font=font, fill=colour, anchor="ls")
            x += sum(_advance(family, face, size, char) for char in run)


#: Characters of right-to-left scripts (Hebrew, Arabic and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: A bracket drawn in a right-to-left run shows its mirror image.
_MIRRORED = str.maketrans("()[]{}<>\u00ab\u00bb", ")(][}{><\u00bb\u00ab")


@lru_cache(maxsize=1024)
def _visual(text: str) -> str:
    """`text` as Pillow's basic (left-to-right, unshaped) layout must be given it: Arabic
    letters in their joined presentation forms (arabic-reshaper), then every character in
    visual order by Unicode's bidi algorithm, brackets of right-to-left runs mirrored. Text
    without a right-to-left letter is returned as it is. (Devanagari conjuncts need real
    shaping, which the basic layout cannot do; the PDF has it.)"""
    if not _RTL.search(text):
        return text
    import arabic_reshaper

    from publish.render.shaping import bidi_levels, visual_order

    joined = arabic_reshaper.reshape(text)
    levels, _ = bidi_levels(joined, None)
    return "".join(joined[i].translate(_MIRRORED) if levels[i] % 2 else joined[i] for i in visual_order(levels))


def _width(text: str, face: str, size: int, tracking: int) -> float:
    """Advance width of `text` as drawn (BASIC layout: the sum of the glyphs' advances)."""
    text = _visual(text)
    return sum(
        _advance(family, face, size, char) for family, run in script_runs(text) for char in run
    ) + tracking * max(len(text) - 1, 0)


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


def _rule(draw: ImageDraw.ImageDraw, y: int) -> None:
    draw.line((WIDTH // 2 - _px(460), y, WIDTH // 2 + _px(460), y), fill=INK, width=RULE_WIDTH)


@lru_cache(maxsize=1)
def _paper() -> Image.Image:
    """The empty cover (paper and frames), drawn once per process and copied for each book."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    for inset, stroke in FRAMES:
        draw.rectangle((inset, inset, WIDTH - 1 - inset, HEIGHT - 1 - inset), outline=INK, width=stroke)
    return image
