"""The document: page template, the story as reportlab consumes it, the canvas that defers
page furniture to the end (so every page can say "n of N"), and the two entry points."""

from __future__ import annotations

import datetime
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from hashlib import md5
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, PageBreak, PageTemplate, Spacer
from reportlab.platypus.doctemplate import ActionFlowable

from publish.language import of
from publish.metadata import article_metadata
from publish.model import (
    Article,
    Collection,
    Text,
)
from publish.options import RenderOptions
from publish.render.pdf.flowables import _Contents, _Headline, _ShapedHeadline
from publish.render.pdf.furniture import _Furniture
from publish.render.pdf.kit import Kit
from publish.render.pdf.metadata import (
    MetadataStream,
    _Info,
    _keywords,
    _subject,
    keywords_text,
    output_intents,
    xmp_packet,
)
from publish.render.pdf.story import Para, _article_story, _reader_date, _shaped, _shaped_headline
from publish.render.pdf.tagging import Node, Tagger, TaggingFrame, tag
from publish.typography import reading_text, smarten
from publish.version import __version__

PAPER: dict[str, tuple[float, float]] = {"A4": A4, "LETTER": LETTER}
#: Regions that print on US Letter by default.
LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR", "SV"})


def paper_for(article: Article, options: RenderOptions) -> tuple[float, float]:
    """The chosen paper, else Letter for US/Canadian/... articles, else A4."""
    if options.paper and options.paper.upper() != "AUTO":
        return PAPER[options.paper.upper()]
    region = next((part for part in article.language.split("-")[1:] if len(part) == 2), "")
    return PAPER["LETTER"] if region.upper() in LETTER_REGIONS else PAPER["A4"]


def render_pdf(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A printable, font-embedded, reproducible PDF of one article."""
    kit = Kit.make(article.language, options)
    root = Node("Document", lang=article.language)
    story = _article_story(article, kit, key="headline", parent=root)
    furniture = _Furniture(_reader_date(article.date, article.language), article.source, kit, article.language)
    return _typeset(
        story,
        root,
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
    kit = Kit.make(collection.language, options)
    body = kit.style["body"]
    language = collection.language
    root = Node("Document", lang=language)
    title = root.child("H1")
    dated = root.child("P")
    contents_heading = root.child("H2")
    contents_node = root.child("TOC")
    contents = _Contents(
        kit,
        # One entry a line, "3. Title", each in its article's language.
        {
            f"article-{number}": contents_node.child(
                "TOCI", lang=article.language, describes=f"{number}. {smarten(article.title)}"
            )
            for number, article in enumerate(collection.articles, start=1)
        },
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
    shaped_title = _shaped_headline(collection.title, language, kit, "digest", in_contents=False, article=False)
    if shaped_title is not None:
        title.actual_text = collection.title
    story: list[Any] = [
        tag(
            shaped_title
            or _Headline(
                kit.markup((Text(reading_text(collection.title, language)),), face="bold"),
                kit.styles["headline"],
                collection.title,
                "digest",
                in_contents=False,
                article=False,
            ),
            title,
        )
    ]
    if date:
        story.append(tag(Para(kit.markup((Text(date),), face="italic"), kit.styles["meta"]), dated))
    # The contents page is labelled, as the text edition's list is, in the digest's language.
    label = of(language).label("contents")
    shaped_label = _shaped((Text(label),), kit, language, "contents-label", "bold")
    if shaped_label is not None:
        contents_heading.actual_text = label
    story += [
        Spacer(1, kit.style["body"]["leading"]),
        tag(
            shaped_label or Para(kit.markup((Text(label),), face="bold"), kit.styles["contents-label"]),
            contents_heading,
        ),
        tag(contents, contents_node),
        PageBreak(),
    ]
    for number, article in enumerate(collection.articles, start=1):
        story += _article_story(
            article,
            kit,
            key=f"article-{number}",
            in_contents=True,
            headline_style="headline" if number == 1 else "next-headline",
            parent=root.child("Art", lang=article.language),
            level=2,
        )
    stamp = options.timestamp(collection)
    furniture = _Furniture(date, options.publisher, kit, collection.language)
    paper = paper_for(collection.articles[0], options)
    sources = sorted({article.source for article in collection.articles if article.source})
    return _typeset(
        story,
        root,
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


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """One frame, without padding, exactly the style's text block (so the page furniture
    can be aligned to it); feeds headlines to the table of contents (collections build in
    two passes) and tells the canvas when a page has begun to fill."""

    def __init__(self, *args: Any, entry_markup: Callable[[str], str] = escape, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Contents entries as paragraph markup (escaped, fallback fonts marked).
        self.entry_markup = entry_markup
        frame = TaggingFrame(
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
    root: Node,
    kit: Kit,
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
    maker = partial(_NumberedCanvas, furniture=furniture, stamp=stamp, info=info, root=root)
    if multi:
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return out.getvalue()


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Defers page furniture to the end so every page can say "n of N"; stamps the
    document with the edition's own time instead of the clock or the environment."""

    def __init__(
        self,
        *args: Any,
        furniture: _Furniture,
        stamp: datetime.datetime,
        info: dict[str, Any],
        root: Node,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        #: The structure tree, and what this canvas drew for each of its elements.
        self.root = root
        self.tagger = Tagger()
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
        document.archival = True  # PDF/A's stream syntax (`internals`)
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
        self.tagger.new_page()
        self.page_article, self.page_begun = self.last_article, False
        self._bookmarks = []

    def drawText(self, text: Any) -> None:
        """A list item's first text is its bullet or number: its label."""
        if self.tagger.pending is not None:
            self.tagger.label(self, lambda: super(_NumberedCanvas, self).drawText(text))
        else:
            super().drawText(text)

    def drawString(self, *args: Any, **kwargs: Any) -> None:
        if self.tagger.pending is not None:  # a shaped list item's bullet
            self.tagger.label(self, lambda: super(_NumberedCanvas, self).drawString(*args, **kwargs))
        else:
            super().drawString(*args, **kwargs)

    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:
        """Every annotation publish makes is a link: tagged, described and printable."""
        node = self.tagger.open
        contents = (node.describes if node is not None else None) or _link_target(annotation)
        key = self.tagger.annotation(annotation, contents)
        super()._addAnnotation(annotation, name, addtopage)
        self.tagger.linked(key, self._annotationrefs[-1])

    def _setAnnotations(self, page: Any) -> None:
        """The page being made: it is told its key in the parent tree at `save`."""
        super()._setAnnotations(page)
        self._made_page = page

    def save(self) -> None:
        total = len(self._pages)
        page_refs = []
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total, self.page_article)
            for args, kwargs in state["_bookmarks"]:
                super().bookmarkPage(*args, **kwargs)
            page_refs.append(self._doc.thisPageRef())
            super().showPage()
            # reportlab writes only the page keys it knows: these two are added to its list.
            page = self._made_page
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = self.tagger.next_key + number - 1
            page.Tabs = PDFName("S")  # links are visited in the order of the structure
        catalog = self._doc.Catalog
        structure, _ = self.tagger.write(self._doc, self.root, page_refs)
        catalog.StructTreeRoot = structure
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        if total == 1:
            catalog.setPageMode("UseNone")  # nothing to navigate: open on the page itself
        catalog.Metadata = MetadataStream(
            xmp_packet(self._info, self._stamp, self._doc.info.creator, self._doc.info.producer)
        )
        # reportlab writes only the catalog keys it knows: OutputIntents is added to its list.
        catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
        catalog.OutputIntents = output_intents(self._doc)
        super().save()


def _link_target(annotation: Any) -> str:
    """Where a link annotation leads, in words: its URI (a link of the text)."""
    if isinstance(annotation, PDFDictionary) and "A" in annotation.dict:
        uri = annotation["A"].dict.get("URI")
        if uri is not None:
            return str(uri.s)
    return "link"
