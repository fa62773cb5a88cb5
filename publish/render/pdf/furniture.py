"""Page furniture: running heads, the source credit and "n of N", set flush with the
text block and mirrored for right-to-left articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from publish.language import of
from publish.render import linebreak, shaping
from publish.render.pdf.fonts import FontSet, _font_runs, _palette, _text_width
from publish.render.pdf.tagging import artifact

if TYPE_CHECKING:
    from publish.render.pdf.kit import Kit


@dataclass(frozen=True)
class _Furniture:
    """Running head from page 2 (the article's title, or in a digest the article running at
    the top of the page, and the reader's date), source credit and "n of N" on every page,
    set flush with the text block: pagination artifacts, not content."""

    date: str
    credit: str | None
    kit: Kit
    language: str = ""

    def draw(self, canvas: Canvas, page: int, total: int, title: str) -> None:
        style, fonts = self.kit.style, self.kit.fonts
        margins = style["page"]
        meta = style["meta"]
        width, height = canvas._pagesize
        left, right = margins["margin_inside"], width - margins["margin_outside"]
        canvas.saveState()
        canvas.setFillColor(HexColor(meta["colour"]))
        canvas.setStrokeColor(HexColor(meta["colour"]))
        canvas.setFont(fonts.regular, meta["size"])
        footer_y = margins["margin_bottom"] / 2
        # A right-to-left article's furniture is mirrored: its text starts on the right.
        rtl = of(self.language).rtl
        start, end = (right, left) if rtl else (left, right)
        # The page number, drawn after the page's text (`publish check` finds a page's body
        # before it), in the language's words: "1 of 3", "1 из 3", "1 من 3".
        with artifact(canvas, "Pagination", "Footer"):
            folio = of(self.language).label("folio", page=page, total=total)
            if rtl or not fonts.covers(folio) or shaping.needs_shaping(folio):
                _draw_text(canvas, end, footer_y, folio, fonts, meta["size"], rtl=rtl, align_right=not rtl)
            else:
                canvas.drawRightString(end, footer_y, folio)
            if self.credit:
                room = right - left - _text_width(folio, fonts, meta["size"]) - meta["size"]
                _draw_text(
                    canvas,
                    start,
                    footer_y,
                    _fit(of(self.language).label("source", source=self.credit), fonts, meta["size"], room),
                    fonts,
                    meta["size"],
                    rtl=rtl,
                )
        if page > 1:
            with artifact(canvas, "Pagination", "Header"):
                head_y = height - margins["margin_top"] / 2
                date_width = _text_width(self.date, fonts, meta["size"]) if self.date else 0
                room = right - left - date_width - (meta["size"] * 2 if self.date else 0)
                _draw_text(
                    canvas,
                    start,
                    head_y,
                    _fit(title, fonts, meta["size"], room, italic=True),
                    fonts,
                    meta["size"],
                    italic=True,
                    rtl=rtl,
                )
                if self.date:
                    _draw_text(
                        canvas,
                        left + date_width if rtl else right - date_width,
                        head_y,
                        self.date,
                        fonts,
                        meta["size"],
                        rtl=rtl,
                    )
                canvas.setLineWidth(0.4)
                canvas.line(left, head_y - 4, right, head_y - 4)
        canvas.restoreState()


def _fit(text: str, fonts: FontSet, size: float, room: float, italic: bool = False) -> str:
    """`text` cut at a word and closed with an ellipsis where it is wider than `room`; a
    Chinese or Japanese title, one "word", is cut where a line could break in it."""
    words = text.split()
    # Only the words that can fit are measured again and again: a width only grows with
    # each word, so the cut falls within the first words whose widths pass `room` (a
    # 4,000-word title was measured whole once per word dropped, on every page).
    space, total = _text_width(" ", fonts, size, italic), 0.0
    for count, word in enumerate(words, start=1):
        total += _text_width(word, fonts, size, italic) + space
        if total > room + space:
            words = words[: count + 1]
            break
    else:
        if _text_width(text, fonts, size, italic) <= room:
            return text
    while len(words) > 1 and _text_width(" ".join(words) + "\u2026", fonts, size, italic) > room:
        words.pop()
    if len(words) == 1 and not shaping.needs_shaping(words[0]):
        parts = linebreak.parts(words[0])
        while len(parts) > 1 and _text_width("".join(parts) + "\u2026", fonts, size, italic) > room:
            parts.pop()
        words = ["".join(parts)]
    return " ".join(words).rstrip(",;:\u3001\uff0c") + "\u2026"


def _draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    fonts: FontSet,
    size: float,
    italic: bool = False,
    rtl: bool = False,
    align_right: bool | None = None,
) -> None:
    """Draw one line, switching to fallback fonts where the main family has no glyph
    (from x rightwards, or, when `align_right` (by default: when `rtl`), leftwards from x;
    shaped scripts by `shaping`)."""
    align_right = rtl if align_right is None else align_right
    if rtl or shaping.needs_shaping(text):
        shaping.draw_line(
            canvas,
            x,
            y,
            text,
            _palette(fonts),
            "italic" if italic else "regular",
            size,
            "",
            "R" if rtl else None,
            align_right=align_right,
        )
        return
    runs = _font_runs(text, fonts, italic)
    if align_right:
        x -= sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs)
    for font, piece in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)
