"""Where the look lives: the jinja2 environment over the template search path.

A user's template folders come first, so one file can be overridden without copying
the rest (the Pelican/Sphinx theme model). Article text only ever reaches templates as
data, never as template source, and XHTML templates are autoescaped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.model import (
    BlockQuote,
    Editorial,
    Emphasis,
    Heading,
    Link,
    ListBlock,
    Paragraph,
    Quotation,
    Separator,
    Text,
)

if TYPE_CHECKING:
    import jinja2

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
_SOURCE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def default_template_dir() -> Path:
    """The built-in templates: package data when installed, `templates/` in a checkout."""
    return _PACKAGE_TEMPLATES if _PACKAGE_TEMPLATES.is_dir() else _SOURCE_TEMPLATES


#: What a template can ask of a node of the model (`{% if block is heading %}`).
TEMPLATE_TESTS: dict[str, Callable[[object], bool]] = {
    "text_run": lambda node: isinstance(node, Text),
    "quotation": lambda node: isinstance(node, Quotation),
    "editorial": lambda node: isinstance(node, Editorial),
    "emphasis": lambda node: isinstance(node, Emphasis) and not node.strong,
    "strong": lambda node: isinstance(node, Emphasis) and node.strong,
    "link": lambda node: isinstance(node, Link),
    "paragraph": lambda node: isinstance(node, Paragraph),
    "heading": lambda node: isinstance(node, Heading),
    "item_list": lambda node: isinstance(node, ListBlock),
    "block_quote": lambda node: isinstance(node, BlockQuote),
    "separator": lambda node: isinstance(node, Separator),
}


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
    for name, test in TEMPLATE_TESTS.items():
        env.tests[name] = test
    return env


def read_bytes(name: str, user_dirs: tuple[Path, ...] = ()) -> bytes:
    """A static file (stylesheet, style sheet for the PDF) from the search path."""
    for folder in search_path(user_dirs):
        candidate = folder / name
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError(name)


#: What the PDF style file holds: section -> key -> (kind, lowest, highest). Numbers are
#: points; the margin limits keep a text block on the smallest paper (A4's 595 pt width),
#: and every key is required (a style file replaces the built-in one whole).
STYLE_KEYS: dict[str, dict[str, tuple[str, float, float]]] = {
    "page": {
        "margin_top": ("number", 0, 250),
        "margin_bottom": ("number", 0, 250),
        "margin_inside": ("number", 0, 200),
        "margin_outside": ("number", 0, 200),
    },
    "fonts": {"family": ("text", 1, 200)},
    "body": {"size": ("number", 4, 72), "leading": ("number", 4, 100), "first_line_indent": ("number", 0, 100)},
    "headline": {"size": ("number", 4, 96), "leading": ("number", 4, 120)},
    "dateline": {"size": ("number", 4, 72)},
    "meta": {"size": ("number", 4, 72), "leading": ("number", 4, 100), "colour": ("colour", 0, 0)},
    "editorial": {"colour": ("colour", 0, 0)},
}
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_EXPECTED = {"number": "a number of points", "text": "text", "colour": 'a colour such as "#333333"'}


@lru_cache(maxsize=8)
def load_style(template_dirs: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The PDF style file (`pdf/style.toml`), first match on the search path, checked
    against `STYLE_KEYS`: one error naming the file, line, key and what was expected."""
    from publish.errors import OptionsError

    path = style_path(template_dirs)
    try:
        text = path.read_bytes().decode("utf-8")
        style = tomllib.loads(text)
    except OSError as error:
        raise OptionsError(f"cannot read the style file: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise OptionsError(f"the style file is not UTF-8 (byte offset {error.start})", path=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise OptionsError(f"the style file is not valid TOML: {error}", path=str(path)) from None
    for section, keys in STYLE_KEYS.items():
        table = style.get(section)
        if not isinstance(table, dict):
            raise OptionsError(
                f"the style file needs a [{section}] table", path=str(path), line=_line(text, rf"\[{section}\]")
            )
        for key, (kind, low, high) in keys.items():
            value = table.get(key)
            line = _line(text, rf"{key}\s*=", after=rf"\[{section}\]")
            if kind == "number":
                good = isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
                expected = f"{_EXPECTED[kind]} from {low:g} to {high:g}"
            elif kind == "colour":
                good, expected = isinstance(value, str) and _COLOUR.fullmatch(value) is not None, _EXPECTED[kind]
            else:
                good = isinstance(value, str) and low <= len(value.strip()) <= high
                expected = _EXPECTED[kind]
            if not good:
                found = "missing" if value is None else f"{value!r}"
                raise OptionsError(
                    f"[{section}] {key} must be {expected}, not {found}",
                    path=str(path),
                    line=line,
                    hint="compare with templates/pdf/style.toml",
                )
    return style


def style_path(template_dirs: tuple[Path, ...] = ()) -> Path:
    """The style file in use: the first `pdf/style.toml` on the search path."""
    for folder in search_path(template_dirs):
        candidate = folder / "pdf" / "style.toml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("pdf/style.toml")


def _line(text: str, pattern: str, after: str | None = None) -> int | None:
    """The line of the first match of `pattern` (after the first match of `after`)."""
    start = 0
    if after is not None:
        anchor = re.search(after, text)
        if anchor is None:
            return None
        start = anchor.end()
    found = re.compile(pattern, re.MULTILINE).search(text, start)
    return text.count("\n", 0, found.start()) + 1 if found else None


def pdf_font_family(template_dirs: tuple[Path, ...] = (), font: str | None = None) -> str:
    """The PDF body family: the one the user named, else the style file's."""
    return font or str(load_style(template_dirs)["fonts"]["family"])
