"""publish: plain-text news articles -> EPUB, PDF and archival plain text.

`read` (a path, bytes or text -> Article, cleaned as a file is), `write` (Article ->
one edition's bytes) and `convert` (files -> editions in a folder, through the builder)
are the API; `build`, `collect` and the renderers are there for finer control.

The public API is imported lazily: importing `publish`, the model or a renderer loads
neither the builder nor the CLI, and `publish --help` and text-only builds never load
reportlab, ebooklib or jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publish.version import __version__

if TYPE_CHECKING:
    from publish.api import convert, read, write
    from publish.building.builder import build
    from publish.digest import collect
    from publish.errors import PublishError
    from publish.model import Article
    from publish.options import RenderOptions
    from publish.readers import parse_article
    from publish.render.epub import render_epub
    from publish.render.pdf import render_pdf
    from publish.render.text import render_text

_EXPORTS = {
    "Article": "publish.model",
    "PublishError": "publish.errors",
    "RenderOptions": "publish.options",
    "build": "publish.building.builder",
    "convert": "publish.api",
    "read": "publish.api",
    "write": "publish.api",
    "collect": "publish.digest",
    "parse_article": "publish.readers",
    "render_epub": "publish.render.epub",
    "render_pdf": "publish.render.pdf",
    "render_text": "publish.render.text",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'publish' has no attribute {name!r}")
