"""Complex scripts in the print edition: Arabic, Persian, Hebrew and Devanagari.

reportlab sets text one Unicode character per glyph, in typed order. That is right for
Latin, Cyrillic, Greek, Armenian and Georgian, and wrong for the scripts here: Arabic
letters join and change shape, Devanagari forms conjuncts and reorders vowel signs, and
Arabic and Hebrew run right to left with numbers and Latin words inside them left to
right. This module lays such paragraphs out itself and hands reportlab's canvas only
positioned glyphs:

1. bidi levels, once per paragraph, and 2. runs of one level, font, face and colour
   shaped by HarfBuzz in an explicit direction, with the whole paragraph as context (so
   joining survives a font change): `publish.render.runs`, which the raster cover shares;
3. lines broken at spaces and justified by widening them (the last line flush to the
   paragraph's start side: right for right-to-left);
4. each line reordered visually (UAX #9 L2) and drawn glyph by glyph at those places,
   but in typed order, every glyph with a code whose ToUnicode entry is the text it
   stands for, in marked-content spans whose /ActualText poppler reorders back into the
   typed text (section 4 says how): copying, `pdftotext` and `mutool draw -F txt` give
   the typed (logical) text, not glyph codes in visual order.

Everything that touches reportlab's internals is here, and only here: a font's
`face.charToGlyph`/`charWidths` (a glyph drawn for other text than the one character
the font maps to it, such as a joined Arabic form, gets a private code), the ToUnicode
map reportlab writes for a subset (`ttfonts.makeToUnicodeCMap`, wrapped to say each
private code's text), `splitString` and `getSubsetInternalName` to encode them.
reportlab is pinned in pyproject.toml, and tests/test_shaping.py fails when these
internals change. Paragraphs without these scripts never come here, so Latin PDFs are
byte for byte what reportlab made before.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from publish.fonts import FontFamily
from publish.model import Editorial, Emphasis, Inline, Text
from publish.render.runs import bidi_levels, hb_font, level_runs, shape_run, visual_order

#: Characters of the scripts that need shaping or reordering: Hebrew, Arabic (with its
#: supplements and presentation forms), Syriac, Thaana, Devanagari and Vedic marks.
SHAPED_SCRIPTS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff]")
#: The private use area holds codes for glyphs that have no character (joined Arabic
#: forms, conjuncts): code = base + glyph id, the same in every process. (BMP, 6,400 codes:
#: more than any shipped complex-script font has glyphs.)
PRIVATE_BASE = 0xE000
PRIVATE_LAST = 0xF8FF
#: What a face becomes once it is also italic (editorial insertions), as in pdf.py.
_ITALIC_OF = {"regular": "italic", "bold": "bolditalic", "italic": "italic", "bolditalic": "bolditalic"}
_BOLD_OF = {"regular": "bold", "bold": "bold", "italic": "bolditalic", "bolditalic": "bolditalic"}


def needs_shaping(text: str) -> bool:
    """True when `text` has a character that reportlab alone would set wrongly."""
    return SHAPED_SCRIPTS.search(text) is not None


@dataclass(frozen=True)
class Span:
    """Text in one face and colour (None: the paragraph style's colour)."""

    text: str
    face: str = "regular"
    colour: str | None = None


def spans(
    runs: Iterable[Inline], face: str = "regular", editorial_colour: str | None = None, colour: str | None = None
) -> list[Span]:
    """The run tree as flat spans, the way pdf.inline_markup sets it: editorial
    insertions in grey italic, emphasis in italic or bold, quotations and links as their
    text (a quotation's marks are in it)."""
    out: list[Span] = []
    for run in runs:
        if isinstance(run, Text):
            out.append(Span(run.text, face, colour))
        elif isinstance(run, Editorial):
            out += spans(run.children, _ITALIC_OF[face], editorial_colour, editorial_colour)
        elif isinstance(run, Emphasis):
            out += spans(run.children, _BOLD_OF[face] if run.strong else _ITALIC_OF[face], editorial_colour, colour)
        else:  # a quotation (its marks are in its text), a link (set as its text)
            out += spans(run.children, face, editorial_colour, colour)
    return out


@dataclass(frozen=True)
class Palette:
    """The families a shaped paragraph may use, in order of preference, each as
    (reportlab name of its regular face, family). A letter is set in the first family
    that has it; spaces, digits, punctuation and marks stay in the current one while it
    has them, so a run of Arabic with its commas and numbers is one run of one font."""

    families: tuple[tuple[str, FontFamily], ...]

    def font_name(self, index: int, face: str) -> str:
        base = self.families[index][0]
        return base if face == "regular" else f"{base}-{face}"

    def path(self, index: int, face: str) -> Path:
        return getattr(self.families[index][1], face)  # type: ignore[no-any-return]

    def covers(self, index: int, char: str) -> bool:
        return ord(char) in _coverage(self.families[index][1].regular)

    def family_for(self, char: str, current: int) -> int:
        if current >= 0 and not char.isalpha() and self.covers(current, char):
            return current
        for index in range(len(self.families)):
            if self.covers(index, char):
                return index
        return max(current, 0)


@lru_cache(maxsize=32)
def _coverage(path: Path) -> frozenset[int]:
    from publish.fonts import coverage

    return coverage(path)


# --- 2. shaping ---------------------------------------------------------------------


@dataclass
class Cluster:
    """The glyphs of one cluster (a grapheme, or a ligature of several), in visual
    order, with the logical text they stand for."""

    start: int
    end: int
    level: int
    font: str
    size: float
    colour: str | None
    glyphs: list[tuple[int, float, float, float]]  # (glyph id, advance, x offset, y offset) in points
    width: float
    space: bool


def shape(
    text: str,
    spans_: list[tuple[int, int, int, str, str | None]],
    levels: list[int],
    palette: Palette,
    size: float,
    language: str,
) -> list[Cluster]:
    """Clusters in logical order for `text`, whose pieces [start, end) are set in
    (family index, face, colour)."""
    pieces = [(start, end, (family, face, colour)) for start, end, family, face, colour in spans_]
    clusters: list[Cluster] = []
    for start, end, level, (family, face, colour) in level_runs(pieces, levels):
        shaped, upem = shape_run(palette.path(family, face), text, start, end, bool(level % 2), language)
        scale = size / upem
        grouped: dict[int, list[tuple[int, float, float, float]]] = {}
        for glyph in shaped:
            grouped.setdefault(glyph.cluster, []).append(
                (glyph.id, glyph.advance * scale, glyph.x_offset * scale, glyph.y_offset * scale)
            )
        starts = sorted(grouped)
        name = palette.font_name(family, face)
        for index, cluster_start in enumerate(starts):
            cluster_end = starts[index + 1] if index + 1 < len(starts) else end
            glyphs = grouped[cluster_start]
            clusters.append(
                Cluster(
                    cluster_start,
                    cluster_end,
                    level,
                    name,
                    size,
                    colour,
                    glyphs,
                    sum(glyph[1] for glyph in glyphs),
                    text[cluster_start:cluster_end] == " ",
                )
            )
    return clusters


def _itemise(text_spans: list[Span], palette: Palette) -> tuple[str, list[tuple[int, int, int, str, str | None]]]:
    """The paragraph's text and its pieces of one family, face and colour."""
    text = "".join(span.text for span in text_spans)
    pieces: list[tuple[int, int, int, str, str | None]] = []
    offset = 0
    family = -1
    for span in text_spans:
        piece_start = offset
        for char in span.text:
            chosen = palette.family_for(char, family)
            if chosen != family and offset > piece_start:
                pieces.append((piece_start, offset, family, span.face, span.colour))
                piece_start = offset
            family = chosen
            offset += 1
        if offset > piece_start:
            pieces.append((piece_start, offset, family, span.face, span.colour))
    return text, pieces


# --- 3. lines -----------------------------------------------------------------------


@dataclass
class Line:
    """Clusters of one line in logical order, where it starts and how wide it may be."""

    clusters: list[Cluster]
    indent: float
    last: bool

    @property
    def natural(self) -> float:
        return sum(cluster.width for cluster in self.clusters)


def break_lines(clusters: list[Cluster], width: float, first_indent: float) -> list[Line]:
    """Greedy lines broken at spaces; a word wider than the line is cut between clusters.
    Every space is set as wide as the paragraph's first one, and keeps its own place in
    the text (the line is drawn in typed order)."""
    spaced: list[tuple[Cluster | None, list[Cluster]]] = [(None, [])]  # words, each with the space before it
    for cluster in clusters:
        if cluster.space:
            spaced.append((cluster, []))
        else:
            spaced[-1][1].append(cluster)
    space = next((cluster for cluster in clusters if cluster.space), None)
    lines: list[Line] = []
    current: list[Cluster] = []
    used = 0.0
    for before, word in spaced:
        if not word:
            continue
        word_width = sum(cluster.width for cluster in word)
        available = width - (first_indent if not lines else 0.0)
        gap = space.width if current and space else 0.0
        if current and used + gap + word_width > available:
            lines.append(Line(current, first_indent if not lines else 0.0, False))
            current, used, gap = [], 0.0, 0.0
            available = width
        if not current and word_width > available:
            for cluster in word:  # a word no line can hold: cut it between clusters
                if current and used + cluster.width > available:
                    lines.append(Line(current, first_indent if not lines else 0.0, False))
                    current, used, available = [], 0.0, width
                current.append(cluster)
                used += cluster.width
            continue
        if current and space:
            place = before or space
            current.append(dataclasses.replace(space, start=place.start, end=place.end))
        current.extend(word)
        used += gap + word_width
    if current or not lines:
        lines.append(Line(current, first_indent if not lines else 0.0, True))
    lines[-1].last = True
    return lines


# --- 4. drawing ---------------------------------------------------------------------
#
# Two kinds of reader take a line's text back, and they want different things:
# - readers of glyphs (MuPDF before 1.24, which knows neither /ActualText nor bidi) join
#   each glyph's ToUnicode text in drawing order, and take a jump of the pen ahead for a
#   space: the glyphs must be drawn in typed order, those of a left-to-right cluster in
#   an order that keeps the pen going, each saying the characters it stands for (a
#   letter, not a presentation form; a zero-width non-joiner, not a space);
# - readers of /ActualText spans (poppler's pdftotext, newer MuPDF, Acrobat) take each
#   span's text at the place of its first glyph, as far as its last glyph's end. poppler
#   then sorts a line's pieces by where they start and reverses a right-to-left line: a
#   span of a right-to-left cluster may only hold text that reads the same backwards (a
#   letter, its marks, a doubled letter), and must start left of the pieces typed before
#   it. (poppler makes a word only of pieces drawn left to right, so `pdftotext -bbox`
#   gives a right-to-left word letter by letter; its text is whole.)
# So a line's clusters are drawn in typed order, each glyph with a code whose ToUnicode
# entry is its text. A right-to-left cluster's first glyph carries its first piece; each
# further piece, and each direction mark poppler needs (`_pinned`), is a span of an
# invisible copy of that glyph (text render mode 3) whose extent ends just left of the
# pieces before: the copy paints nothing, and a reader of glyphs drops it as a duplicate
# of the glyph before (MuPDF's fake-bold test: same character, same place). The
# cluster's other glyphs, its marks, follow in a span with no text.

#: Codes for a glyph where it stands for other text than the one character the font maps
#: to it (a joined Arabic form, a conjunct, marks HarfBuzz merged, a mirrored bracket, a
#: zero-width non-joiner): the Supplementary Private Use Area-B, handed out as needed. The
#: number never reaches the file: the ToUnicode map says the text instead
#: (`_to_unicode_cmap`), so the bytes do not depend on what a process drew before.
PRIVATE_FIRST = 0x100000
PRIVATE_LAST = 0x10FFFD
_TEXT_OF: dict[int, str] = {}
_CODE_OF: dict[tuple[str, int, str, bool], int] = {}
#: How far (points) a right-to-left span reaches over its neighbour, so that poppler sees
#: no gap inside a word (0.03 em is a space to it) whatever the rounding of positions.
_REACH = 0.01
#: The text of a glyph left over where a cluster has more glyphs than characters: a word
#: joiner, which shows nothing and joins nothing.
_NO_TEXT = "\u2060"


class _Draw(NamedTuple):
    """One glyph drawn at (x, y) standing for `text`; invisible: text render mode 3."""

    glyph: int
    x: float
    y: float
    text: str
    visible: bool = True


def _code(font: Any, draw: _Draw) -> str:
    """The character reportlab should encode to draw a glyph where it stands for its
    text: the text itself where the font maps that one character to this glyph, else a
    private code registered with the font (reportlab subsets and measures by character).
    A code's width in the file is the glyph's advance, but none for an invisible copy
    or for a character HarfBuzz shows as a space glyph with no advance (a zero-width
    non-joiner): newer MuPDF reads a text's flow from those widths."""
    face, glyph, text = font.face, draw.glyph, draw.text
    if draw.visible and len(text) == 1 and face.charToGlyph.get(ord(text)) == glyph:
        return text
    key = (face.filename, glyph, text, draw.visible)
    code = _CODE_OF.get(key)
    if code is None:
        code = PRIVATE_FIRST + len(_CODE_OF)
        if code > PRIVATE_LAST:
            raise ValueError("more glyph texts than the private use area holds")
        _CODE_OF[key] = code
        _TEXT_OF[code] = text
    if code not in face.charToGlyph:
        face.charToGlyph[code] = glyph
        hidden = not draw.visible or (glyph == face.charToGlyph.get(0x20) and text != " ")
        face.charWidths[code] = 0 if hidden else _advance(font, glyph)
    return chr(code)


def text_of_code(code: int) -> str:
    """The text a code of a font's subset stands for in its ToUnicode map: the character
    itself, or the text a private code was handed out for (`_code`)."""
    return _TEXT_OF.get(code, chr(code))


def _advance(font: Any, glyph: int) -> int:
    """A glyph's advance in PDF units (1/1000 em), from the font's own metrics."""
    return _glyph_advance(font.face.filename, glyph)


@lru_cache(maxsize=65536)
def _glyph_advance(path: str, glyph: int) -> int:
    font_hb, upem = hb_font(Path(path))
    return round(font_hb.get_glyph_h_advance(glyph) * 1000 / upem)


@lru_cache(maxsize=65536)
def _own(face: Any, glyph: int) -> frozenset[str]:
    """What a font's character map says a glyph is, compatibility forms folded (a
    joined Arabic form is its letter, the ligature ﷲ is الله)."""
    return frozenset(unicodedata.normalize("NFKC", chr(code)) for code in face.glyphToChar.get(glyph, ()))


def _split(text: str, owners: list[frozenset[str]]) -> list[str]:
    """`text` cut into one piece per glyph, in order, each piece the glyph's own text
    where that can be: a piece that is what the glyph is scores 2, one that holds it 1,
    and the best total wins (the first found on a tie)."""
    if len(owners) == 1:
        return [text]
    if len(text) < len(owners):
        text = unicodedata.normalize("NFD", text)  # a letter HarfBuzz decomposed
    if len(text) <= len(owners):
        return list(text) + [_NO_TEXT] * (len(owners) - len(text))
    best: list[dict[int, tuple[int, int]]] = [{0: (0, 0)}] + [{} for _ in owners]
    for index, own in enumerate(owners):
        for start, (score, _) in best[index].items():
            for end in range(start + 1, len(text) - (len(owners) - index - 1) + 1):
                piece = text[start:end]
                gain = score + (2 if piece in own else 1 if any(char in own for char in piece) else 0)
                if end not in best[index + 1] or gain > best[index + 1][end][0]:
                    best[index + 1][end] = (gain, start)
    pieces, end = [], len(text)
    for index in range(len(owners), 0, -1):
        start = best[index][end][1]
        pieces.append(text[start:end])
        end = start
    return pieces[::-1]


def _reads_backwards(text: str) -> bool:
    """Whether `text` is the same text reversed (canonically): poppler may reverse it."""
    return unicodedata.normalize("NFC", text[::-1]) == unicodedata.normalize("NFC", text)


def _pieces(text: str) -> list[str]:
    """A right-to-left cluster's text in the fewest pieces that each read the same
    backwards: a letter, then its marks; a doubled letter stays whole."""
    pieces: list[str] = []
    for char in text:
        if pieces and _reads_backwards(pieces[-1] + char):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


class _Marked(NamedTuple):
    """A marked-content span: its /ActualText, its glyphs, and where its extent should
    end (None: where its last glyph ends)."""

    actual: str
    draws: list[_Draw]
    end: float | None


#: MuPDF (before 1.24) adds a space where its pen jumps ahead by this share of the font
#: size or more within a left-to-right line, and starts a new line past the second.
_MUPDF_SPACE = 0.15
_MUPDF_LINE = 0.8


def _pen_breaks(
    order: list[tuple[int, float, float]], x: float, end: float, size: float, font: Any, spaced: bool
) -> int:
    """How often MuPDF would break a word drawing glyphs (id, x, y) in this order, the
    cluster running from x to `end`, its pen arriving at x (after a space: `spaced`)."""
    breaks = 0
    pen = x
    for glyph, at_x, _ in order:
        jump = (at_x - pen) / size
        breaks += abs(jump) > _MUPDF_LINE or (jump >= _MUPDF_SPACE and not spaced)
        pen = at_x + _advance(font, glyph) * size / 1000
        spaced = False
    return breaks + ((end - pen) / size >= _MUPDF_SPACE)


def _draws(cluster: Cluster, text: str, head: str, x: float, y: float, font: Any, spaced: bool) -> list[_Draw]:
    """A cluster's glyphs in drawing order, each with its text (so that their texts in
    that order are the cluster's). Right to left: in typed order, the base letter first.
    Left to right: the order (from the left, if it will do) in which MuPDF's pen goes on
    without a jump that it takes for a space: a vowel sign that ends short of its
    cluster comes first where a space stands before it (रे, कें, ऊँ). A right-to-left
    cluster's base glyph stands for its `head`, the first piece of its text (`_pieces`)."""
    if len(cluster.glyphs) == 1:
        glyph, _, x_offset, y_offset = cluster.glyphs[0]
        return [_Draw(glyph, x + x_offset, y + y_offset, text)]
    placed = []
    pen = x
    for glyph, advance, x_offset, y_offset in cluster.glyphs:
        placed.append((glyph, pen + x_offset, y + y_offset))
        pen += advance
    if cluster.level % 2:
        rank = 0
        ranked = []
        for glyph, at_x, at_y in reversed(placed):
            own = _own(font.face, glyph)
            rank = next((index for index, char in enumerate(text) if char in own), rank)
            ranked.append((rank, (glyph, at_x, at_y)))
        placed = [item for _, item in sorted(ranked, key=lambda pair: pair[0])]
    elif 1 < len(placed) <= 5 and _pen_breaks(placed, x, x + cluster.width, cluster.size, font, spaced):
        orders = [list(order) for order in itertools.permutations(placed)]
        placed = min(orders, key=lambda order: _pen_breaks(order, x, x + cluster.width, cluster.size, font, spaced))
    owners = [_own(font.face, glyph) for glyph, _, _ in placed]
    if cluster.level % 2 and len(placed) <= len(text) - len(head) + 1:
        pieces = [head, *_split(text[len(head) :], owners[1:])]
    else:
        pieces = _split(text, owners)
    return [_Draw(glyph, at_x, at_y, piece) for (glyph, at_x, at_y), piece in zip(placed, pieces)]


def _marked(
    cluster: Cluster, text: str, x: float, y: float, font: Any, pin: str, spaced: bool, floor: float
) -> tuple[list[_Marked], float]:
    """The spans that draw one cluster at pen position x, `pin` a direction mark that
    poppler must find just left of it (`_pinned`). A right-to-left cluster's pieces
    start left of `floor`, where the pieces typed before them start, each further left
    (poppler puts a line's pieces in order by where they start): an extent runs back
    from its glyph where it must. Returns the spans and the new floor."""
    typed = text[cluster.start : cluster.end]
    rtl = cluster.level % 2 and not cluster.space
    pieces = _pieces(typed) if rtl else [typed]
    draws = _draws(cluster, typed, pieces[0], x, y, font, spaced)
    first = draws[0]
    if not rtl:
        end, start = None if cluster.space else x + cluster.width, first.x
    else:
        if cluster.width > 2 * _REACH and first.x < floor - _REACH / 2:
            start, end = first.x, x + cluster.width + _REACH  # over the left neighbour's start
        else:
            start = end = min(first.x, floor) - _REACH
    if pin and not cluster.level % 2 and not cluster.space and len(first.text) == 1:
        # Before a left-to-right cluster (a number's first digit): MuPDF, which reads
        # glyphs, drops the glyph after its copy, and newer MuPDF, which reads the spans,
        # takes the mark before the number, not inside it.
        return [_Marked(pin, [first._replace(visible=False)], first.x - _REACH), _Marked(typed, draws, end)], floor
    further = pieces[1:] + ([pin] if pin else [])
    if not further:
        return [_Marked(typed, draws, end)], start if rtl else floor
    marked = [_Marked(pieces[0], [first], end)]
    copy = first._replace(text=first.text[-1], visible=False)
    for piece in further:
        start -= _REACH
        marked.append(_Marked(piece, [copy], start))
    if len(draws) > 1:
        marked.append(_Marked("", draws[1:], None))
    return marked, start if rtl else floor


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _rgb(colour: Color) -> str:
    return f"{colour.red:.4g} {colour.green:.4g} {colour.blue:.4g} rg"


def _counted_with_numbers(text: str) -> bool:
    """Separators and signs of numbers (, . - + % / : ، ٪ and the like), which poppler
    takes for part of a number wherever they stand."""
    return any(unicodedata.bidirectional(char) in ("ES", "CS", "ET") for char in text)


def _pinned(text: str, ordered: list[tuple[float, Cluster]], rtl: bool) -> set[int]:
    """The clusters of a line (by place in visual order) that poppler must find a
    direction mark of the paragraph's direction (RLM, or LRM) just left of. It reorders
    lines itself: it hangs the space beside a run of the other direction on that run, on
    the side away from the paragraph's start ("12 مارس" came out "12مارس", "(IAEA) " as
    "( )IAEA"), and it cuts a right-to-left run at a comma or a hyphen, which it counts
    with numbers ("שני, 8" came out "שני8 ,"). A mark at the run's end on that side, and
    around such punctuation set right to left, keeps each character where it was typed.
    Marks are invisible, and not in any glyph's text: MuPDF takes none of them."""
    pinned: set[int] = set()
    if rtl:
        for index, (_, cluster) in enumerate(ordered):
            if cluster.level % 2 and _counted_with_numbers(text[cluster.start : cluster.end]):
                pinned.update((index, index + 1))
    for index in range(len(ordered) - 1):
        if ordered[index][1].level % 2 and not ordered[index + 1][1].level % 2:
            side = index + 1 if rtl else index  # a left-to-right run's left end, or a right-to-left run's right end
            if not ordered[side][1].space:
                pinned.add(index + 1)
    pinned.discard(len(ordered))  # the line's right end: nothing follows there
    return pinned


def draw_clusters(
    canvas: Any, text: str, ordered: list[tuple[float, Cluster]], y: float, default: Color | None, rtl: bool
) -> None:
    """Draw a line's clusters, at their x positions on baseline `y`, in typed order
    (`default` None: the canvas's colour); each piece of text in a marked-content span
    whose /ActualText it is. A space draws the font's space glyph, which paints nothing:
    MuPDF takes it for the space it is, and `publish check` knows where words end."""
    document = canvas._doc
    code = ["BT"]
    current: tuple[str, int, float] | None = None
    colour = None
    invisible = False
    pinned = _pinned(text, ordered, rtl)
    direction = "\u200f" if rtl else "\u200e"
    spaced = True  # the line starts as after a space
    floor = math.inf
    for index, (x, cluster) in sorted(enumerate(ordered), key=lambda item: item[1][1].start):
        wanted = HexColor(cluster.colour) if cluster.colour else default
        if not cluster.space and wanted is not None and wanted != colour:
            code.append(_rgb(wanted))
            colour = wanted
        font = pdfmetrics.getFont(cluster.font)
        if not cluster.level % 2:
            floor = math.inf  # a left-to-right run: the next right-to-left one starts afresh
        marked, floor = _marked(cluster, text, x, y, font, direction if index in pinned else "", spaced, floor)
        spaced = cluster.space
        for span in marked:
            code.append(f"/Span <</ActualText <FEFF{_utf16(span.actual)}>>> BDC")
            for number, draw in enumerate(span.draws):
                if draw.glyph == 0:  # a character no font has: left out, never the .notdef glyph (PDF/A-2)
                    continue
                if draw.visible == invisible:
                    invisible = not draw.visible
                    code.append("3 Tr" if invisible else "0 Tr")
                char = _code(font, draw)
                # Extractors take a span's extent from its first glyph's start to its last
                # glyph's end: character spacing, which moves nothing here (every glyph is
                # placed by Tm), makes the last glyph end where the span should (a vowel
                # sign ends short of its cluster: the gap read as a space, "रे पो").
                spacing = 0.0
                if number == len(span.draws) - 1 and span.end is not None:
                    spacing = span.end - draw.x - font.stringWidth(char, cluster.size)
                stretch = abs(spacing) > 0.001
                if stretch:
                    code.append(f"{spacing:.3f} Tc")
                for subset, encoded in font.splitString(char, document):
                    if current != (cluster.font, subset, cluster.size):
                        code.append(f"{font.getSubsetInternalName(subset, document)} {cluster.size:g} Tf")
                        current = (cluster.font, subset, cluster.size)
                    code.append(f"1 0 0 1 {draw.x:.3f} {draw.y:.3f} Tm ({canvas._escape(encoded)}) Tj")
                if stretch:
                    code.append("0 Tc")
            code.append("EMC")
    if invisible:
        code.append("0 Tr")
    code.append("ET")
    canvas.addLiteral("\n".join(code))


def arrange(line: Line, width: float, rtl: bool, alignment: int) -> list[tuple[float, Cluster]]:
    """A line's clusters in visual order with their x positions, justified or aligned
    to the paragraph's start side (the right for right-to-left text)."""
    clusters = line.clusters
    spaces = sum(1 for cluster in clusters if cluster.space)
    natural = line.natural
    room = width - line.indent - natural
    extra = room / spaces if alignment == TA_JUSTIFY and not line.last and spaces and room > 0 else 0.0
    filled = natural + extra * spaces
    if alignment == TA_CENTER:
        x = (width - filled) / 2
    elif (alignment == TA_RIGHT) != rtl:
        x = width - line.indent - filled
    else:
        x = line.indent
    out: list[tuple[float, Cluster]] = []
    for index in visual_order([cluster.level for cluster in clusters]):
        cluster = clusters[index]
        out.append((x, cluster))
        x += cluster.width + (extra if cluster.space else 0.0)
    return out


@dataclass(frozen=True)
class Laid:
    """A paragraph laid out at one width."""

    text: str
    lines: list[Line]
    rtl: bool


def lay_out(
    text_spans: list[Span],
    palette: Palette,
    size: float,
    language: str,
    base: str | None,
    width: float,
    first_indent: float,
) -> Laid:
    """Steps 1 to 3 for one paragraph."""
    text, pieces = _itemise(text_spans, palette)
    levels, paragraph_level = bidi_levels(text, base)
    clusters = shape(text, pieces, levels, palette, size, language)
    return Laid(text, break_lines(clusters, width, first_indent), bool(paragraph_level % 2))


class ShapedParagraph(Flowable):  # type: ignore[misc]
    """A paragraph of a shaped script, a platypus flowable like reportlab's Paragraph
    (same style fields: font size, leading, first-line indent, alignment, colour, space
    after, keep-with-next); splits between lines, never leaving one line alone."""

    def __init__(
        self,
        text_spans: list[Span],
        style: ParagraphStyle,
        palette: Palette,
        language: str,
        base: str | None,
        laid: Laid | None = None,
        first: bool = True,
        bullet: str | None = None,
    ) -> None:
        super().__init__()
        self.bullet = bullet
        self.text_spans = text_spans
        self.style = style
        self.palette = palette
        self.language = language
        self.base = base
        self.laid = laid
        self.first = first
        self.keepWithNext = getattr(style, "keepWithNext", 0)
        self._width = -1.0

    def _lay_out(self, width: float) -> Laid:
        if self.laid is None or (self.first and width != self._width):
            self.laid = lay_out(
                self.text_spans,
                self.palette,
                self.style.fontSize,
                self.language,
                self.base,
                width - self._indents(),
                self.style.firstLineIndent,
            )
            self._width = width
        return self.laid

    def _indents(self) -> float:
        """The style's side indents: `leftIndent` on the start side (the right for
        right-to-left text, as a list item's or a quotation's is), `rightIndent` on the end."""
        return float(getattr(self.style, "leftIndent", 0) + getattr(self.style, "rightIndent", 0))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        laid = self._lay_out(available_width)
        self.width, self.height = available_width, len(laid.lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Any]:
        laid = self._lay_out(available_width)
        fits = int(available_height // self.style.leading)
        total = len(laid.lines)
        if fits >= total:
            return [self]
        fits = min(fits, total - 2)
        if fits < 2:
            return []
        head = Laid(laid.text, laid.lines[:fits], laid.rtl)
        tail = Laid(laid.text, laid.lines[fits:], laid.rtl)
        return [
            ShapedParagraph(
                self.text_spans, self.style, self.palette, self.language, self.base, head, False, self.bullet
            ),
            ShapedParagraph(self.text_spans, self.style, self.palette, self.language, self.base, tail, False),
        ]

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def draw(self) -> None:
        laid = self.laid
        assert laid is not None, "draw before wrap"
        style = self.style
        y = self.height - style.fontSize
        if self.bullet is not None:  # a list item's bullet or number, in the margin at its start side
            self._draw_bullet(self.bullet, y, laid.rtl)
        start = getattr(style, "rightIndent" if laid.rtl else "leftIndent", 0)
        if start:
            self.canv.translate(start, 0)
        for line in laid.lines:
            draw_clusters(
                self.canv,
                laid.text,
                arrange(line, self.width - self._indents(), laid.rtl, style.alignment),
                y,
                style.textColor,
                laid.rtl,
            )
            y -= style.leading

    def _draw_bullet(self, bullet: str, y: float, rtl: bool) -> None:
        """The marker set like reportlab's `bulletText`: in the style's bullet font, at its
        `bulletIndent` from the start side (the right for right-to-left text)."""
        style = self.style
        width = pdfmetrics.stringWidth(bullet, style.bulletFontName, style.bulletFontSize)
        x = self.width - style.bulletIndent - width if rtl else style.bulletIndent
        self.canv.setFont(style.bulletFontName, style.bulletFontSize)
        self.canv.setFillColor(style.textColor)
        self.canv.drawString(x, y, bullet + " ")  # the space paints nothing: MuPDF reads it


def line_width(text: str, palette: Palette, face: str, size: float, language: str, base: str | None) -> float:
    """How wide `text` is when set as one line."""
    laid = lay_out([Span(text, face)], palette, size, language, base, float("inf"), 0.0)
    return sum(line.natural for line in laid.lines)


def draw_line(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    palette: Palette,
    face: str,
    size: float,
    language: str,
    base: str | None,
    colour: Color | None = None,
    align_right: bool = False,
) -> None:
    """One line of page furniture (a running head), its start at x, or its end at x
    when `align_right`."""
    laid = lay_out([Span(text, face)], palette, size, language, base, float("inf"), 0.0)
    line = Line([cluster for part in laid.lines for cluster in part.clusters], 0.0, True)
    start = x - line.natural if align_right else x
    ordered = [(start + position, cluster) for position, cluster in arrange(line, line.natural, False, 0)]
    draw_clusters(canvas, laid.text, ordered, y, colour, laid.rtl)
