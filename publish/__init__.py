"""publish: plain-text news articles -> EPUB, PDF and archival plain text.

The public API is imported lazily so that `publish --help` and text-only builds stay
fast (reportlab and ebooklib load only when an EPUB or PDF is rendered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# `build` is both a submodule and the API function; binding the function here, after the
# submodule is imported, keeps `from publish import build` the function.
from publish.build import build  # noqa: E402

if TYPE_CHECKING:
    from publish.errors import PublishError
    from publish.model import Article
    from publish.options import RenderOptions
    from publish.parse import parse_article
    from publish.render.epub import render_epub
    from publish.render.pdf import render_pdf
    from publish.render.text import render_text

_EXPORTS = {
    "Article": "publish.model",
    "PublishError": "publish.errors",
    "RenderOptions": "publish.options",
    "parse_article": "publish.parse",
    "render_epub": "publish.render.epub",
    "render_pdf": "publish.render.pdf",
    "render_text": "publish.render.text",
}
__all__ = [*_EXPORTS, "build", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'publish' has no attribute {name!r}")
