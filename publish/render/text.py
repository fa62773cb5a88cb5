"""The archival plain-text edition.

Its layout is a format, not a theme: a `Key: Value` header (long values folded onto
indented lines), a blank line, then paragraphs wrapped by display width and split by
one blank line. `publish.parse` reads it back to the same article, which is what makes
this file a master copy rather than a printout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii
from wcwidth import wcswidth

from publish.model import Article, Collection, make_slug
from publish.options import RenderOptions


def render_text(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """UTF-8 without BOM, NFC, LF line ends, one final newline."""
    return _render(article, options.width, lambda text: text).encode("utf-8")


def render_ascii(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A 7-bit transliteration (anyascii) for legacy systems; a companion, not a master."""
    return _render(article, options.width, anyascii).encode("ascii", "replace")


def render_collection_text(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest: its own header, a numbered contents list, then each article as a complete
    text edition of its own, between rules (so each can be cut out and parsed alone)."""
    width = options.width
    lines: list[str] = []
    fields = [("Title", collection.title), ("Date", collection.date_iso), ("Language", collection.language),
              ("Articles", str(len(collection.articles))), ("Words", str(collection.words)),
              ("Identifier", collection.identifier)]
    for key, value in fields:
        if value:
            lines.extend(wrap(value, width, first_prefix=f"{key}: ", next_prefix="  "))
    lines += ["", "Contents", ""]
    for number, article in enumerate(collection.articles, start=1):
        lines.extend(wrap(article.title, width, first_prefix=f"{number:>4}. ", next_prefix="      "))
    for article in collection.articles:
        lines += ["", "=" * min(width, 72), ""]
        lines.append(_render(article, width, lambda text: text).rstrip("\n"))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _render(article: Article, width: int, transform: Callable[[str], str]) -> str:
    lines: list[str] = []
    for key, value in header_fields(article):
        lines.extend(wrap(transform(value), width, first_prefix=f"{key}: ", next_prefix="  "))
    for text in article.body_texts():
        lines.append("")
        lines.extend(wrap(transform(text), width))
    return "\n".join(lines) + "\n"


def header_fields(article: Article) -> list[tuple[str, str]]:
    """The self-description an archivist reads first; absent values are left out."""
    fields = [
        ("Title", article.title),
        ("Date", article.date_iso),
        ("Dateline", article.dateline.text if article.dateline else None),
        ("Author", article.author),
        ("Source", article.source),
        ("Language", article.language),
        ("Words", str(len(article.words))),
        ("Slug", None if article.slug == make_slug(article.title, article.date) else article.slug),
        ("Identifier", article.identifier),
    ]
    return [(key, value) for key, value in fields if value]


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Columns a terminal gives `text` (East Asian wide characters count two). Cached:
    natural text repeats its words, and wcswidth is the text edition's hot spot."""
    if text.isascii():
        return len(text)
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def wrap(text: str, width: int, first_prefix: str = "", next_prefix: str = "") -> list[str]:
    """Greedy fill by display width. Words are never broken, so a single word wider than
    the column (a long URL) stands alone on an over-long line rather than being split."""
    lines: list[str] = []
    current = first_prefix
    current_width = display_width(first_prefix)
    empty = True
    for word in text.split():
        word_width = display_width(word)
        if empty:
            current += word
            current_width += word_width
            empty = False
        elif current_width + 1 + word_width <= width:
            current += " " + word
            current_width += 1 + word_width
        else:
            lines.append(current)
            current = next_prefix + word
            current_width = display_width(next_prefix) + word_width
    lines.append(current)
    return lines
