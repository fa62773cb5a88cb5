"""Text in runs of one direction, shaped by HarfBuzz: what the print edition
(`publish.render.shaping`, over reportlab) and the raster cover (`publish.render.cover`,
over Pillow) share to set Arabic, Persian, Hebrew and Devanagari.

1. bidi levels, once per paragraph or line, with python-bidi (Unicode's algorithm, UAX #9);
2. the text cut into runs of one level and one font (`level_runs`);
3. each run shaped by HarfBuzz in its direction, the rest of the text as context, so
   joining survives a change of font (`shape_run`);
4. runs (or clusters) put in visual order (UAX #9 rule L2, `visual_order`).

No reportlab and no Pillow here: a cover that needs shaping does not load the PDF's
typesetter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

import uharfbuzz as hb
from bidi import get_display

T = TypeVar("T")

_LEVELS = re.compile(r"levels: \[(.*?)\]", re.DOTALL)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_PARAGRAPH_LEVEL = re.compile(r"ParagraphInfo \{.*?level: Level\(\s*(\d+)", re.DOTALL)


def bidi_levels(text: str, base: str | None) -> tuple[list[int], int]:
    """Resolved embedding level of every character, and the paragraph level.

    python-bidi (the Rust crate unicode-bidi) exposes its levels only in its debug
    record, one per UTF-8 byte; this reads them back per character. `base` is "R",
    "L" or None (the first strong character decides)."""
    record = get_display(text, base_dir=base, debug=True)
    found = _LEVELS.search(record)
    paragraph = _PARAGRAPH_LEVEL.search(record)
    if found is None or paragraph is None:
        raise RuntimeError("python-bidi's debug record changed: no levels in it (see publish/render/runs.py)")
    by_byte = [int(level) for level in _LEVEL.findall(found.group(1))]
    levels: list[int] = []
    offset = 0
    for char in text:
        levels.append(by_byte[offset])
        offset += len(char.encode("utf-8"))
    if offset != len(by_byte):
        raise RuntimeError("python-bidi's levels do not match the text's UTF-8 length")
    return levels, int(paragraph.group(1))


def level_runs(pieces: Iterable[tuple[int, int, T]], levels: list[int]) -> list[tuple[int, int, int, T]]:
    """Pieces [start, end) of one font (with what else the caller keeps of them), cut
    where the level changes: (start, end, level, kept) in logical order."""
    runs: list[tuple[int, int, int, T]] = []
    for start, end, kept in pieces:
        run_start = start
        for position in range(start + 1, end + 1):
            if position == end or levels[position] != levels[run_start]:
                runs.append((run_start, position, levels[run_start], kept))
                run_start = position
    return runs


@lru_cache(maxsize=32)
def hb_font(path: Path) -> tuple[hb.Font, int]:
    """A HarfBuzz font at the font's own units, and its units per em."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return hb.Font(face), face.upem


@cache
def _invisible_glyph(path: Path) -> int:
    """The glyph HarfBuzz should draw for a character it hides (a zero-width non-joiner, a
    direction mark): the font's own zero-width glyph for U+200C, else 0 (HarfBuzz's
    default, the space glyph with its advance taken away). A PDF/A file may draw no glyph
    whose width in the file differs from its advance in the font: a space glyph with no
    width does."""
    font, _ = hb_font(path)
    glyph = font.get_nominal_glyph(0x200C)
    return glyph if glyph and font.get_glyph_h_advance(glyph) == 0 else 0


class Glyph(NamedTuple):
    """One shaped glyph in font units: its id, the index in the text of the cluster it
    belongs to, its advance and its offsets from the pen."""

    id: int
    cluster: int
    advance: int
    x_offset: int
    y_offset: int


def shape_run(path: Path, text: str, start: int, end: int, rtl: bool, language: str) -> tuple[list[Glyph], int]:
    """HarfBuzz's glyphs for `text[start:end]` in one direction (the rest of `text` as
    context), in visual order, in font units, and the font's units per em."""
    font, upem = hb_font(path)
    buffer = hb.Buffer()
    buffer.add_str(text, start, end - start)
    buffer.direction = "rtl" if rtl else "ltr"
    if language:
        buffer.language = language
    buffer.guess_segment_properties()
    invisible = _invisible_glyph(path)
    if invisible:
        buffer.invisible_glyph = invisible
    hb.shape(font, buffer, {})
    return [
        Glyph(info.codepoint, info.cluster, position.x_advance, position.x_offset, position.y_offset)
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions)
    ], upem


def visual_order(levels: list[int]) -> list[int]:
    """Indices of a line's items in display order (UAX #9 rule L2): from the highest
    level down to the lowest odd one, reverse every run at that level or above."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order
