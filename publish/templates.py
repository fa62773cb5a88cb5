"""Where the look lives: the jinja2 environment over the template search path.

A user's template folders come first, so one file can be overridden without copying
the rest (the Pelican/Sphinx theme model). Article text only ever reaches templates as
data, never as template source, and XHTML templates are autoescaped.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.model import Editorial, Quotation, Text

if TYPE_CHECKING:
    import jinja2

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def default_template_dir() -> Path:
    """The built-in templates: package data when installed, `templates/` in a checkout."""
    return _PACKAGE_TEMPLATES if _PACKAGE_TEMPLATES.is_dir() else _SOURCE_TEMPLATES


def search_path(user_dirs: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    return (*user_dirs, default_template_dir())


@lru_cache(maxsize=8)
def environment(user_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """One environment per search path, cached so a worker loads templates once. (jinja2
    is imported here: the process that only schedules and writes never needs it.)"""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search_path(user_dirs)]),
        autoescape=jinja2.select_autoescape(["xhtml", "html", "xml", "svg", "opf", "ncx"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["text_run"] = lambda run: isinstance(run, Text)
    env.tests["quotation"] = lambda run: isinstance(run, Quotation)
    env.tests["editorial"] = lambda run: isinstance(run, Editorial)
    return env


def read_bytes(name: str, user_dirs: tuple[Path, ...] = ()) -> bytes:
    """A static file (stylesheet, style sheet for the PDF) from the search path."""
    for folder in search_path(user_dirs):
        candidate = folder / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError(name)


@lru_cache(maxsize=8)
def load_style(template_dirs: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The PDF style file (`pdf/style.toml`), first match on the search path."""
    return tomllib.loads(read_bytes("pdf/style.toml", template_dirs).decode("utf-8"))


def pdf_font_family(template_dirs: tuple[Path, ...] = (), font: str | None = None) -> str:
    """The PDF body family: the one the user named, else the style file's."""
    return font or str(load_style(template_dirs)["fonts"]["family"])
