"""The platypus flowables of the print edition: paragraphs held to kinsoku, balanced
headlines, body paragraphs that do not end a page on a hyphen, separators, and the
digest's table of contents."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Table
from reportlab.platypus import paragraph as reportlab_paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from publish.language import of
from publish.render import linebreak, shaping
from publish.render.pdf.fonts import _palette
from publish.render.pdf.hyphenation import _HYPHENS
from publish.render.pdf.metadata import fitting_string
from publish.render.pdf.tagging import LineText, Node, TaggedCell

if TYPE_CHECKING:
    from publish.render.pdf.kit import Kit


#: A headline up to this tall (points) is kept whole on one page.
HEADLINE_MAX_HEIGHT = 400


class _Separator(Flowable):  # type: ignore[misc]
    """A break between parts of the story: a short rule in the middle of the column."""

    def __init__(self, leading: float) -> None:
        super().__init__()
        self.leading = leading

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.leading * 2

    def draw(self) -> None:
        rule = self.width / 6
        self.canv.setLineWidth(0.5)
        self.canv.line((self.width - rule) / 2, self.leading, (self.width + rule) / 2, self.leading)


class Para(reportlab_paragraph.Paragraph):  # type: ignore[misc]
    """reportlab's paragraph, whose CJK line breaker (style `wordWrap="CJK"`: Chinese and
    Japanese) is held to kinsoku. reportlab breaks between any two characters and, when
    the character that overflows may not begin a line, hangs it in the margin; but it
    hangs only one, so the second of "。”" begins the next line, and it has no rule for
    opening marks, so "“" or "「" may end a line. A line that breaks so is shortened to
    its last break that `linebreak.may_break` allows, and the rest laid out again."""

    def beginText(self, x: float, y: float) -> LineText:
        text = LineText(self.canv, x, y)
        text.spaced = self.style.wordWrap != "CJK"
        return text

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the rest of a paragraph split at a page end
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        self.height = 0
        reportlab_paragraph._handleBulletWidth(self.bulletText, self.style, widths)
        leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return _kinsoku_lines(self.frags, widths, leading not in ("", "off"))

    def _get_split_blParaFunc(self) -> Any:
        """The text of a CJK paragraph split at a page's end, for each part: the lines'
        fragments as they are. reportlab's own ends every line but the last with a space,
        right after lines broken at spaces, but between ideographs a gap in the text and
        in each line of the next page."""
        if self.style.wordWrap == "CJK" and self.blPara.kind == 1:
            return _cjk_fragments
        return super()._get_split_blParaFunc()


def _cjk_fragments(lines: Any, start: int, stop: int) -> list[Any]:
    """The fragments of laid-out lines `start` to `stop` (reportlab's ParaLines, or a list)."""
    return [word for line in getattr(lines, "lines", lines)[start:stop] for word in line.words]


def _kinsoku_lines(frags: list[Any], widths: list[float], bounds: bool) -> Any:
    """reportlab's CJK lines of `frags`, each line that ends where no line may end cut to
    its last allowed break, by narrowing that line's width and laying out the rest again
    (the lines above it stay as they are). A line no break is allowed in is left be, as
    is one a cut did not shorten (a guard: reportlab's breaker is not ours), so this ends."""
    usual, settled = widths[-1], 0
    lines = reportlab_paragraph.cjkFragSplit(frags, widths, bounds).lines
    tried: dict[int, int] = {}  # line -> its length when it was last cut
    while True:
        texts = ["".join(word.text for word in line.words) for line in lines]
        bad = next(
            (
                index
                for index in range(settled, len(texts) - 1)
                if texts[index] and texts[index + 1] and not linebreak.may_break(texts[index][-1], texts[index + 1][0])
            ),
            None,
        )
        if bad is None:
            return reportlab_paragraph.ParaLines(kind=1, lines=lines)
        text = texts[bad]
        cut = next((end for end in range(len(text) - 1, 0, -1) if linebreak.may_break(text[end - 1], text[end])), 0)
        if not cut or tried.get(bad, len(text) + 1) <= len(text):
            settled = bad + 1
            continue
        tried[bad], settled = len(text), bad
        # reportlab gives every line past the list the list's last width: keep it the usual one.
        widths += [usual] * (bad + 2 - len(widths))
        widths[bad] = _width_of_first(lines[bad].words, cut) + 0.001
        rest = reportlab_paragraph.cjkFragSplit(_cjk_fragments(lines, bad, len(lines)), widths[bad:], bounds)
        lines = lines[:bad] + rest.lines


def _width_of_first(words: list[Any], count: int) -> float:
    """Width of the first `count` characters of a laid-out line's fragments."""
    width = 0.0
    for word in words:
        text = word.text[:count]
        width += pdfmetrics.stringWidth(text, word.fontName, word.fontSize)
        count -= len(text)
        if not count:
            break
    return width


class _Headline(Para):  # type: ignore[misc]
    """A headline, balanced, which also anchors an outline entry (and a contents line)
    and names the article in a digest's running heads."""

    def __init__(
        self, markup: str, style: ParagraphStyle, plain: str, key: str, in_contents: bool, article: bool = True
    ) -> None:
        super().__init__(markup, style)
        self.markup = markup
        self.plain = plain
        self.key = key
        self.in_contents = in_contents
        #: An article's headline (not a digest's title): an outline entry and running heads.
        self.article = article

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Balanced lines: the narrowest measure that keeps the line count, so the last line
        is no lone short word ("...Davos / agenda") when moving words back can avoid it."""
        if self.style.wordWrap == "CJK" and any(char.isspace() for char in self.plain):
            self._break_at_spaces_if_they_fit(available_width, available_height)
        width, height = super().wrap(available_width, available_height)
        count = len(self.blPara.lines)
        if count < 2 or count > 6:
            return width, height
        low, high = available_width / 2, available_width
        while high - low > 4:
            middle = (low + high) / 2
            super().wrap(middle, available_height)
            if len(self.blPara.lines) == count:
                high = middle
            else:
                low = middle
        super().wrap(high, available_height)
        self.width = available_width
        return available_width, self.height

    def _break_at_spaces_if_they_fit(self, available_width: float, available_height: float) -> None:
        """A Chinese or Japanese headline whose phrases are parted by spaces breaks only
        at those, when each phrase fits the measure ("上野に新しい区立図書館が開館 / 蔵書は
        約80万冊", never "...区立図書館 / が開館 蔵書は...")."""
        spaced = ParagraphStyle(f"{self.style.name}-spaced", parent=self.style, wordWrap=None, splitLongWords=0)
        trial = Para(self.markup, spaced)
        trial.wrap(available_width, available_height)
        if all((line[0] if isinstance(line, tuple) else line.extraSpace) >= 0 for line in trial.blPara.lines):
            self.style = spaced

    def split(self, available_width: float, available_height: float) -> list[Any]:
        """A headline never breaks across pages: it moves to the next one whole. Only one
        taller than a page (a runaway title) is split, as a plain paragraph."""
        _, height = self.wrap(available_width, available_height)
        if height <= HEADLINE_MAX_HEIGHT:
            return []
        parts: list[Any] = Para(self.markup, self.style).split(available_width, available_height)
        # An empty headline of no height goes first: it still names the article (outline
        # entry, contents line, running heads), which the plain parts cannot.
        anchor = ParagraphStyle("headline-anchor", parent=self.style, spaceBefore=0, spaceAfter=0)
        return [_Headline("", anchor, self.plain, self.key, self.in_contents, self.article), *parts] if parts else []

    def draw(self) -> None:
        canvas = self.canv
        if self.article:
            canvas.bookmarkPage(self.key)
            canvas.addOutlineEntry(fitting_string(self.plain), self.key, level=0, closed=False)
            canvas.showOutline()
            canvas.begin_article(self.plain)
        super().draw()


def _last_word(line: Any) -> str:
    """The last word of one of reportlab's laid-out lines (plain tuples or fragment lines)."""
    if isinstance(line, tuple):
        return str(line[1][-1]) if line[1] else ""
    for fragment in reversed(line.words):
        text = getattr(fragment, "text", "")
        if text:
            return str(text).rstrip()
    return ""


class _BodyPara(Para):  # type: ignore[misc]
    """A body paragraph that does not end a page on a hyphen when it can help it."""

    def split(self, available_width: float, available_height: float) -> list[Any]:
        """Where the page's last line would end in a hyphen, give the page one or two
        lines fewer (still keeping two lines each side, no widows or orphans), or, when
        only two or three lines of it would stand on the page, move it whole."""
        parts: list[Any] = super().split(available_width, available_height)
        if len(parts) != 2 or not _last_word(parts[0].blPara.lines[-1]).endswith(_HYPHENS):
            return parts
        for fewer in (1, 2):
            shorter: list[Any] = super().split(available_width, available_height - fewer * self.style.leading)
            if len(shorter) == 2 and not _last_word(shorter[0].blPara.lines[-1]).endswith(_HYPHENS):
                return shorter
        if len(parts[0].blPara.lines) <= 3:
            return []  # a page two or three lines short beats a hyphen at its foot: move the paragraph
        return parts


class _Contents(TableOfContents):  # type: ignore[misc]
    """reportlab's table of contents, with the entries of headlines in shaped scripts
    (Arabic, Hebrew, Devanagari...) set as those headlines are: shaped, in their own
    direction, each a link to its article with its page number at the line's end."""

    def __init__(self, kit: Kit, items: dict[str, Node], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kit = kit
        #: The structure element (TOCI) of each entry, by its headline's key.
        self.items = items

    def notify(self, kind: str, stuff: tuple[Any, ...]) -> None:
        if kind == self._notifyKind:
            self._entries.append(tuple(stuff))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """reportlab's table, each entry its own tagged cell: reportlab's paragraph with dot
        leaders (its callback, set by its `wrap`, draws them and the page number), or,
        beside a shaped entry, a line with the page number flush at its end."""
        shaped = any(len(entry) == 5 for entry in self._lastEntries)
        if not shaped:  # reportlab's table, and its callback for dot leaders and page numbers
            size: tuple[float, float] = super().wrap(available_width, available_height)
            if not self._lastEntries:
                return size  # the first pass of a digest: reportlab's placeholder
            draw_end = self.canv.getNamedCB("drawTOCEntryEnd")
            self.canv.setNamedCB("drawTOCEntryEnd", partial(_leaders_as_artifact, draw_end))
        style = self.getLevelStyle(0)
        rows: list[list[Any]] = []
        for entry in self._lastEntries:
            if len(entry) == 5:
                _, text, page, key, language = entry
                cell: Any = _ShapedEntry(text, page, key, language, style, self.kit)
            elif shaped:
                _, text, page, key = entry
                cell = _ContentsEntry(text, page, key, style, self.kit)
            else:  # as reportlab's own `wrap` makes it
                _, text, page, key = entry
                label = repr(key).replace(",", "\\x2c").replace('"', "\\x2c")
                markup = f'<a href="#{key}">{text}</a><onDraw name="drawTOCEntryEnd" label="{page},0,{label}"/>'
                cell = _EntryPara(markup, style)
            cell.struct = self.items.get(key)
            rows.append([cell])
        self._table = Table(rows, colWidths=(available_width,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height


def _leaders_as_artifact(draw_end: Callable[..., None], canvas: Any, kind: str, label: str) -> None:
    """reportlab draws an entry's dot leaders and page number before the entry's own text:
    as an artifact (the entry's link leads to the page), so the entry reads as its title."""
    tagger = getattr(canvas, "tagger", None)
    if tagger is None or tagger.open is None:
        draw_end(canvas, kind, label)
    else:
        tagger.interrupt(canvas, lambda: draw_end(canvas, kind, label))


class _EntryPara(TaggedCell, Para):  # type: ignore[misc]
    """A contents entry as reportlab sets it, in its own marked content."""


class _ContentsEntry(TaggedCell, Flowable):  # type: ignore[misc]
    """A contents entry not in a shaped script, beside shaped ones: a paragraph, a link
    to its article, the page number flush at the line's end."""

    def __init__(self, markup: str, page: int, key: str, style: ParagraphStyle, kit: Kit) -> None:
        super().__init__()
        self.page, self.key, self.style, self.kit = page, key, style, kit
        self.para = Para(markup, style)

    def _number_room(self) -> float:
        size = self.style.fontSize
        return pdfmetrics.stringWidth(f" {self.page}", self.kit.fonts.regular, size) + size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, height = self.para.wrap(available_width - self._number_room(), available_height)
        self.width, self.height = available_width, height
        return self.width, self.height

    def draw(self) -> None:
        self.para.drawOn(self.canv, 0, 0)
        self.canv.setFont(self.kit.fonts.regular, self.style.fontSize)
        self.canv.drawRightString(self.width, self.height - self.style.fontSize, str(self.page))
        self.canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)


class _ShapedEntry(TaggedCell, Flowable):  # type: ignore[misc]
    """A contents entry in a shaped script: the number and title shaped in the title's
    direction, the page number at the end side of its first line, a link over all."""

    def __init__(self, text: str, page: int, key: str, language: str, style: ParagraphStyle, kit: Kit) -> None:
        super().__init__()
        self.page, self.key, self.style, self.kit, self.rtl = page, key, style, kit, of(language).rtl
        self.para = shaping.ShapedParagraph(
            [shaping.Span(text)], style, _palette(kit.fonts), language, "R" if self.rtl else None
        )

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        size = self.style.fontSize
        room = pdfmetrics.stringWidth(f" {self.page}", self.kit.fonts.regular, size) + size
        _, height = self.para.wrap(available_width - room, available_height)
        self.width, self.height = available_width, height
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        self.para.drawOn(canvas, self.width - self.para.width if self.rtl else 0, 0)
        baseline = self.height - self.style.fontSize
        canvas.setFont(self.kit.fonts.regular, self.style.fontSize)
        (canvas.drawString if self.rtl else canvas.drawRightString)(
            0 if self.rtl else self.width, baseline, str(self.page)
        )
        canvas.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)


class _ShapedHeadline(shaping.ShapedParagraph):
    """A headline in a shaped script: kept whole on a page, anchoring its outline entry."""

    def __init__(self, *args: Any, plain: str, key: str, in_contents: bool, article: bool = True) -> None:
        super().__init__(*args)
        self.plain, self.key, self.in_contents, self.article = plain, key, in_contents, article

    def split(self, available_width: float, available_height: float) -> list[Any]:
        _, height = self.wrap(available_width, available_height)
        return [] if height <= HEADLINE_MAX_HEIGHT else super().split(available_width, available_height)

    def draw(self) -> None:
        canvas = self.canv
        if self.article:  # as `_Headline`: an outline entry, and the digest's running heads
            canvas.bookmarkPage(self.key)
            canvas.addOutlineEntry(fitting_string(self.plain), self.key, level=0, closed=False)
            canvas.showOutline()
            canvas.begin_article(self.plain)
        super().draw()
