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
4. each line reordered visually (UAX #9 L2) and drawn glyph by glyph, each cluster
   wrapped in a marked-content span with /ActualText, so copying and `pdftotext` give
   the typed (logical) text, not glyph codes in visual order.

Everything that touches reportlab's internals is here, and only here: a font's
`face.charToGlyph`/`charWidths` (glyphs with no character of their own, such as a
joined Arabic form, get a code in the Basic Multilingual Plane's private use area:
0xE000 + glyph id, so the bytes never depend on what a process set before; reportlab
writes a code beyond U+FFFF into the ToUnicode map as five hex digits, which PDF readers
reject), `splitString` and
`getSubsetInternalName` to encode them. reportlab is pinned in pyproject.toml, and
tests/test_shaping.py fails when these internals change. Paragraphs without these
scripts never come here, so Latin PDFs are byte for byte what reportlab made before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    """Greedy lines broken at spaces; a word wider than the line is cut between clusters."""
    words: list[list[Cluster]] = [[]]
    for cluster in clusters:
        if cluster.space:
            words.append([])
        else:
            words[-1].append(cluster)
    words = [word for word in words if word]
    space = next((cluster for cluster in clusters if cluster.space), None)
    lines: list[Line] = []
    current: list[Cluster] = []
    used = 0.0
    for word in words:
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
            current.append(space)
        current.extend(word)
        used += gap + word_width
    if current or not lines:
        lines.append(Line(current, first_indent if not lines else 0.0, True))
    lines[-1].last = True
    return lines


# --- 4. drawing ---------------------------------------------------------------------


def _code(font: Any, glyph: int) -> str:
    """The character reportlab should encode to print `glyph`: the font's own when the
    glyph has one, else a fixed private code registered with the font."""
    chars = font.face.glyphToChar.get(glyph)
    if chars:
        return chr(chars[0])
    code = PRIVATE_BASE + glyph
    if code > PRIVATE_LAST:
        raise ValueError(f"glyph {glyph} of {font.face.name} is beyond the private use area")
    if code not in font.face.charToGlyph:
        font.face.charToGlyph[code] = glyph
        font.face.charWidths[code] = _advance(font, glyph)
    return chr(code)


def _advance(font: Any, glyph: int) -> int:
    """A glyph's advance in PDF units (1/1000 em), from the font's own metrics."""
    font_hb, upem = hb_font(Path(font.face.filename))
    return round(font_hb.get_glyph_h_advance(glyph) * 1000 / upem)


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _rgb(colour: Color) -> str:
    return f"{colour.red:.4g} {colour.green:.4g} {colour.blue:.4g} rg"


def _counted_with_numbers(text: str) -> bool:
    """Separators and signs of numbers typed in ASCII (, . - + % / : and the like),
    which poppler takes for part of a number wherever they stand."""
    return any(char < "\x80" and unicodedata.bidirectional(char) in ("ES", "CS", "ET") for char in text)


def _pinned(text: str, ordered: list[tuple[float, Cluster]], rtl: bool) -> dict[int, tuple[str, str]]:
    """Direction marks (before, after) for the logical text of some clusters of a line,
    for extractors that reorder lines themselves, as poppler's `pdftotext` does. It
    hangs the space beside a run of the other direction on that run, on the side away
    from the paragraph's start ("12 مارس" came out "12مارس", "(IAEA) " as "( )IAEA"), and
    it cuts a right-to-left run at a comma or a hyphen, which it counts with numbers
    ("שני, 8" came out "שני8 ,"). A mark of the paragraph's direction (RLM, or LRM) at the
    run's end on that side, and around such punctuation set right to left, keeps each
    character where it was typed; marks are invisible, and glyphs and words stay as
    they are."""
    mark = "\u200f" if rtl else "\u200e"
    pinned: dict[int, tuple[str, str]] = {}
    if rtl:
        for index, (_, cluster) in enumerate(ordered):
            if cluster.level % 2 and _counted_with_numbers(text[cluster.start : cluster.end]):
                pinned[index] = (mark, mark)
    for index in range(len(ordered) - 1):
        if ordered[index][1].level % 2 and not ordered[index + 1][1].level % 2:
            side = index + 1 if rtl else index  # a left-to-right run's left end, or a right-to-left run's right end
            if not ordered[side][1].space:
                before, after = pinned.get(side, ("", ""))
                pinned[side] = (mark, after) if rtl else (before, mark)
    return pinned


def draw_clusters(
    canvas: Any, text: str, ordered: list[tuple[float, Cluster]], y: float, default: Color | None, rtl: bool
) -> None:
    """Draw clusters at their x positions on baseline `y`, each inside a marked-content
    span whose /ActualText is its logical text (`default` None: the canvas's colour).

    A space draws nothing but leaves an empty span with a space as its ActualText, so a
    reader of the spans (`publish check`) knows where the words of the line end."""
    document = canvas._doc
    code = ["BT"]
    current: tuple[str, int, float] | None = None
    colour = None
    pinned = _pinned(text, ordered, rtl)
    for index, (x, cluster) in enumerate(ordered):
        if cluster.space:
            code.append(f"/Span <</ActualText {_actual_text(' ')}>> BDC EMC")
            continue
        wanted = HexColor(cluster.colour) if cluster.colour else default
        if wanted is not None and wanted != colour:
            code.append(_rgb(wanted))
            colour = wanted
        font = pdfmetrics.getFont(cluster.font)
        before, after = pinned.get(index, ("", ""))
        actual = before + text[cluster.start : cluster.end] + after
        code.append(f"/Span <</ActualText {_actual_text(actual)}>> BDC")
        pen = x
        last = len(cluster.glyphs) - 1
        for number, (glyph, advance, x_offset, y_offset) in enumerate(cluster.glyphs):
            if glyph == 0:  # a character no font has: left out, never the .notdef glyph (PDF/A-2)
                pen += advance
                continue
            char = _code(font, glyph)
            # Extractors take a span's extent from its first glyph's start to its last
            # glyph's end; a last glyph that is a mark (a Devanagari vowel sign) ends
            # short of the cluster, the gap reads as a space ("रे पो"). Character
            # spacing, which moves nothing here (every glyph is placed by Tm), makes
            # the last glyph end where the cluster does.
            spacing = x + cluster.width - (pen + x_offset) - font.stringWidth(char, cluster.size)
            stretch = number == last and abs(spacing) > 0.001
            if stretch:
                code.append(f"{spacing:.3f} Tc")
            for subset, encoded in font.splitString(char, document):
                if current != (cluster.font, subset, cluster.size):
                    code.append(f"{font.getSubsetInternalName(subset, document)} {cluster.size:g} Tf")
                    current = (cluster.font, subset, cluster.size)
                code.append(f"1 0 0 1 {pen + x_offset:.3f} {y + y_offset:.3f} Tm ({canvas._escape(encoded)}) Tj")
            if stretch:
                code.append("0 Tc")
            pen += advance
        code.append("EMC")
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
        self.canv.drawString(x, y, bullet)


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
