"""The print edition, typeset with reportlab's platypus.

Article text reaches reportlab's paragraph markup only through `escape`, so text such
as `<font>` or `&` is printed, never interpreted. Fonts are TrueType files embedded as
subsets. A character the main family lacks is set in the first family of the declared
fallback chain that has it (`publish.fonts`); one that no font of the chain has is
reported by `preflight` (an error under --strict), never left out silently.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import unicodedata
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
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
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer, Table
from reportlab.platypus import paragraph as reportlab_paragraph
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from publish.errors import EditionError, InputError
from publish.fonts import FontFamily, coverage, fallback_families, find_family
from publish.language import of
from publish.metadata import NAMESPACES, article_metadata, terms
from publish.model import (
    Article,
    Block,
    BlockQuote,
    Collection,
    Editorial,
    Emphasis,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Separator,
    Text,
    plain_text,
    with_children,
)
from publish.options import RenderOptions
from publish.render import linebreak, shaping
from publish.templates import load_style, pdf_font_family
from publish.typography import block_for_reading, reader_notices, reading_text, smarten
from publish.version import __version__

PAPER: dict[str, tuple[float, float]] = {"A4": A4, "LETTER": LETTER}
#: Regions that print on US Letter by default.
LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR", "SV"})
#: Longer "words" cannot be laid out in sensible time (or sensibly at all) on a page.
MAX_WORD = 2000
#: A headline up to this tall (points) is kept whole on one page.
HEADLINE_MAX_HEIGHT = 400
#: Paragraphs longer than twice this are laid out in pieces of about this many characters.
CHUNK = 4000
#: ...of prose whose words average this many characters (space included); a piece of shorter
#: words is shorter in proportion (to a quarter), since layout costs per word and a piece that
#: crosses a page is laid out three times: 4,000 characters of "a a a" would cross every page.
CHUNK_WORD = 6
#: How far a word space may shrink to fit one more word on a justified line: a third, as
#: TeX's interword glue allows; it takes about half of the loose lines away.
SPACE_SHRINK = 0.33
#: A line whose last word ends with one of these ends in a hyphen (a break or a compound's own).
_HYPHENS = ("-", "\u00ad", "\u2010", "\u2011")
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
    furniture = _Furniture(_reader_date(article.date, article.language), article.source, kit, article.language)
    return _typeset(
        story,
        kit,
        furniture,
        options.timestamp(article),
        paper_for(article, options),
        {
            "title": reading_text(article.title, article.language),
            "author": of(article.language).join([c.name for c in article.creators]) or article.source or "",
            "creators": [c.name for c in article.creators] or ([article.source] if article.source else []),
            "subject": _subject(article),
            "keywords": _keywords(article),
            "lang": article.language,
            "date": article.date_iso,
            "identifier": article.identifier,
            "publisher": options.publisher or article.source or "",
            "source": article.source or "",
            "facts": article_metadata(article),
        },
    )


def render_collection_pdf(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest: title, a table of contents with page numbers, then every article, each
    with its own headline (an outline entry), byline, dateline and source."""
    kit = _Kit.make(collection.language, options)
    body = kit.style["body"]
    contents = _Contents(
        kit,
        levelStyles=[
            ParagraphStyle(
                "toc",
                fontName=kit.fonts.regular,
                fontSize=body["size"],
                leading=body["leading"],
                leftIndent=0,
                firstLineIndent=0,
            )
        ],
        dotsMinLevel=0,
        # The contents table's own cell font (reportlab's default is Helvetica, not embedded).
        tableStyle=[("FONT", (0, 0), (-1, -1), kit.fonts.regular, body["size"]), ("VALIGN", (0, 0), (-1, -1), "TOP")],
    )
    date = _reader_date(collection.date, collection.language)
    story: list[Any] = [
        _shaped_headline(collection.title, collection.language, kit, "digest", in_contents=False, article=False)
        or _Headline(
            kit.markup((Text(reading_text(collection.title, collection.language)),), face="bold"),
            kit.styles["headline"],
            collection.title,
            "digest",
            in_contents=False,
            article=False,
        )
    ]
    if date:
        story.append(Para(kit.markup((Text(date),), face="italic"), kit.styles["meta"]))
    # The contents page is labelled, as the text edition's list is, in the digest's language.
    contents_label = (Text(of(collection.language).label("contents")),)
    story += [
        Spacer(1, kit.style["body"]["leading"]),
        _shaped(contents_label, kit, collection.language, "contents-label", "bold")
        or Para(kit.markup(contents_label, face="bold"), kit.styles["contents-label"]),
        contents,
        PageBreak(),
    ]
    for number, article in enumerate(collection.articles, start=1):
        story += _article_story(
            article,
            kit,
            key=f"article-{number}",
            in_contents=True,
            headline_style="headline" if number == 1 else "next-headline",
        )
    stamp = options.timestamp(collection)
    furniture = _Furniture(date, options.publisher, kit, collection.language)
    paper = paper_for(collection.articles[0], options)
    sources = sorted({article.source for article in collection.articles if article.source})
    return _typeset(
        story,
        kit,
        furniture,
        stamp,
        paper,
        {
            "title": collection.title,
            "author": options.publisher or "",
            "creators": [options.publisher] if options.publisher else [],
            "subject": collection.title,
            "keywords": sources,
            "lang": collection.language,
            "date": collection.date_iso,
            "identifier": collection.identifier,
            "publisher": options.publisher or (sources[0] if len(sources) == 1 else ""),
            "source": "",
        },
        multi=True,
    )


@dataclass(frozen=True)
class _Kit:
    """Style, fonts and paragraph styles, resolved once per document; the styles are the
    language's (its hyphenation and justification): `for_language` gives an article of a
    digest its own."""

    style: dict[str, Any]
    fonts: FontSet
    styles: dict[str, ParagraphStyle]
    markup: Callable[..., str]
    language: str
    _others: dict[str, _Kit] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def make(cls, language: str, options: RenderOptions) -> _Kit:
        style = load_style(options.template_dirs)
        fonts = font_set(pdf_font_family(options.template_dirs, options.font))
        return cls(
            style,
            fonts,
            _paragraph_styles(style, fonts, language),
            partial(inline_markup, fonts=fonts, editorial_colour=style["editorial"]["colour"]),
            language,
        )

    def for_language(self, language: str) -> _Kit:
        """This kit with the paragraph styles of `language` (made once per language)."""
        if language == self.language:
            return self
        if language not in self._others:
            styles = _paragraph_styles(self.style, self.fonts, language)
            self._others[language] = replace(self, styles=styles, language=language, _others={})
        return self._others[language]


def _article_story(
    article: Article, kit: _Kit, key: str, in_contents: bool = False, headline_style: str = "headline"
) -> Iterator[Any]:
    """The article's flowables, made as they are asked for: a story of a million
    paragraphs is typeset without holding a million paragraphs at once."""
    kit = kit.for_language(article.language)  # a digest's article is set by its own language's rules
    markup, language = kit.markup, article.language
    title = reading_text(article.title, language)
    plain = smarten(article.title)  # for the outline and the contents: quotes, not no-break spaces
    shaped = _shaped_headline(title, language, kit, key, in_contents, plain=plain)
    if shaped is not None:
        yield shaped
    else:
        # A runaway title is set in pieces, as a long paragraph is: one paragraph split at
        # every page is laid out again whole on each (a 16,000-word title took minutes).
        pieces = _layout_chunks((Text(title),))
        style = kit.styles[headline_style]
        yield _Headline(markup(pieces[0], face="bold"), style, plain, key, in_contents)
        yield from (Para(markup(piece, face="bold"), style) for piece in pieces[1:])
    if article.subtitle:
        yield _furniture(reading_text(article.subtitle, language), kit, language, "subtitle", "regular")
    writers = of(language).join([creator.name for creator in article.creators])
    byline = " · ".join(part for part in (writers, _reader_date(article.date, language), article.source) if part)
    if byline:
        yield _furniture(reading_text(byline, language), kit, language, "byline", "italic")
    for notice in reader_notices(article):
        yield _furniture(notice, kit, language, "byline", "italic")
    lead_in = reading_text(article.lead_in, language) if article.lead_in else None
    for index, block in enumerate(article.blocks):
        # The first paragraph after a subheading, a list, a quotation or a break starts flush.
        flush = index > 0 and not isinstance(article.blocks[index - 1], Paragraph)
        yield from _block_story(block_for_reading(block, language), kit, language, index == 0, lead_in, flush)


def _block_story(
    block: Block, kit: _Kit, language: str, lead: bool, lead_in: str | None, flush: bool = False
) -> list[Any]:
    """The flowables of one block: a paragraph (the `lead` with its dateline), a subheading
    kept with what follows, a list's items with hanging bullets or numbers, a quotation
    set in, a separator as a short centred rule."""
    if isinstance(block, Heading):
        return [_paragraph(block.runs, kit, language, "subheading", face="bold")]
    if isinstance(block, ListBlock):
        bullets = [f"{index + block.start}{block.marker}" for index in range(len(block.items))] if block.ordered else []
        return [
            _paragraph(item.runs, kit, language, "item", bullet=bullets[index] if bullets else "\u2022")
            for index, item in enumerate(block.items)
        ]
    if isinstance(block, BlockQuote):
        return [_paragraph(paragraph.runs, kit, language, "quote") for paragraph in block.paragraphs]
    if isinstance(block, Separator):
        return [_Separator(kit.style["body"]["leading"])]
    story: list[Any] = []
    for part, runs in enumerate(_layout_chunks(block.runs)):
        style_name = "continued" if part or flush else "lead" if lead else "body"
        story.append(_paragraph(runs, kit, language, style_name, lead_in=lead_in if lead and part == 0 else None))
    return story


def _paragraph(
    runs: tuple[Inline, ...],
    kit: _Kit,
    language: str,
    style_name: str,
    *,
    lead_in: str | None = None,
    bullet: str | None = None,
    face: str = "regular",
) -> Any:
    """One paragraph flowable: shaped where the script needs it, else reportlab's own."""
    shaped = _shaped(runs, kit, language, style_name, face, lead_in=lead_in, bullet=bullet)
    if shaped is not None:
        return shaped
    text = kit.markup(runs)
    if lead_in:
        text = f"<b>{kit.markup((Text(lead_in),), face='bold')}</b> {text}"
    return _BodyPara(text, kit.styles[style_name], bulletText=bullet)


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


def _reader_date(date: datetime.date | None, language: str) -> str:
    """The date as the article's readers write it (CLDR), "" for an undated article."""
    return of(language).date(date) if date is not None else ""


def _furniture(text: str, kit: _Kit, language: str, style_name: str, face: str) -> Any:
    """A line over the story (subtitle, byline, notice), shaped where its script needs it."""
    runs = (Text(text),)
    return _shaped(runs, kit, language, style_name, face) or Para(kit.markup(runs, face=face), kit.styles[style_name])


def _shaped(
    runs: tuple[Inline, ...],
    kit: _Kit,
    language: str,
    style_name: str,
    face: str = "regular",
    lead_in: str | None = None,
    bullet: str | None = None,
) -> shaping.ShapedParagraph | None:
    """The paragraph laid out by `publish.render.shaping` when reportlab alone would set
    it wrongly (Arabic, Hebrew, Devanagari) or the article runs right to left; else None."""
    rtl = of(language).rtl
    if not rtl and not shaping.needs_shaping(plain_text(runs) + (lead_in or "")):
        return None
    spans = [shaping.Span(lead_in, "bold"), shaping.Span(" ")] if lead_in else []
    spans += shaping.spans(runs, face, kit.style["editorial"]["colour"])
    return shaping.ShapedParagraph(
        spans, kit.styles[style_name], _palette(kit.fonts), language, "R" if rtl else None, bullet=bullet
    )


def _shaped_headline(
    title: str, language: str, kit: _Kit, key: str, in_contents: bool, article: bool = True, plain: str | None = None
) -> _ShapedHeadline | None:
    """The headline set by the shaper when its script or its language needs it (an
    article's, or with `article` False a digest's title), else None."""
    if not of(language).rtl and not shaping.needs_shaping(title):
        return None
    return _ShapedHeadline(
        [shaping.Span(title, "bold")],
        kit.styles["headline"],
        _palette(kit.fonts),
        language,
        "R" if of(language).rtl else None,
        plain=plain or title,
        key=key,
        in_contents=in_contents,
        article=article,
    )


@lru_cache(maxsize=8)
def _palette(fonts: FontSet) -> shaping.Palette:
    """The families of shaped paragraphs: the body family, then the declared chain."""
    families = [find_family(name) for name in (fonts.family, *fallback_families(fonts.family))]
    return shaping.Palette(tuple((_register_family(family), family) for family in families))


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """One frame, without padding, exactly the style's text block (so the page furniture
    can be aligned to it); feeds headlines to the table of contents (collections build in
    two passes) and tells the canvas when a page has begun to fill."""

    def __init__(self, *args: Any, entry_markup: Callable[[str], str] = escape, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Contents entries as paragraph markup (escaped, fallback fonts marked).
        self.entry_markup = entry_markup
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="text",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def build(self, flowables: Iterable[Any], *args: Any, **kwargs: Any) -> None:
        """reportlab takes each flowable from the front of its list (`del flowables[0]`),
        which moves the rest: a story of a million paragraphs took minutes in memmove."""
        super().build(_Story(flowables), *args, **kwargs)

    def afterFlowable(self, flowable: Any) -> None:
        if not isinstance(flowable, (ActionFlowable, PageBreak, Spacer)):  # page breaks, multiBuild markers
            self.canv.page_begun = True
        if isinstance(flowable, (_Headline, _ShapedHeadline)) and flowable.in_contents:
            # Numbered as in the text edition's contents ("article-3" -> "3. Title").
            number = flowable.key.rsplit("-", 1)[-1]
            entry = f"{number}. {flowable.plain}"
            if isinstance(flowable, _ShapedHeadline):  # set by `_Contents` as the headline is, shaped
                self.notify("TOCEntry", (0, entry, self.page, flowable.key, flowable.language))
            else:
                self.notify("TOCEntry", (0, self.entry_markup(entry), self.page, flowable.key))


class _Story:
    """A story as reportlab's build uses it, every operation at its front and O(1)
    (reportlab takes the first flowable of a list with `del flowables[0]`, which moves
    all the others: a million paragraphs spent minutes there). Flowables are made from
    `flowables` only as the build reaches them, one past the first that does not keep
    with the next (so reportlab's look-ahead sees every chain whole)."""

    def __init__(self, flowables: Iterable[Any]) -> None:
        #: Flowables put back at the front, last first (the front is the list's end).
        self._front: list[Any] = []
        #: Flowables made ahead, in order, and those still to make.
        self._ahead: deque[Any] = deque()
        self._rest: Iterator[Any] | None = iter(flowables)
        if isinstance(flowables, list):  # taken over, as reportlab consumes the list it is given
            self._ahead, self._rest = deque(flowables), None
            flowables.clear()

    def _make(self, count: int) -> None:
        """Have at least `count` flowables made (fewer only when the story ends)."""
        while self._rest is not None and len(self._front) + len(self._ahead) < count:
            made = next(self._rest, None)
            if made is None:
                self._rest = None
            else:
                self._ahead.append(made)

    def __len__(self) -> int:
        chain = 0
        while True:
            self._make(chain + 2)
            if chain >= len(self._front) + len(self._ahead) or not self[chain].getKeepWithNext():
                return len(self._front) + len(self._ahead)
            chain += 1

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        self._make(index + 1)
        if index < len(self._front):
            return self._front[-1 - index]
        return self._ahead[index - len(self._front)]

    def __setitem__(self, index: slice, flowables: list[Any]) -> None:
        if not isinstance(index, slice) or (index.start or 0, index.stop) != (0, 0):
            raise TypeError("only an insertion at the front (story[0:0] = ...) is supported")
        self._front.extend(reversed(flowables))

    def __delitem__(self, index: int | slice) -> None:
        start, stop = (index.start or 0, index.stop) if isinstance(index, slice) else (index, index + 1)
        if start != 0 or stop is None:
            raise TypeError("only flowables at the front can be removed")
        self._make(stop)
        for _ in range(stop):
            if self._front:
                self._front.pop()
            elif self._ahead:
                self._ahead.popleft()

    def insert(self, index: int, flowable: Any) -> None:
        if index != 0:
            raise TypeError("only an insertion at the front is supported")
        self._front.append(flowable)


def _typeset(
    story: Iterable[Any],
    kit: _Kit,
    furniture: _Furniture,
    stamp: datetime.datetime,
    paper: tuple[float, float],
    info: dict[str, Any],
    multi: bool = False,
) -> bytes:
    page = kit.style["page"]
    out = io.BytesIO()
    doc = _Document(
        out,
        pagesize=paper,
        leftMargin=page["margin_inside"],
        rightMargin=page["margin_outside"],
        topMargin=page["margin_top"],
        bottomMargin=page["margin_bottom"],
        title=info["title"],
        author=info["author"],
        subject=info["subject"],
        keywords=keywords_text(info["keywords"]),
        creator=f"publish {__version__}",
        producer="publish (reportlab)",
        invariant=1,
        lang=info["lang"],
        initialFontName=kit.fonts.regular,
        initialFontSize=kit.style["body"]["size"],
        initialLeading=kit.style["body"]["leading"],
        displayDocTitle=1,
        entry_markup=lambda text: kit.markup((Text(text),)),
    )
    maker = partial(_NumberedCanvas, furniture=furniture, stamp=stamp, info=info)
    if multi:
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return out.getvalue()


def preflight(article: Article, options: RenderOptions = RenderOptions()) -> tuple[str, ...]:
    """Warn about characters no font of the chain can print (found in one pass over the
    article's distinct characters); refuse words no page can hold."""
    for text in (article.title, *article.body_texts()):
        # Chinese and Japanese have no spaces: their "words" break between characters.
        longest = max(
            (len(part) for word in text.split() if len(word) > MAX_WORD for part in linebreak.parts(word)), default=0
        )
        if longest > MAX_WORD:
            raise InputError(
                f"a word of {longest:,} characters cannot be typeset (the limit is {MAX_WORD:,})",
                path=article.source_path,
                hint="break the text with spaces",
            )
    fonts = font_set(pdf_font_family(options.template_dirs, options.font))
    lacking = _lacking(fonts.main_coverage)
    outside_main: set[str] = set()
    for value in (article.title, *article.body_texts(), article.author, article.source, article.date_iso):
        outside_main.update(lacking.findall(value or ""))
    missing = sorted(ch for ch in outside_main if fonts.font_for(ch) is None)
    if not missing:
        return ()
    unprintable = _scripts_without_font(article, missing, outside_main, fonts)
    if unprintable:
        raise EditionError(
            f"no font of the PDF has the {' or '.join(unprintable)} script: this article's PDF cannot be "
            "made (its other editions are written)",
            path=article.source_path,
            hint="give --font a .ttf file that has the script",
        )
    message = missing_glyphs_message(missing)
    if options.strict:
        raise InputError(
            message,
            path=article.source_path,
            hint="use --font with a .ttf file that has them, or drop --strict to accept the gap",
        )
    return (message,)


#: An article is written in a script when at least this share of its letters are in it.
WRITTEN_IN_SHARE = 0.1


def _scripts_without_font(article: Article, missing: list[str], outside_main: set[str], fonts: FontSet) -> list[str]:
    """The scripts (by name) the article is written in (`WRITTEN_IN_SHARE` of its letters)
    that no font of the chain has any letter of: its PDF would print as gaps. A few letters
    of another script (a Gothic word in an English text), letters missing from a script
    that prints (an astral ideograph in Chinese), symbols (emoji) are named in a warning."""
    from fontTools.unicodedata import script, script_name

    lacking = {script(ch) for ch in missing if unicodedata.category(ch).startswith("L")}
    lacking -= {script(ch) for ch in outside_main if fonts.font_for(ch) is not None} | {"Zyyy", "Zinh", "Zzzz"}
    if not lacking:
        return []
    letters = [ch for text in (article.title, *article.body_texts()) for ch in text if ch.isalpha()]
    counts: dict[str, int] = {}
    for ch in letters:
        if ch in outside_main:
            code = script(ch)
            counts[code] = counts.get(code, 0) + 1
    return [script_name(code) for code in sorted(lacking) if counts.get(code, 0) >= WRITTEN_IN_SHARE * len(letters)]


#: A warning names at most this many missing characters, then counts the rest.
MISSING_NAMED = 12


def missing_glyphs_message(missing: list[str]) -> str:
    """One line for every character no font of the chain has (an article in a script
    publish has no font for lacks hundreds: the first few are named, the rest counted).
    It says what the PDF does: such a character is neither drawn (PDF viewers draw no
    .notdef glyph; a gap stands in its place) nor in the text layer."""
    names = ", ".join(f"{ch} U+{ord(ch):04X}" for ch in missing[:MISSING_NAMED])
    more = f" and {len(missing) - MISSING_NAMED:,} more" if len(missing) > MISSING_NAMED else ""
    them = "it" if len(missing) == 1 else "them"
    return (
        f"{len(missing):,} character{'s' if len(missing) > 1 else ''} in no font of the PDF "
        f"({names}{more}): the PDF leaves {them} out"
    )


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


#: The font reportlab read from each file, so a file that serves several faces (the
#: upright italic of an upright family, every face of the CJK font: 3.4 MB) is read once.
_READ: dict[Path, TTFont] = {}


@lru_cache(maxsize=64)
def _register(path: Path, name: str) -> str:
    # Subsets hold only the glyphs used; reportlab's default also copies every ASCII
    # glyph into each subset (to keep content streams ASCII-readable), which triples the
    # work for a headline or byline face. Text is extracted through ToUnicode either way.
    font = _READ.get(path)
    if font is None:
        font = _READ[path] = TTFont(name, str(path), asciiReadable=False)
    else:  # another name for a face already read: reportlab maps it to that font
        font = copy.copy(font)
        font.fontName = name
    pdfmetrics.registerFont(font)
    return name


def _tag(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum())


@lru_cache(maxsize=8)
def font_set(name: str) -> FontSet:
    """Register the body family with reportlab once per process."""
    family = find_family(name)
    base = _register_family(family)
    return FontSet(family.name, base, f"{base}-bold", f"{base}-italic", f"{base}-bolditalic", coverage(family.regular))


#: Registered family name -> code points its regular face has.
_FAMILY_COVERAGE: dict[str, frozenset[int]] = {}


@lru_cache(maxsize=16)
def _register_family(family: FontFamily) -> str:
    """Register four faces and their family mapping; return the regular face's name."""
    base = "Publish-" + _tag(family.name)
    _FAMILY_COVERAGE[base] = coverage(family.regular)
    faces = {
        face: _register(getattr(family, face), base if face == "regular" else f"{base}-{face}")
        for face in ("regular", "bold", "italic", "bolditalic")
    }
    pdfmetrics.registerFontFamily(
        base, normal=faces["regular"], bold=faces["bold"], italic=faces["italic"], boldItalic=faces["bolditalic"]
    )
    return base


#: The face a run is set in, once it is also italic.
_ITALIC_OF = {"regular": "italic", "bold": "bolditalic", "italic": "italic", "bolditalic": "bolditalic"}
_BOLD_OF = {"regular": "bold", "bold": "bold", "italic": "bolditalic", "bolditalic": "bolditalic"}


def inline_markup(
    runs: tuple[Inline, ...], fonts: FontSet, editorial_colour: str, face: str = "regular", *, coloured: bool = False
) -> str:
    """reportlab paragraph markup for a run tree; all text escaped, fallback fonts marked.
    `face` is the face the surrounding text is set in (a headline is bold), so that a
    fallback font is asked for the same face. An insertion inside an insertion (`coloured`)
    opens no second colour and italic: deep nesting costs no markup to parse per piece."""
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(_with_fallbacks(run.text, fonts, face))
        elif isinstance(run, Editorial):
            inner = inline_markup(run.children, fonts, editorial_colour, _ITALIC_OF[face], coloured=True)
            parts.append(inner if coloured else f'<font color="{editorial_colour}"><i>{inner}</i></font>')
        elif isinstance(run, Emphasis):
            inner_face = _BOLD_OF[face] if run.strong else _ITALIC_OF[face]
            inner = inline_markup(run.children, fonts, editorial_colour, inner_face, coloured=coloured)
            parts.append(f"<b>{inner}</b>" if run.strong else f"<i>{inner}</i>")
        elif isinstance(run, Link):
            inner = inline_markup(run.children, fonts, editorial_colour, face, coloured=coloured)
            parts.append(f'<a href="{escape(run.href, _ATTRIBUTE)}">{inner}</a>')
        else:  # a quotation: its marks are in its text
            parts.append(inline_markup(run.children, fonts, editorial_colour, face, coloured=coloured))
    return "".join(parts)


#: Characters escaped in a markup attribute's value, beyond `&`, `<` and `>`.
_ATTRIBUTE = {'"': "&quot;"}


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
    size = max(CHUNK // 4, min(CHUNK, CHUNK * len(text) // (CHUNK_WORD * (text.count(" ") + 1))))
    cuts: list[int] = []
    position = 0
    while len(text) - position > size * 2:
        window_start, target = position + size // 2, position + size
        cut = text.rfind(". ", window_start, target)
        cut = cut + 2 if cut >= 0 else text.rfind(" ", window_start, target) + 1
        cut = cut if cut > position else target
        cuts.append(cut)
        position = cut
    pieces, _ = _cut(runs, 0, cuts)
    return [tuple(pieces.get(index, ())) for index in range(len(cuts) + 1)]


def _cut(runs: tuple[Inline, ...], offset: int, cuts: list[int]) -> tuple[dict[int, list[Inline]], int]:
    """The run tree (starting at character `offset`) cut at the sorted offsets `cuts`, in one walk
    (nesting kept): {piece index: its runs}, and the tree's length. One walk, not one per piece,
    keeps a paragraph of thousands of pieces linear."""
    pieces: dict[int, list[Inline]] = {}
    start = offset
    for run in runs:
        if isinstance(run, Text):
            end, position = offset + len(run.text), offset
            index = bisect_right(cuts, position)
            while position < end:
                stop = min(end, cuts[index]) if index < len(cuts) else end
                pieces.setdefault(index, []).append(Text(run.text[position - offset : stop - offset]))
                position, index = stop, index + 1
            offset = end
            continue
        inner, length = _cut(run.children, offset, cuts)
        for index, children in inner.items():
            pieces.setdefault(index, []).append(with_children(run, tuple(children)))
        offset += length
    return pieces, offset - start


def _subject(article: Article) -> str:
    """Where and for whom: the dateline as filed (without its closing mark), else the place."""
    where = article.dateline.filed.rstrip(" .\u0589\u0964:\u2014\u2013-") if article.dateline else article.located
    return " — ".join(part for part in (where, article.source) if part)


def _keywords(article: Article) -> list[str]:
    """What a catalogue can search by: the source and the place (the language and the
    identifier have fields of their own)."""
    return [part for part in (article.source, article.place) if part]


def keywords_text(keywords: list[str]) -> str:
    """Keywords as one string; ";" separates them, since a place holds commas ("BAKU, Azerbaijan")."""
    return "; ".join(keywords)


def _widen_reportlab_hyphenation() -> None:
    """reportlab hyphenates only words made of its own list of letters, after stripping
    quotation marks and punctuation from its own lists. The letter list lacks ё and ə and
    apostrophes ("government’s"), the mark lists lack guillemets and low quotes («word»,
    „word“), so such words were never hyphenated and left gaping lines. Widen its module-
    level patterns (read at each call) to every letter and those marks."""
    from reportlab.platypus import paragraph

    paragraph._hy_pfx_pat = re.compile("^['\"(\\[{\xbf\u2018\u201a\u201c\u201e\u00ab\u2039]+")
    paragraph._hy_sfx_pat = re.compile("[\\]'\")}?!.,;:\u2019\u201b\u201d\u201f\u00bb\u203a\u201c]+$")
    paragraph._hy_letters_pat = re.compile("^(?:[^\\W\\d_]|['\u2019])+$")
    paragraph._hy_shy_letters_pat = re.compile("^(?:[^\\W\\d_]|['\u2019\\-\xad])+$")


_widen_reportlab_hyphenation()


class _NoStart:
    """reportlab's table of the characters a line may not begin with (`ALL_CANNOT_START`,
    read at each call), answered by `linebreak.no_start`: its own lacks ，！？ 》 ” and more."""

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and linebreak.no_start(char)


reportlab_paragraph.ALL_CANNOT_START = _NoStart()


class Para(reportlab_paragraph.Paragraph):  # type: ignore[misc]
    """reportlab's paragraph, whose CJK line breaker (style `wordWrap="CJK"`: Chinese and
    Japanese) is held to kinsoku. reportlab breaks between any two characters and, when
    the character that overflows may not begin a line, hangs it in the margin; but it
    hangs only one, so the second of "。”" begins the next line, and it has no rule for
    opening marks, so "“" or "「" may end a line. A line that breaks so is shortened to
    its last break that `linebreak.may_break` allows, and the rest laid out again."""

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


@lru_cache(maxsize=16)
def hyphenator(language: str) -> Callable[[str], Any] | None:
    """reportlab's hyphenation callback for a language (word -> (head, tail) pairs, longest
    head first), or None without patterns. The language's minima say how short a word is
    never broken and how many letters a break keeps before and after it; a
    word that has a hyphen of its own breaks only there (reportlab's embedded hyphenation)."""
    import pyphen

    patterns = of(language).hyphenation
    if not patterns:
        return None
    left, right, shortest = of(language).hyphenation_minima
    dictionary = pyphen.Pyphen(lang=patterns, left=left, right=right)

    def pairs(word: str) -> Any:
        if len(word) < shortest or "-" in word or "\u00ad" in word:
            return ()
        return [
            (head, tail)
            for head, tail in dictionary.iterate(word)  # "governmen-t’s" counts letters only
            if sum(map(str.isalpha, tail)) >= right and sum(map(str.isalpha, head)) >= left
        ]

    return pairs


def _paragraph_styles(style: dict[str, Any], fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    """Justified and hyphenated where the lines stay even (the language's `justified`);
    ragged-right elsewhere, hyphenated where the language has patterns (justifying
    unhyphenated Armenian or Georgian opens gaps of three or four spaces). Chinese and
    Japanese break between characters and indent by whole characters."""
    body = style["body"]
    hyphenate = hyphenator(language)
    base = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=body["size"],
        leading=body["leading"],
        alignment=TA_JUSTIFY if hyphenate and of(language).justified else TA_LEFT,
        firstLineIndent=body["first_line_indent"],
        hyphenationLang=hyphenate or "",
        hyphenationMinWordLength=of(language).hyphenation_minima[2],
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
        spaceShrinkage=SPACE_SHRINK,
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
    )
    characters = of(language).character_indent
    if characters:  # Chinese and Japanese: lines break between characters, held to kinsoku (`Para`)
        base.wordWrap = "CJK"
        base.firstLineIndent = characters * body["size"]
    headline = ParagraphStyle(
        "headline",
        parent=base,
        fontName=fonts.bold,
        fontSize=style["headline"]["size"],
        leading=style["headline"]["leading"],
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        embeddedHyphenation=0,
        spaceAfter=8,
        keepWithNext=1,
    )
    styles = {
        "body": base,
        # Space above the lead, not a Spacer: headline and byline keep with the lead's
        # first lines (a Spacer between them would let a page end after the byline).
        "lead": ParagraphStyle("lead", parent=base, firstLineIndent=0, spaceBefore=body["leading"]),
        "continued": ParagraphStyle("continued", parent=base, firstLineIndent=0),
        "headline": headline,
        "next-headline": ParagraphStyle("next-headline", parent=headline, spaceBefore=body["leading"] * 2),
        "meta": ParagraphStyle(
            "meta",
            parent=base,
            fontName=fonts.italic,
            fontSize=style["meta"]["size"],
            leading=style["meta"]["leading"],
            alignment=TA_LEFT,
            firstLineIndent=0,
            hyphenationLang="",
            textColor=HexColor(style["meta"]["colour"]),
        ),
    }
    styles["byline"] = ParagraphStyle("byline", parent=styles["meta"], keepWithNext=1)
    # A second headline: the body's face, a size between it and the headline's.
    styles["subtitle"] = ParagraphStyle(
        "subtitle",
        parent=base,
        fontSize=body["size"] * 1.3,
        leading=body["size"] * 1.3 * 1.25,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceAfter=6,
        keepWithNext=1,
    )
    # The story's own structure: a subheading kept with what follows it, list items with
    # their bullet or number hanging in the margin of the text, a quotation set in.
    styles["subheading"] = ParagraphStyle(
        "subheading",
        parent=base,
        fontName=fonts.bold,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceBefore=body["leading"] / 2,
        keepWithNext=1,
    )
    indent = body["first_line_indent"] + body["size"]
    styles["item"] = ParagraphStyle(
        "item",
        parent=base,
        firstLineIndent=0,
        leftIndent=indent,
        bulletIndent=indent - body["size"] * 1.2,
        bulletFontName=fonts.regular,  # reportlab's default is Helvetica: not embedded
        bulletFontSize=body["size"],
    )
    styles["quote"] = ParagraphStyle(
        "quote", parent=base, firstLineIndent=0, leftIndent=indent, rightIndent=indent, spaceBefore=2, spaceAfter=2
    )
    styles["contents-label"] = ParagraphStyle(
        "contents-label",
        parent=base,
        fontName=fonts.bold,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceAfter=body["leading"] / 2,
    )
    return styles


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
            canvas.addOutlineEntry(self.plain, self.key, level=0, closed=False)
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

    def __init__(self, kit: _Kit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kit = kit

    def notify(self, kind: str, stuff: tuple[Any, ...]) -> None:
        if kind == self._notifyKind:
            self._entries.append(tuple(stuff))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        shaped = [entry for entry in self._lastEntries if len(entry) == 5]
        if not shaped:
            return super().wrap(available_width, available_height)  # type: ignore[no-any-return]
        style = self.getLevelStyle(0)
        rows: list[list[Any]] = []
        for entry in self._lastEntries:
            if len(entry) == 5:
                _, text, page, key, language = entry
                rows.append([_ShapedEntry(text, page, key, language, style, self.kit)])
            else:
                _, text, page, key = entry
                rows.append([_ContentsEntry(text, page, key, style, self.kit)])
        self._table = Table(rows, colWidths=(available_width,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height


class _ContentsEntry(Flowable):  # type: ignore[misc]
    """A contents entry not in a shaped script, beside shaped ones: a paragraph, a link
    to its article, the page number flush at the line's end."""

    def __init__(self, markup: str, page: int, key: str, style: ParagraphStyle, kit: _Kit) -> None:
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


class _ShapedEntry(Flowable):  # type: ignore[misc]
    """A contents entry in a shaped script: the number and title shaped in the title's
    direction, the page number at the end side of its first line, a link over all."""

    def __init__(self, text: str, page: int, key: str, language: str, style: ParagraphStyle, kit: _Kit) -> None:
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
            canvas.addOutlineEntry(self.plain, self.key, level=0, closed=False)
            canvas.showOutline()
            canvas.begin_article(self.plain)
        super().draw()


@dataclass(frozen=True)
class _Furniture:
    """Running head from page 2 (the article's title, or in a digest the article running at
    the top of the page, and the reader's date), source credit and "n of N" on every page,
    set flush with the text block."""

    date: str
    credit: str | None
    kit: _Kit
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


def _text_width(text: str, fonts: FontSet, size: float, italic: bool = False) -> float:
    """Width of a line of furniture as `_draw_text` sets it, each run in the font of the
    chain that has it (a shaped line, as the body family measures it)."""
    if fonts.covers(text) or shaping.needs_shaping(text):
        return pdfmetrics.stringWidth(text, fonts.italic if italic else fonts.regular, size)  # type: ignore[no-any-return]
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in _font_runs(text, fonts, italic))


def _font_runs(text: str, fonts: FontSet, italic: bool = False) -> list[tuple[str, str]]:
    """`text` cut into runs of one font: the body family's face, or the face of the
    chain's family that has the run's characters."""
    main = fonts.italic if italic else fonts.regular
    runs: list[tuple[str, str]] = []
    for ch in text:
        fallback = fonts.font_for(ch)
        font = (f"{fallback}-italic" if italic else fallback) if fallback else main
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


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


class _Info(PDFInfo):  # type: ignore[misc]
    """The Info dictionary without empty entries: an article with no source or place has
    no Keywords at all rather than an empty one (reportlab writes every key)."""

    def format(self, document: Any) -> bytes:
        entries: dict[str, Any] = {"Title": PDFString(self.title)}
        for key, value in (("Author", self.author), ("Subject", self.subject), ("Keywords", self.keywords)):
            if value:
                entries[key] = PDFString(value)
        entries["ModDate"] = entries["CreationDate"] = PDFDate(
            ts=document._timeStamp, dateFormatter=self._dateFormatter
        )
        entries.update(
            Producer=PDFString(self.producer), Creator=PDFString(self.creator), Trapped=PDFName(self.trapped)
        )
        return PDFDictionary(entries).format(document)  # type: ignore[no-any-return]


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Defers page furniture to the end so every page can say "n of N"; stamps the
    document with the edition's own time instead of the clock or the environment."""

    def __init__(
        self, *args: Any, furniture: _Furniture, stamp: datetime.datetime, info: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._info = info
        self._stamp = stamp
        self._pages: list[dict[str, Any]] = []
        #: The article running at the top of the current page, and the one last begun.
        self.page_article = self.last_article = str(info["title"])
        self.page_begun = False
        #: Destinations asked for on the page being drawn: bound to their page when it is
        #: written (at `save`), since the page object exists only then.
        self._bookmarks: list[tuple[Any, ...]] = []
        seconds = int(stamp.timestamp())
        fixed = TimeStamp(invariant=1)
        fixed.t = seconds
        fixed.lt = fixed.YMDhms = tuple(stamp.astimezone(datetime.UTC).timetuple())[:6]
        fixed.dhh = fixed.dmm = 0
        document = self._doc
        document.info = _Info()
        document._timeStamp = fixed
        document.signature = md5(b"a reportlab document" + ascii(seconds).encode(), usedforsecurity=False)

    def begin_article(self, title: str) -> None:
        """A headline is drawn: it names the page when nothing stands above it."""
        if not self.page_begun:
            self.page_article = title
        self.last_article = title

    def bookmarkPage(self, *args: Any, **kwargs: Any) -> None:
        """Remember the destination; `save` makes it on the page it belongs to (made now,
        every destination of a deferred document would point at page 1)."""
        self._bookmarks.append((args, kwargs))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.page_article, self.page_begun = self.last_article, False
        self._bookmarks = []

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total, self.page_article)
            for args, kwargs in state["_bookmarks"]:
                super().bookmarkPage(*args, **kwargs)
            super().showPage()
        catalog = self._doc.Catalog
        if total == 1:
            catalog.setPageMode("UseNone")  # nothing to navigate: open on the page itself
        catalog.Metadata = PDFStream(
            PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
            xmp_packet(self._info, self._stamp, self._doc.info.creator, self._doc.info.producer),
            filters=[],
        )
        super().save()


#: XMP namespaces (ISO 16684-1; Dublin Core, Adobe PDF, XMP basic).
_XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def xmp_packet(info: dict[str, Any], stamp: datetime.datetime, creator_tool: str, producer: str) -> bytes:
    """A Dublin Core XMP packet saying what the Info dictionary says (title, creator,
    description, keywords, dates) plus language, identifier, date and publisher; built from
    the edition's own time, never the clock, so it is byte-reproducible."""
    when = stamp.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'

    def listed(kind: str, values: list[str]) -> str:
        return f"<rdf:{kind}>" + "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values) + f"</rdf:{kind}>"

    fields = [
        ("dc:format", "application/pdf"),
        ("dc:title", alt(info["title"])),
        ("dc:creator", listed("Seq", info["creators"]) if info["creators"] else ""),
        ("dc:description", alt(info["subject"]) if info["subject"] else ""),
        ("dc:date", listed("Seq", [info["date"]]) if info["date"] else ""),
        ("dc:language", listed("Bag", [info["lang"]])),
        ("dc:identifier", escape(info["identifier"])),
        ("dc:publisher", listed("Bag", [info["publisher"]]) if info["publisher"] else ""),
        ("dc:source", escape(info["source"]) if info["source"] else ""),
        ("pdf:Keywords", escape(keywords_text(info["keywords"])) if info["keywords"] else ""),
        ("pdf:Producer", escape(producer)),
        ("xmp:CreatorTool", escape(creator_tool)),
        ("xmp:CreateDate", when),
        ("xmp:ModifyDate", when),
        ("xmp:MetadataDate", when),
    ]
    # The news facts of the one mapping table (publish.metadata) that the fields above do
    # not already say: where it was filed, its credit, its creation date.
    said = {name for name, _ in fields}
    facts = info.get("facts", {})
    fields += [
        (term, escape(str(facts[item.name]))) for item, term in terms("xmp") if term not in said and item.name in facts
    ]
    prefixes = {name.split(":")[0] for name, value in fields if value}
    namespaces = " ".join(
        f'xmlns:{prefix}="{uri}"' for prefix, uri in {**_XMP_NAMESPACES, **NAMESPACES}.items() if prefix in prefixes
    )
    body = "\n".join(f"   <{name}>{value}</{name}>" for name, value in fields if value)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" {namespaces}>\n{body}\n  </rdf:Description>\n'
        ' </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()
