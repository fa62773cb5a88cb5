"""The EPUB 3 edition (with an NCX for EPUB 2 readers), packaged by ebooklib.

The XHTML comes from our own autoescaped jinja2 templates and reaches ebooklib as
finished bytes (ebooklib's own HTML re-serialisation would rewrite our markup); the cover
is a JPEG drawn by `publish.render.cover`, the raster Kindle, Kobo and Apple Books expect.
ebooklib writes into a ZIP that stamps every entry with the edition's own time and
fixed permissions, so the same article always gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

from ebooklib import epub

from publish.language import of
from publish.language.scripts import has_case
from publish.metadata import article_metadata, terms
from publish.model import Article, Collection
from publish.options import ZIP_EPOCH, RenderOptions
from publish.render.cover import CoverText, render_cover
from publish.templates import environment, read_bytes
from publish.typography import block_for_reading, reader_notices, reading_text
from publish.version import __version__

ARTICLE_FILE = "article.xhtml"
COVER_FILE = "cover.xhtml"
COVER_IMAGE = "cover.jpg"
NAV_FILE = "nav.xhtml"
STYLE_FILE = "css/article.css"

#: EPUB Accessibility 1.1 claims every edition makes; the summary depends on the book.
ACCESSIBILITY: tuple[tuple[str, str], ...] = (
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
)
#: `schema:accessibilitySummary` of a single article and of a digest ({count} articles).
SUMMARIES = {
    "article": "A single news article in reflowable text with a heading, marked dateline, quotations and "
    "editorial insertions, a table of contents and a cover image described by alternative text. "
    "No hazards; all content is available as text.",
    "digest": "A digest of {count} news articles in reflowable text, one chapter each with its own heading, "
    "language, marked dateline, quotations and editorial insertions, a table of contents listing "
    "every article and a cover image described by alternative text. No hazards; all content is "
    "available as text.",
}

#: The model's creator roles as MARC relators, which EPUB 3 refines `dc:creator` with.
MARC_ROLES: dict[str, str] = {
    "writer": "aut",
    "editor": "edt",
    "photographer": "pht",
    "translator": "trl",
    "contributor": "ctb",
}


def render_epub(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A complete, valid, accessible, reproducible EPUB of one article."""
    creators = [(c.name, c.role) for c in article.creators] or ([(article.source, "writer")] if article.source else [])
    return _package(
        title=reading_text(article.title, article.language),
        language=article.language,
        identifier=article.identifier,
        date_iso=article.date_iso,
        creators=creators,
        sources=[article.source] if article.source else [],
        articles=[article],
        options=options,
        summary=SUMMARIES["article"],
        cover=CoverText(
            title=reading_text(article.title, article.language),
            kicker=options.publisher or "",
            author=of(article.language).join([creator.name for creator in article.creators]),
            place=article.place or "",
            date=of(article.language).date(article.date) if article.date else "",
            credit=article.source or "",
            language=article.language,
        ),
        modified=options.timestamp(article),
    )


def render_collection_epub(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """One book of many articles: a chapter each, in the navigation and the NCX."""
    sources = sorted({a.source for a in collection.articles if a.source})
    authors = sorted({(c.name, c.role) for a in collection.articles for c in a.creators if c.role == "writer"})
    count = len(collection.articles)
    credit = " \u00b7 ".join(sources[:3]) + (" \u2026" if len(sources) > 3 else "")
    return _package(
        title=collection.title,
        language=collection.language,
        identifier=collection.identifier,
        date_iso=collection.date_iso,
        creators=authors or [(name, "writer") for name in ([options.publisher] if options.publisher else sources)],
        sources=sources,
        articles=list(collection.articles),
        options=options,
        modified=options.timestamp(collection),
        summary=SUMMARIES["digest"].format(count=count),
        cover=CoverText(
            title=collection.title,
            kicker=options.publisher or "",
            place=of(collection.language).article_count(count),
            date=of(collection.language).date(collection.date) if collection.date else "",
            credit=credit,
            language=collection.language,
        ),
    )


def _package(
    *,
    title: str,
    language: str,
    identifier: str,
    date_iso: str | None,
    creators: list[tuple[str, str]],
    sources: list[str],
    articles: list[Article],
    options: RenderOptions,
    cover: CoverText,
    summary: str,
    modified: datetime.datetime,
) -> bytes:
    env = environment(options.template_dirs)
    book = epub.EpubBook()
    # The edition names its maker, as the PDF's Creator does; ebooklib's own stamp would
    # tie the bytes to whichever ebooklib version happens to be installed.
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": f"publish {__version__}"})
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(language)
    if of(language).rtl:
        book.set_direction("rtl")  # spine page-progression-direction="rtl"
    for index, (creator, role) in enumerate(creators):
        book.add_author(creator, role=MARC_ROLES[role], uid=f"creator-{index}")
    if date_iso:
        book.add_metadata("DC", "date", date_iso)
    for source in sources:
        book.add_metadata("DC", "source", source)
    publisher = options.publisher or (sources[0] if len(sources) == 1 else None)
    if publisher:
        book.add_metadata("DC", "publisher", publisher)
    for prop, value in (*ACCESSIBILITY, ("schema:accessibilitySummary", summary)):
        book.add_metadata(None, "meta", value, {"property": prop})
    if len(articles) == 1:
        # schema.org NewsArticle facts of the one mapping table (publish.metadata) that
        # Dublin Core has no element for: where the story was filed, its length.
        facts = article_metadata(articles[0])
        for item, term in terms("opf"):
            if term.startswith("schema:") and item.name in facts:
                book.add_metadata(None, "meta", str(facts[item.name]), {"property": term})
    # EPUB 2's cover pointer, which Kindle (KDP, calibre) and Kobo read for the thumbnail.
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    style = epub.EpubItem(
        uid="style",
        file_name=STYLE_FILE,
        media_type="text/css",
        content=read_bytes("epub/article.css", options.template_dirs),
    )
    cover_image = epub.EpubItem(
        uid="cover-image", file_name=COVER_IMAGE, media_type="image/jpeg", content=render_cover(cover)
    )
    cover_image.properties = ["cover-image"]
    alt = cover_description(cover)
    cover_page = _document(
        "cover",
        COVER_FILE,
        env.get_template("epub/cover.xhtml").render(
            title=title,
            language=language,
            image=COVER_IMAGE,
            alt=alt,
            cover_label=of(language).label("cover"),
            direction=of(language).direction,
        ),
    )
    names = [ARTICLE_FILE] if len(articles) == 1 else [f"article-{n:04}.xhtml" for n in range(1, len(articles) + 1)]
    chapters = [
        _document(
            "article" if len(articles) == 1 else f"article-{n:04}",
            name,
            env.get_template("epub/article.xhtml").render(
                article=article,
                publisher=options.publisher,
                # The chapter's furniture in its own language (a digest may mix them).
                credit=of(article.language).label("source", source=article.source) if article.source else "",
                published_by=(
                    of(article.language).label("published_by", publisher=options.publisher) if options.publisher else ""
                ),
                hyphenate=of(article.language).epub_hyphenates,
                # As the PDF sets them: quotes, dashes, ranges, no-break spaces (the model keeps the wire's text).
                headline=reading_text(article.title, article.language),
                subtitle=reading_text(article.subtitle, article.language) if article.subtitle else "",
                notices=reader_notices(article),
                byline=of(article.language).join(article.writers),
                lead_in=reading_text(article.lead_in or "", article.language),
                blocks=[block_for_reading(block, article.language) for block in article.blocks],
                date_text=of(article.language).date(article.date) if article.date else "",
                dateline_cased=bool(article.lead_in) and has_case(article.lead_in or ""),
                direction=of(article.language).direction,
            ),
        )
        for n, (article, name) in enumerate(zip(articles, names), start=1)
    ]
    nav = _document(
        "nav",
        NAV_FILE,
        env.get_template("epub/nav.xhtml").render(
            title=title,
            language=language,
            contents_label=of(language).label("contents"),
            direction=of(language).direction,
            entries=[{"href": name, "title": _title(article)} for article, name in zip(articles, names)],
            landmarks=[
                {"type": "cover", "href": COVER_FILE, "title": of(language).label("cover")},
                {"type": "toc", "href": NAV_FILE, "title": of(language).label("contents")},
                {"type": "bodymatter", "href": names[0], "title": _title(articles[0])},
            ],
        ),
        properties=["nav"],
    )
    for item in (style, cover_image, cover_page, *chapters, nav):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.toc = [
        epub.Link(name, _title(article), chapter.id) for article, name, chapter in zip(articles, names, chapters)
    ]
    book.spine = [cover_page, *chapters, (nav, "no")] if len(articles) == 1 else [cover_page, nav, *chapters]
    # EPUB 2 guide for Kindle's and calibre's converters: the cover page (shown once, not
    # duplicated) and where reading starts.
    book.guide = [
        {"type": "cover", "href": COVER_FILE, "title": of(language).label("cover")},
        {"type": "text", "href": names[0], "title": _title(articles[0])},
    ]

    out = io.BytesIO()
    writer = _Writer(
        out,
        book,
        {
            "mtime": modified,
            "epub2_guide": True,
            "epub3_landmark": False,
            "epub3_pages": False,
        },
    )
    writer.process()
    writer.write()
    return out.getvalue()


def _title(article: Article) -> str:
    """An article's headline as the reader sees it (typographic quotes and dashes)."""
    return reading_text(article.title, article.language)


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, plus `xml:lang` on the package element (reading systems and
    Ace use it as the publication's language), writing into a `ReproducibleZip`."""

    def _write_opf_file(self, root: Any) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)

    def write(self) -> None:
        # ebooklib's own order: `mimetype` first (stored), then container, package, items.
        with ReproducibleZip(self.file_name, self.options["mtime"]) as self.out:
            self.out.writestr("mimetype", "application/epub+zip")
            self._write_container()
            self._write_opf()
            self._write_items()


def cover_description(cover: CoverText) -> str:
    """The cover's alternative text: everything printed on it, in reading order, named
    and punctuated in the cover's language."""
    printed = (cover.kicker, cover.title, cover.author, cover.place, cover.date, cover.credit)
    stop = of(cover.language).label("sentence_break")
    return of(cover.language).label("cover_description", printed=stop.join(part for part in printed if part))


def _document(uid: str, file_name: str, xhtml: str, properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(
        uid=uid, file_name=file_name, media_type="application/xhtml+xml", content=xhtml.encode("utf-8")
    )
    item.properties = properties or []
    return item


#: The latest time a ZIP entry can store (its year is 7 bits from 1980); a later date
#: (an article of 2150) is stamped with this instead.
ZIP_LATEST = (2107, 12, 31, 23, 59, 58)


class ReproducibleZip(zipfile.ZipFile):
    """A ZIP whose entries carry one fixed time (never before 1980 nor after 2107, which
    ZIP cannot store) and Unix permissions 0644, deflated except `mimetype` (as EPUB requires) and
    the JPEG cover (already compressed)."""

    def __init__(self, file: Any, modified: datetime.datetime = ZIP_EPOCH) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._date_time = min(max(modified.timetuple()[:6], ZIP_EPOCH.timetuple()[:6]), ZIP_LATEST)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write an entry; the caller's time, permissions and compression are replaced by ours."""
        given = zinfo_or_arcname
        filename = given.filename if isinstance(given, zipfile.ZipInfo) else given
        info = zipfile.ZipInfo(filename, date_time=self._date_time)
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        # `mimetype` must be stored; a JPEG does not deflate, so trying only costs time.
        stored = filename == "mimetype" or filename.endswith(".jpg")
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        super().writestr(info, data, compresslevel=None if stored else 6)
