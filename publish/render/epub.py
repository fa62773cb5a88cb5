"""The EPUB 3 edition (with an NCX for EPUB 2 readers), packaged by ebooklib.

The XHTML and SVG come from our own autoescaped jinja2 templates and reach ebooklib as
finished bytes (ebooklib's own HTML re-serialisation would rewrite our markup).
ebooklib writes into a ZIP that stamps every entry with the edition's own time and
fixed permissions, so the same article always gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

from ebooklib import epub

from publish import __version__
from publish.model import Article, Collection
from publish.options import ZIP_EPOCH, RenderOptions
from publish.scripts import direction, is_rtl
from publish.templates import environment, read_bytes

ARTICLE_FILE = "article.xhtml"
COVER_FILE = "cover.xhtml"
COVER_IMAGE = "cover.svg"
NAV_FILE = "nav.xhtml"
STYLE_FILE = "css/article.css"

#: EPUB Accessibility 1.1 claims: what the book is and how it can be read.
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
    ("schema:accessibilitySummary",
     "A single news article in reflowable text with a heading, marked dateline, quotations and "
     "editorial insertions, a table of contents and a cover image described by alternative text. "
     "No hazards; all content is available as text."),
)


def render_epub(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A complete, valid, accessible, reproducible EPUB of one article."""
    return _package(
        title=article.title, language=article.language, identifier=article.identifier,
        date_iso=article.date_iso, authors=[article.author] if article.author else [],
        sources=[article.source] if article.source else [], articles=[article], options=options,
        cover={"article": article, "place": article.dateline.place if article.dateline else "",
               "credit": article.source or "", "alt": cover_description(article)},
        modified=options.timestamp(article),
    )


def render_collection_epub(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """One book of many articles: a chapter each, in the navigation and the NCX."""
    sources = sorted({a.source for a in collection.articles if a.source})
    authors = sorted({a.author for a in collection.articles if a.author})
    dates = [a.date for a in collection.articles if a.date]
    stamp = (options.timestamp(collection.articles[0]) if options.source_date_epoch is not None or not dates
             else datetime.datetime.combine(collection.date or max(dates), datetime.time(),
                                            tzinfo=datetime.timezone.utc))
    alt = f"Cover: {collection.title}" + (f". {collection.date_iso}" if collection.date_iso else "") + \
        f". {len(collection.articles)} articles"
    return _package(
        title=collection.title, language=collection.language, identifier=collection.identifier,
        date_iso=collection.date_iso, authors=authors, sources=sources, articles=list(collection.articles),
        options=options, modified=stamp,
        cover={"article": collection, "place": f"{len(collection.articles)} articles",
               "credit": options.publisher or " · ".join(sources[:3]), "alt": alt},
    )


def _package(*, title: str, language: str, identifier: str, date_iso: str | None, authors: list[str],
             sources: list[str], articles: list[Article], options: RenderOptions, cover: dict[str, Any],
             modified: datetime.datetime) -> bytes:
    env = environment(options.template_dirs)
    book = epub.EpubBook()
    # The edition names its maker, as the PDF's Creator does; ebooklib's own stamp would
    # tie the bytes to whichever ebooklib version happens to be installed.
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": f"publish {__version__}"})
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(language)
    if is_rtl(language):
        book.set_direction("rtl")  # spine page-progression-direction="rtl"
    for author in authors:
        book.add_author(author, uid=f"creator-{authors.index(author)}")
    if date_iso:
        book.add_metadata("DC", "date", date_iso)
    for source in sources:
        book.add_metadata("DC", "source", source)
    publisher = options.publisher or (sources[0] if len(sources) == 1 else None)
    if publisher:
        book.add_metadata("DC", "publisher", publisher)
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    style = epub.EpubItem(uid="style", file_name=STYLE_FILE, media_type="text/css",
                          content=read_bytes("epub/article.css", options.template_dirs))
    cover_image = epub.EpubItem(uid="cover-image", file_name=COVER_IMAGE, media_type="image/svg+xml",
                                content=env.get_template("epub/cover.svg").render(
                                    title=title, date_iso=date_iso, language=language,
                                    place=cover["place"], alt=cover["alt"], credit=cover["credit"],
                                    kicker=options.publisher or "", **cover_layout(title)).encode("utf-8"))
    cover_image.properties = ["cover-image"]
    cover_page = _document("cover", COVER_FILE, env.get_template("epub/cover.xhtml").render(
        title=title, language=language, image=COVER_IMAGE, alt=cover["alt"], cover_label="Cover",
        direction=direction(language)))
    names = [ARTICLE_FILE] if len(articles) == 1 else [f"article-{n:04}.xhtml" for n in range(1, len(articles) + 1)]
    chapters = [
        _document("article" if len(articles) == 1 else f"article-{n:04}", name,
                  env.get_template("epub/article.xhtml").render(article=article, publisher=options.publisher,
                                                                direction=direction(article.language)))
        for n, (article, name) in enumerate(zip(articles, names), start=1)
    ]
    nav = _document("nav", NAV_FILE, env.get_template("epub/nav.xhtml").render(
        title=title, language=language, contents_label="Contents", direction=direction(language),
        entries=[{"href": name, "title": article.title} for article, name in zip(articles, names)],
        landmarks=[{"type": "cover", "href": COVER_FILE, "title": "Cover"},
                   {"type": "toc", "href": NAV_FILE, "title": "Contents"},
                   {"type": "bodymatter", "href": names[0], "title": articles[0].title}],
    ), properties=["nav"])
    for item in (style, cover_image, cover_page, *chapters, nav):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.toc = [epub.Link(name, article.title, chapter.id)
                for article, name, chapter in zip(articles, names, chapters)]
    book.spine = [cover_page, *chapters, (nav, "no")] if len(articles) == 1 else \
        [cover_page, nav, *chapters]

    out = io.BytesIO()
    writer = _Writer(out, book, {
        "mtime": modified, "epub2_guide": False, "epub3_landmark": False, "epub3_pages": False,
    })
    writer.process()
    writer.write()
    return out.getvalue()


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


def cover_description(article: Article) -> str:
    """The cover's alternative text: everything printed on it, in words."""
    parts = [f"Cover: {article.title}"]
    if article.dateline:
        parts.append(article.dateline.place)
    if article.date_iso:
        parts.append(article.date_iso)
    if article.source:
        parts.append(article.source)
    return ". ".join(parts)


def cover_layout(title: str) -> dict[str, object]:
    """Break the headline into lines that fit the cover, shrinking the type for long ones."""
    size = 104 if len(title) <= 40 else 88 if len(title) <= 70 else 72
    per_line = int(1100 / (size * 0.55))
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word if len(word) <= per_line else word[: per_line - 1] + "\u2026")
    lines = lines[:9]
    leading = int(size * 1.2)
    top = 520 + size
    return {"title_lines": lines, "title_size": size, "title_leading": leading, "title_top": top,
            "rule_y": top + (len(lines) - 1) * leading + 110}


def _document(uid: str, file_name: str, xhtml: str, properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=xhtml.encode("utf-8"))
    item.properties = properties or []
    return item


class ReproducibleZip(zipfile.ZipFile):
    """A ZIP whose entries carry one fixed time (never before 1980, which ZIP cannot
    store) and Unix permissions 0644, deflated except `mimetype`, as EPUB requires."""

    def __init__(self, file: Any, modified: datetime.datetime = ZIP_EPOCH) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._date_time = max(modified.timetuple()[:6], ZIP_EPOCH.timetuple()[:6])

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        """Write an entry; the caller's time, permissions and compression are replaced by ours."""
        given = zinfo_or_arcname
        filename = given.filename if isinstance(given, zipfile.ZipInfo) else given
        info = zipfile.ZipInfo(filename, date_time=self._date_time)
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        stored = filename == "mimetype"
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        super().writestr(info, data, compresslevel=None if stored else 6)
