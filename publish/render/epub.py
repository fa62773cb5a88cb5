"""The EPUB 3 edition (with an NCX for EPUB 2 readers), packaged by ebooklib.

The XHTML comes from our own autoescaped jinja2 templates and reaches ebooklib as
finished bytes (ebooklib's own HTML re-serialisation would rewrite our markup). The
ZIP that ebooklib writes is then re-packed with fixed timestamps and order, so the same
article always gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile

from ebooklib import epub

from publish.model import Article
from publish.options import ZIP_EPOCH, RenderOptions
from publish.templates import environment, read_bytes

ARTICLE_FILE = "article.xhtml"
NAV_FILE = "nav.xhtml"
STYLE_FILE = "css/article.css"


def render_epub(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A complete, valid, reproducible EPUB of one article."""
    env = environment(options.template_dirs)
    book = epub.EpubBook()
    book.set_identifier(article.identifier)
    book.set_title(article.title)
    book.set_language(article.language)
    if article.author:
        book.add_author(article.author)
    if article.date:
        book.add_metadata("DC", "date", article.date_iso)
    if article.source:
        book.add_metadata("DC", "source", article.source)
    if options.publisher:
        book.add_metadata("DC", "publisher", options.publisher)

    style = epub.EpubItem(uid="style", file_name=STYLE_FILE, media_type="text/css",
                          content=read_bytes("epub/article.css", options.template_dirs))
    body = _document("article", ARTICLE_FILE, env.get_template("epub/article.xhtml").render(
        article=article, publisher=options.publisher))
    nav = _document("nav", NAV_FILE, env.get_template("epub/nav.xhtml").render(
        article=article, contents_label="Contents",
        entries=[{"href": ARTICLE_FILE, "title": article.title}],
        landmarks=[{"type": "toc", "href": NAV_FILE, "title": "Contents"},
                   {"type": "bodymatter", "href": ARTICLE_FILE, "title": article.title}],
    ), properties=["nav"])
    for item in (style, body, nav):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.toc = [epub.Link(ARTICLE_FILE, article.title, "article")]
    book.spine = [body, (nav, "no")]

    raw = io.BytesIO()
    epub.write_epub(raw, book, {
        "mtime": options.timestamp(article),
        "epub2_guide": False, "epub3_landmark": False, "epub3_pages": False,
    })
    return repack(raw.getvalue(), options.timestamp(article).timetuple()[:6])


def _document(uid: str, file_name: str, xhtml: str, properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml",
                         content=xhtml.encode("utf-8"))
    item.properties = properties or []
    return item


def repack(data: bytes, date_time: tuple[int, ...] = ZIP_EPOCH.timetuple()[:6]) -> bytes:
    """Rewrite a ZIP with one timestamp, fixed permissions and `mimetype` first and stored."""
    date_time = max(tuple(date_time), ZIP_EPOCH.timetuple()[:6])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    entries.sort(key=lambda entry: (entry[0] != "mimetype", entry[0] != "META-INF/container.xml"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
