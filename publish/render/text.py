"""The archival plain-text edition, as renderers are called: `(document, options) -> bytes`.

The format itself (its header table, layout, wrapping and its reader) is
`publish.archival`; this module only chooses the encoding of each edition.
"""

from __future__ import annotations

from anyascii import anyascii

from publish.archival import display_width, header_fields, header_lines, wrap, write_article, write_collection
from publish.model import Article, Collection
from publish.options import RenderOptions

#: The format's pieces, named here too for callers that came to know them as the renderer's.
__all__ = [
    "display_width",
    "header_fields",
    "header_lines",
    "render_ascii",
    "render_collection_text",
    "render_text",
    "wrap",
]


def render_text(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """UTF-8 without BOM, NFC, LF line ends, one final newline."""
    return write_article(article, options.width).encode("utf-8")


def render_ascii(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A 7-bit transliteration (anyascii) for legacy systems; a companion, not a master."""
    return write_article(article, options.width, anyascii).encode("ascii", "replace")


def render_collection_text(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest: its header, a contents list, then each article as a complete record."""
    return write_collection(collection, options.width).encode("utf-8")
