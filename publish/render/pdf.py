"""The print edition, typeset with reportlab's platypus.

Article text reaches reportlab's paragraph markup only through `escape`, so text such
as `<font>` or `&` is printed, never interpreted. Fonts are TrueType files embedded as
subsets. A character the main family lacks is set in the first family of the declared
fallback chain that has it (`publish.fonts`); one that no font of the chain has is
reported by `preflight` (an error under --strict) rather than printed silently as a box.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from hashlib import md5
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import SimpleDocTemplate, Spacer

from publish import __version__
from publish.errors import InputError
from publish.fonts import FontFamily, coverage, fallback_families, find_family
from publish.model import Article, Collection, Editorial, Inline, Quotation, Text, plain_text
from publish.options import RenderOptions
from publish.render import shaping
from publish.templates import load_style, pdf_font_family

PAPER: dict[str, tuple[float, float]] = {"A4": A4, "LETTER": LETTER}
#: Regions that print on US Letter by default.
LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR", "SV"})
#: Longer "words" cannot be laid out in sensible time (or sensibly at all) on a page.
MAX_WORD = 2000
#: A headline up to this tall (points) is kept whole on one page.
HEADLINE_MAX_HEIGHT = 400
#: Paragraphs longer than twice this are laid out in pieces of about this many characters.
CHUNK = 4000
_INVISIBLE = frozenset(" \n")


def paper_for(article: Article, options: RenderOptions) -> tuple[float, float]:
    """The chosen paper, else Letter for US/Canadian/... articles, else A4."""
    if options.paper and options.paper.upper() != "AUTO":
        return PAPER[options.paper.upper()]
    region = next((part for part in article.language.split("-")[1:] if len(part) == 2), "")
    return PAPER["LETTER"] if region.upper() in LETTER_REGIONS else PAPER["A4"]


def render_pdf(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A printable, font-embedded, reproducible PDF of one article."""
    kit = _Kit.make(article.language, options)
    story = _article_story(article, kit, key="headline")
    furniture = _Furniture(article.title, article.date_iso, article.source, kit, article.language)
    return _typeset(story, kit, furniture, options.timestamp(article), paper_for(article, options), {
        "title": article.title, "author": article.author or article.source or "",
        "subject": _subject(article), "keywords": _keywords(article), "lang": article.language})


def render_collection_pdf(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest: title, a table of contents with page numbers, then every article, each
    with its own headline (an outline entry), byline, dateline and source."""
    from reportlab.platypus import PageBreak
    from reportlab.platypus.tableofcontents import TableOfContents

    kit = _Kit.make(collection.language, options)
    contents = TableOfContents(levelStyles=[ParagraphStyle(
        "toc", fontName=kit.fonts.regular, fontSize=kit.style["body"]["size"],
        leading=kit.style["body"]["leading"], leftIndent=0, firstLineIndent=0)], dotsMinLevel=0)
    story: list[Any] = [Para(kit.markup((Text(collection.title),), face="bold"), kit.styles["headline"])]
    if collection.date_iso:
        story.append(Para(kit.markup((Text(collection.date_iso),), face="italic"), kit.styles["meta"]))
    story += [Spacer(1, kit.style["body"]["leading"]), contents, PageBreak()]
    for number, article in enumerate(collection.articles, start=1):
        if number > 1:
            story.append(Spacer(1, kit.style["body"]["leading"] * 2))
        story += _article_story(article, kit, key=f"article-{number}", in_contents=True)
    stamp = options.timestamp(collection.articles[0]) if options.source_date_epoch is not None or \
        collection.date is None else datetime.datetime.combine(collection.date, datetime.time(),
                                                               tzinfo=datetime.timezone.utc)
    furniture = _Furniture(collection.title, collection.date_iso, options.publisher, kit)
    paper = paper_for(collection.articles[0], options)
    return _typeset(story, kit, furniture, stamp, paper, {
        "title": collection.title, "author": options.publisher or "", "subject": collection.title,
        "keywords": [collection.identifier], "lang": collection.language}, multi=True)


@dataclass(frozen=True)
class _Kit:
    """Style, fonts and paragraph styles, resolved once per document."""

    style: dict[str, Any]
    fonts: FontSet
    styles: dict[str, ParagraphStyle]
    markup: Callable[..., str]

    @classmethod
    def make(cls, language: str, options: RenderOptions) -> _Kit:
        style = load_style(options.template_dirs)
        fonts = font_set(pdf_font_family(options.template_dirs, options.font))
        return cls(style, fonts, _paragraph_styles(style, fonts, language),
                   partial(inline_markup, fonts=fonts, editorial_colour=style["editorial"]["colour"]))


def _article_story(article: Article, kit: _Kit, key: str, in_contents: bool = False) -> list[Any]:
    markup = kit.markup
    story: list[Any] = [_shaped_headline(article, kit, key, in_contents) or _Headline(
        markup((Text(article.title),), face="bold"), kit.styles["headline"], article.title, key, in_contents)]
    byline = " · ".join(part for part in (article.author, article.date_iso, article.source) if part)
    if byline:
        story.append(_shaped((Text(byline),), kit, article.language, "meta", "italic") or
                     Para(markup((Text(byline),), face="italic"), kit.styles["meta"]))
    story.append(Spacer(1, kit.style["body"]["leading"]))
    for index, paragraph in enumerate(article.paragraphs):
        for part, runs in enumerate(_layout_chunks(paragraph.runs)):
            text = markup(runs)
            if index == 0 and part == 0 and article.lead_in:
                text = f"<b>{markup((Text(article.lead_in),), face='bold')}</b> {text}"
            style_name = "continued" if part else "lead" if index == 0 else "body"
            lead_in = article.lead_in if index == 0 and part == 0 else None
            story.append(_shaped(runs, kit, article.language, style_name, lead_in=lead_in) or
                         Para(text, kit.styles[style_name]))
    return story


def _shaped(runs: tuple[Inline, ...], kit: _Kit, language: str, style_name: str, face: str = "regular",
            lead_in: str | None = None) -> shaping.ShapedParagraph | None:
    """The paragraph laid out by `publish.render.shaping` when reportlab alone would set
    it wrongly (Arabic, Hebrew, Devanagari) or the article runs right to left; else None."""
    rtl = shaping.is_rtl(language)
    if not rtl and not shaping.needs_shaping(plain_text(runs) + (lead_in or "")):
        return None
    spans = [shaping.Span(lead_in, "bold"), shaping.Span(" ")] if lead_in else []
    spans += shaping.spans(runs, face, kit.style["editorial"]["colour"])
    return shaping.ShapedParagraph(spans, kit.styles[style_name], _palette(kit.fonts), language, "R" if rtl else None)


def _shaped_headline(article: Article, kit: _Kit, key: str, in_contents: bool) -> _ShapedHeadline | None:
    if not shaping.is_rtl(article.language) and not shaping.needs_shaping(article.title):
        return None
    return _ShapedHeadline([shaping.Span(article.title, "bold")], kit.styles["headline"], _palette(kit.fonts),
                           article.language, "R" if shaping.is_rtl(article.language) else None,
                           plain=article.title, key=key, in_contents=in_contents)


@lru_cache(maxsize=8)
def _palette(fonts: FontSet) -> shaping.Palette:
    """The families of shaped paragraphs: the body family, then the declared chain."""
    families = [find_family(name) for name in (fonts.family, *fallback_families(fonts.family))]
    return shaping.Palette(tuple((_register_family(family), family) for family in families))


class _Document(SimpleDocTemplate):  # type: ignore[misc]
    """Feeds headlines to the table of contents (collections build in two passes)."""

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, (_Headline, _ShapedHeadline)) and flowable.in_contents:
            self.notify("TOCEntry", (0, escape(flowable.plain), self.page, flowable.key))


def _typeset(story: list[Any], kit: _Kit, furniture: _Furniture, stamp: datetime.datetime,
             paper: tuple[float, float], info: dict[str, Any], multi: bool = False) -> bytes:
    page = kit.style["page"]
    out = io.BytesIO()
    doc = _Document(
        out, pagesize=paper,
        leftMargin=page["margin_inside"], rightMargin=page["margin_outside"],
        topMargin=page["margin_top"], bottomMargin=page["margin_bottom"],
        title=info["title"], author=info["author"], subject=info["subject"], keywords=info["keywords"],
        creator=f"publish {__version__}", producer="publish (reportlab)", invariant=1,
        lang=info["lang"], initialFontName=kit.fonts.regular, initialFontSize=kit.style["body"]["size"],
        initialLeading=kit.style["body"]["leading"], displayDocTitle=1,
    )
    maker = partial(_NumberedCanvas, furniture=furniture, stamp=stamp)
    if multi:
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return out.getvalue()


def preflight(article: Article, options: RenderOptions = RenderOptions()) -> tuple[str, ...]:
    """Warn about characters no font of the chain can print (found in one pass over the
    article's distinct characters); refuse words no page can hold."""
    for text in (article.title, *article.body_texts()):
        longest = max((len(word) for word in text.split()), default=0)
        if longest > MAX_WORD:
            raise InputError(f"a word of {longest:,} characters cannot be typeset (the limit is {MAX_WORD:,})",
                             path=article.source_path, hint="break the text with spaces")
    fonts = font_set(pdf_font_family(options.template_dirs, options.font))
    lacking = _lacking(fonts.main_coverage)
    outside_main: set[str] = set()
    for value in (article.title, *article.body_texts(), article.author, article.source, article.date_iso):
        outside_main.update(lacking.findall(value or ""))
    missing = sorted(ch for ch in outside_main if fonts.font_for(ch) is None)
    if not missing:
        return ()
    message = missing_glyphs_message(missing)
    if options.strict:
        raise InputError(message, path=article.source_path,
                         hint="use --font with a .ttf file that has them, or drop --strict to accept the gap")
    return (message,)


#: A warning names at most this many missing characters, then counts the rest.
MISSING_NAMED = 12


def missing_glyphs_message(missing: list[str]) -> str:
    """One line for every character no font of the chain has (a Chinese article lacks
    hundreds: the first few are named, the rest counted)."""
    names = ", ".join(f"{ch} U+{ord(ch):04X}" for ch in missing[:MISSING_NAMED])
    more = f" and {len(missing) - MISSING_NAMED:,} more" if len(missing) > MISSING_NAMED else ""
    blank = "it" if len(missing) == 1 else "them"
    return (f"{len(missing):,} character{'s' if len(missing) > 1 else ''} in no font of the PDF "
            f"({names}{more}): the PDF shows a blank box for {blank}")


@dataclass(frozen=True)
class FontSet:
    """The registered body family plus per-character fallbacks."""

    family: str
    regular: str
    bold: str
    italic: str
    bolditalic: str
    main_coverage: frozenset[int]

    def covers(self, text: str) -> bool:
        """True when the main family has every character of `text` (the common case)."""
        return _lacking(self.main_coverage).search(text) is None

    def font_for(self, char: str) -> str | None:
        """Name of the font to set `char` in: "" for the main family, None if no font has it."""
        if ord(char) in self.main_coverage:
            return ""
        return _fallback_font(self.family, char)


@lru_cache(maxsize=8)
def _lacking(coverage: frozenset[int]) -> re.Pattern[str]:
    """A character class of everything a font lacks: one regex scan, in C, tells whether
    a text needs a fallback font."""
    codes = sorted(coverage | {ord(ch) for ch in _INVISIBLE})
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return re.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges) + "]")


@lru_cache(maxsize=4096)
def _fallback_font(main: str, char: str) -> str | None:
    """The first family of the declared chain that has `char` (registered as a family,
    so bold and italic text in it stays bold and italic), else None."""
    for name in fallback_families(main):
        family = find_family(name)
        if ord(char) in coverage(family.regular):
            return _register_family(family)
    return None


@lru_cache(maxsize=64)
def _register(path: Path, name: str) -> str:
    # Subsets hold only the glyphs used; reportlab's default also copies every ASCII
    # glyph into each subset (to keep content streams ASCII-readable), which triples the
    # work for a headline or byline face. Text is extracted through ToUnicode either way.
    pdfmetrics.registerFont(TTFont(name, str(path), asciiReadable=False))
    return name


def _tag(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum())


@lru_cache(maxsize=8)
def font_set(name: str) -> FontSet:
    """Register the body family with reportlab once per process."""
    family = find_family(name)
    base = _register_family(family)
    return FontSet(family.name, base, f"{base}-bold", f"{base}-italic", f"{base}-bolditalic",
                   coverage(family.regular))


#: Registered family name -> code points its regular face has.
_FAMILY_COVERAGE: dict[str, frozenset[int]] = {}


@lru_cache(maxsize=16)
def _register_family(family: FontFamily) -> str:
    """Register four faces and their family mapping; return the regular face's name."""
    base = "Publish-" + _tag(family.name)
    _FAMILY_COVERAGE[base] = coverage(family.regular)
    faces = {face: _register(getattr(family, face), base if face == "regular" else f"{base}-{face}")
             for face in ("regular", "bold", "italic", "bolditalic")}
    pdfmetrics.registerFontFamily(base, normal=faces["regular"], bold=faces["bold"],
                                  italic=faces["italic"], boldItalic=faces["bolditalic"])
    return base


#: The face a run is set in, once it is also italic.
_ITALIC_OF = {"regular": "italic", "bold": "bolditalic", "italic": "italic", "bolditalic": "bolditalic"}


def inline_markup(runs: tuple[Inline, ...], fonts: FontSet, editorial_colour: str, face: str = "regular") -> str:
    """reportlab paragraph markup for a run tree; all text escaped, fallback fonts marked.
    `face` is the face the surrounding text is set in (a headline is bold), so that a
    fallback font is asked for the same face."""
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(_with_fallbacks(run.text, fonts, face))
        elif isinstance(run, Editorial):
            inner = inline_markup(run.children, fonts, editorial_colour, _ITALIC_OF[face])
            parts.append(f'<font color="{editorial_colour}"><i>{inner}</i></font>')
        elif isinstance(run, Quotation):
            parts.append(inline_markup(run.children, fonts, editorial_colour, face))
    return "".join(parts)


def _with_fallbacks(text: str, fonts: FontSet, face: str = "regular") -> str:
    """Escaped text; runs the body family lacks are set in the chain's family that has
    them, in the same face (reportlab's `<font face>` would otherwise drop bold and italic)."""
    if fonts.covers(text):
        return escape(text)
    out: list[str] = []
    current: str | None = ""
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            piece = escape("".join(chunk))
            name = current if face == "regular" else f"{current}-{face}"
            out.append(f'<font face="{name}">{piece}</font>' if current else piece)
            chunk.clear()

    for ch in text:
        # Stay in the current font while it has the character (spaces and punctuation
        # between Armenian words stay Armenian): one font switch per run, not per word.
        if ch in _INVISIBLE or (current and ord(ch) in _FAMILY_COVERAGE[current]):
            font = current
        else:
            font = fonts.font_for(ch) or ""
        if font != current:
            flush()
            current = font
        chunk.append(ch)
    flush()
    return "".join(out)


def _layout_chunks(runs: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    """Very long paragraphs, cut into pieces of about `CHUNK` characters at sentence ends.

    reportlab re-wraps the rest of a paragraph at every page break, which makes one
    paragraph of many pages quadratic; pieces keep layout linear. The price is a short,
    unjustified line at each cut, only in paragraphs longer than a page or two.
    """
    text = plain_text(runs)
    if len(text) <= CHUNK * 2:
        return [runs]
    cuts: list[int] = []
    position = 0
    while len(text) - position > CHUNK * 2:
        window_start, target = position + CHUNK // 2, position + CHUNK
        cut = text.rfind(". ", window_start, target)
        cut = cut + 2 if cut >= 0 else text.rfind(" ", window_start, target) + 1
        cut = cut if cut > position else target
        cuts.append(cut)
        position = cut
    bounds = [0, *cuts, len(text)]
    return [_slice(runs, start, end) for start, end in zip(bounds, bounds[1:])]


def _slice(runs: tuple[Inline, ...], start: int, end: int) -> tuple[Inline, ...]:
    """The part of a run tree between two character offsets, nesting kept."""
    out: list[Inline] = []
    offset = 0
    for run in runs:
        length = len(plain_text((run,)))
        low, high = max(start, offset), min(end, offset + length)
        if low < high:
            if isinstance(run, Text):
                out.append(Text(run.text[low - offset:high - offset]))
            elif isinstance(run, Quotation):
                out.append(Quotation(_slice(run.children, low - offset, high - offset), run.closed))
            else:
                out.append(Editorial(_slice(run.children, low - offset, high - offset)))
        offset += length
        if offset >= end:
            break
    return tuple(out)


def _subject(article: Article) -> str:
    parts = [article.dateline.text if article.dateline else None, article.source]
    return " — ".join(part for part in parts if part)


def _keywords(article: Article) -> list[str]:
    return [part for part in (article.source, article.dateline.place if article.dateline else None,
                              article.language, article.identifier) if part]


def hyphenation_language(language: str) -> str:
    """pyphen's dictionary for a BCP 47 tag, or "" (no hyphenation) when it has none."""
    import pyphen

    return pyphen.language_fallback(language.replace("-", "_")) or ""


def _paragraph_styles(style: dict[str, Any], fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    body = style["body"]
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=body["size"], leading=body["leading"],
                          alignment=TA_JUSTIFY, firstLineIndent=body["first_line_indent"],
                          hyphenationLang=hyphenation_language(language), embeddedHyphenation=1,
                          uriWasteReduce=0.3, allowWidows=0, allowOrphans=0, splitLongWords=1)
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, firstLineIndent=0),
        "continued": ParagraphStyle("continued", parent=base, firstLineIndent=0),
        "headline": ParagraphStyle("headline", parent=base, fontName=fonts.bold,
                                   fontSize=style["headline"]["size"], leading=style["headline"]["leading"],
                                   alignment=TA_LEFT, firstLineIndent=0, hyphenationLang="", spaceAfter=8,
                                   keepWithNext=1),
        "meta": ParagraphStyle("meta", parent=base, fontName=fonts.italic, fontSize=style["meta"]["size"],
                               leading=style["meta"]["leading"], alignment=TA_LEFT, firstLineIndent=0,
                               hyphenationLang="", textColor=HexColor(style["meta"]["colour"])),
    }


class _Headline(Para):  # type: ignore[misc]
    """A headline, which also anchors an outline entry (and a contents line)."""

    def __init__(self, markup: str, style: ParagraphStyle, plain: str, key: str, in_contents: bool) -> None:
        super().__init__(markup, style)
        self.markup = markup
        self.plain = plain
        self.key = key
        self.in_contents = in_contents

    def split(self, available_width: float, available_height: float) -> list[Any]:
        """A headline never breaks across pages: it moves to the next one whole. Only one
        taller than a page (a runaway title) is split, as a plain paragraph."""
        _, height = self.wrap(available_width, available_height)
        if height <= HEADLINE_MAX_HEIGHT:
            return []
        return Para(self.markup, self.style).split(available_width, available_height)  # type: ignore[no-any-return]

    def draw(self) -> None:
        canvas = self.canv
        canvas.bookmarkPage(self.key)
        canvas.addOutlineEntry(self.plain, self.key, level=0, closed=False)
        canvas.showOutline()
        super().draw()


class _ShapedHeadline(shaping.ShapedParagraph):
    """A headline in a shaped script: kept whole on a page, anchoring its outline entry."""

    def __init__(self, *args: Any, plain: str, key: str, in_contents: bool) -> None:
        super().__init__(*args)
        self.plain, self.key, self.in_contents = plain, key, in_contents

    def split(self, available_width: float, available_height: float) -> list[Any]:
        _, height = self.wrap(available_width, available_height)
        return [] if height <= HEADLINE_MAX_HEIGHT else super().split(available_width, available_height)

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.plain, self.key, level=0, closed=False)
        self.canv.showOutline()
        super().draw()


@dataclass(frozen=True)
class _Furniture:
    """Running head from page 2, source credit and "n of N" on every page."""

    title: str
    date_iso: str | None
    credit: str | None
    kit: _Kit
    language: str = ""

    def draw(self, canvas: Canvas, page: int, total: int) -> None:
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
        rtl = shaping.is_rtl(self.language)
        start, end = (right, left) if rtl else (left, right)
        (canvas.drawString if rtl else canvas.drawRightString)(end, footer_y, f"{page} of {total}")
        if self.credit:
            _draw_text(canvas, start, footer_y, f"Source: {self.credit}", fonts, meta["size"], rtl=rtl)
        if page > 1:
            head_y = height - margins["margin_top"] / 2
            title = self.title if len(self.title) <= 70 else self.title[:68] + "…"
            _draw_text(canvas, start, head_y, title, fonts, meta["size"], italic=True, rtl=rtl)
            if self.date_iso:
                canvas.setFont(fonts.regular, meta["size"])
                (canvas.drawString if rtl else canvas.drawRightString)(end, head_y, self.date_iso)
            canvas.setLineWidth(0.4)
            canvas.line(left, head_y - 4, right, head_y - 4)
        canvas.restoreState()


def _draw_text(canvas: Canvas, x: float, y: float, text: str, fonts: FontSet, size: float,
               italic: bool = False, rtl: bool = False) -> None:
    """Draw one line, switching to fallback fonts where the main family has no glyph
    (from x rightwards, or, when `rtl`, leftwards from x; shaped scripts by `shaping`)."""
    if rtl or shaping.needs_shaping(text):
        shaping.draw_line(canvas, x, y, text, _palette(fonts), "italic" if italic else "regular", size, "",
                          "R" if rtl else None, align_right=rtl)
        return
    main = fonts.italic if italic else fonts.regular
    runs: list[tuple[str, str]] = []
    for ch in text:
        fallback = fonts.font_for(ch)
        font = (f"{fallback}-italic" if italic else fallback) if fallback else main
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    for font, piece in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Defers page furniture to the end so every page can say "n of N"; stamps the
    document with the edition's own time instead of the clock or the environment."""

    def __init__(self, *args: Any, furniture: _Furniture, stamp: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        seconds = int(stamp.timestamp())
        fixed = TimeStamp(invariant=1)
        fixed.t = seconds
        fixed.lt = fixed.YMDhms = tuple(stamp.astimezone(datetime.timezone.utc).timetuple())[:6]
        fixed.dhh = fixed.dmm = 0
        document = self._doc
        document._timeStamp = fixed
        document.signature = md5(b"a reportlab document" + ascii(seconds).encode(), usedforsecurity=False)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total)
            super().showPage()
        super().save()
