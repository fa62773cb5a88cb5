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
#: points; the margin limits keep a text block on the smallest paper (A4's 595 pt width).
#: The built-in file has every key; a house style's file only those it changes.
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
#: Where a style file's error sends the user: the built-in file has every key and its range.
_STYLE_HINT = "compare with the built-in pdf/style.toml, which publish templates --copy DIR copies out"


@lru_cache(maxsize=8)
def load_style(template_dirs: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The PDF style: the built-in `pdf/style.toml`, with each `pdf/style.toml` of the
    template folders merged over it, table by table and key by key (the first folder wins),
    so a house style holds only what it changes. Every file is checked against
    `STYLE_KEYS`: one error naming the file, line, key and what was expected."""
    builtin = default_template_dir() / "pdf" / "style.toml"
    style = _style_file(builtin, complete=True)
    for folder in reversed(template_dirs):
        path = folder / "pdf" / "style.toml"
        if path.is_file():
            for section, table in _style_file(path, complete=False).items():
                style[section] = {**style[section], **table}
    return style


def _style_file(path: Path, complete: bool) -> dict[str, dict[str, Any]]:
    """One style file, checked: no table or key `STYLE_KEYS` does not know, every value of
    its kind and range, and (`complete`: the built-in file) every key there."""
    from publish.errors import OptionsError

    try:
        text = path.read_bytes().decode("utf-8")
        style = tomllib.loads(text)
    except OSError as error:
        raise OptionsError(f"cannot read the style file: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise OptionsError(f"the style file is not UTF-8 (byte offset {error.start})", path=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise OptionsError(f"the style file is not valid TOML: {error}", path=str(path)) from None
    for section, table in style.items():
        if section not in STYLE_KEYS:
            raise OptionsError(
                f"the style file has no table [{section}]",
                path=str(path),
                line=_line(text, rf"^\s*\[\s*{re.escape(section)}\s*\]") or _line(text, rf"^\s*{re.escape(section)}\b"),
                hint=f"its tables are {', '.join(f'[{name}]' for name in STYLE_KEYS)}",
            )
        if not isinstance(table, dict):
            raise OptionsError(
                f"[{section}] must be a table, not {table!r}", path=str(path), line=_line(text, rf"^\s*{section}\s*=")
            )
        for key in table:
            if key not in STYLE_KEYS[section]:
                raise OptionsError(
                    f"[{section}] has no key {key!r}",
                    path=str(path),
                    line=_key_line(text, section, re.escape(key)),
                    hint=f"the keys of [{section}] are {', '.join(STYLE_KEYS[section])}",
                )
    for section, keys in STYLE_KEYS.items():
        table = style.get(section)
        if table is None and complete:
            raise OptionsError(f"the style file needs a [{section}] table", path=str(path))
        for key, (kind, low, high) in keys.items():
            if table is None or (key not in table and not complete):
                continue
            value = table.get(key)
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
                    line=_key_line(text, section, key),
                    hint=_STYLE_HINT,
                )
    return style


def _key_line(text: str, section: str, key: str) -> int | None:
    """The line of `key = ` in `[section]`, or of a dotted `section.key = `."""
    return _line(text, rf"^\s*{key}\s*=", after=rf"^\s*\[\s*{section}\s*\]") or _line(
        text, rf"^\s*{section}\s*\.\s*{key}\s*="
    )


def copy_templates(destination: Path) -> list[Path]:
    """Copy the built-in templates into `destination` (made if missing, else it must be an
    empty folder: nothing of the user's is overwritten), to be edited and then given to
    `--templates`. Returns the files written."""
    import shutil

    from publish.errors import OptionsError, OutputError

    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise OptionsError("not a folder", path=str(destination), hint="name a new or empty folder")
    try:
        if destination.is_dir() and any(destination.iterdir()):
            raise OptionsError(
                "the folder is not empty",
                path=str(destination),
                hint="name a new or empty folder: nothing is overwritten",
            )
        source = default_template_dir()
        written = []
        for file in sorted(source.rglob("*")):
            if file.is_file() and not any(part.startswith((".", "__")) for part in file.relative_to(source).parts):
                target = destination / file.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
                written.append(target)
    except OSError as error:
        raise OutputError(
            f"cannot copy the templates: {error.strerror}", path=str(error.filename or destination)
        ) from None
    return written


def _line(text: str, pattern: str, after: str | None = None) -> int | None:
    """The line of the first match of `pattern` (after the first match of `after`)."""
    start = 0
    if after is not None:
        anchor = re.compile(after, re.MULTILINE).search(text)
        if anchor is None:
            return None
        start = anchor.end()
    found = re.compile(pattern, re.MULTILINE).search(text, start)
    return text.count("\n", 0, found.start()) + 1 if found else None


def pdf_font_family(template_dirs: tuple[Path, ...] = (), font: str | None = None) -> str:
    """The PDF body family: the one the user named, else the style file's."""
    return font or str(load_style(template_dirs)["fonts"]["family"])
