"""The one table of editions, and everything derived from it.

Formats, file suffixes, which editions a digest has, which files the manifest covers and
what `publish check` looks at all come from `EDITIONS`. Adding an edition means one entry
here and one renderer module with `render_<name>(article, options) -> bytes` (and,
for digests, `render_collection_<name>(collection, options) -> bytes`; optionally
`preflight(article, options) -> warnings`). Renderer modules are imported on first use,
so a text-only build never loads reportlab or ebooklib.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.errors import EditionError, InputError, InternalError, OptionsError, PublishError


@dataclass(frozen=True)
class Lazy:
    """A function of a module imported on its first call: the table names its checkers as
    callables without importing them (`publish check` alone needs pypdf or EPUBCheck).
    Equal and hashable by what it names, so editions sharing a checker are checked together."""

    module: str
    name: str

    def function(self) -> Callable[..., Any]:
        return getattr(importlib.import_module(self.module), self.name)  # type: ignore[no-any-return]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function()(*args, **kwargs)


def lazy(module: str, name: str) -> Lazy:
    return Lazy(module, name)


#: A checker: an edition's files and the report to add problems and notes to.
Checker = Callable[[list[Path], Any], None]


@dataclass(frozen=True)
class Edition:
    """One kind of output file."""

    name: str
    #: File name ending, after the slug and a dot.
    suffix: str
    #: Module holding the renderer(s).
    module: str
    #: The article renderer's function name in `module`.
    function: str
    #: The digest renderer's function name, or None when digests have no such edition.
    collection_function: str | None
    #: Built when no --format is given.
    default: bool
    #: What it is, for help texts.
    description: str
    #: What validates files of this edition (`publish check`): called with the edition's
    #: files and the `publish.check.CheckReport` to add to.
    checker: Checker


EDITIONS: tuple[Edition, ...] = (
    Edition(
        "epub",
        "epub",
        "publish.render.epub",
        "render_epub",
        "render_collection_epub",
        True,
        "EPUB 3 for e-readers",
        lazy("publish.check", "check_epubs"),
    ),
    Edition(
        "pdf",
        "pdf",
        "publish.render.pdf",
        "render_pdf",
        "render_collection_pdf",
        True,
        "PDF for printing",
        lazy("publish.check", "check_pdfs"),
    ),
    Edition(
        "txt",
        "txt",
        "publish.render.text",
        "render_text",
        "render_collection_text",
        True,
        "archival plain text (UTF-8)",
        lazy("publish.check", "check_texts"),
    ),
    Edition(
        "ascii",
        "ascii.txt",
        "publish.render.text",
        "render_ascii",
        None,
        False,
        "7-bit transliteration of the text edition, beside it (--ascii)",
        lazy("publish.check", "check_texts"),
    ),
    Edition(
        "ninjs",
        "json",
        "publish.render.ninjs",
        "render_ninjs",
        "render_collection_ninjs",
        False,
        "IPTC ninjs 2.2 JSON",
        lazy("publish.check", "check_ninjs"),
    ),
)
BY_NAME: dict[str, Edition] = {edition.name: edition for edition in EDITIONS}
DEFAULT_FORMATS: tuple[str, ...] = tuple(edition.name for edition in EDITIONS if edition.default)
#: File name endings of edition files (longest first, so `.ascii.txt` wins over `.txt`).
SUFFIXES: tuple[str, ...] = tuple(sorted({f".{edition.suffix}" for edition in EDITIONS}, key=len, reverse=True))
#: Editions that need the plain-text master beside them.
COMPANIONS: dict[str, str] = {"ascii": "txt"}

Renderer = Callable[[Any, Any], bytes]


def edition(name: str) -> Edition:
    try:
        return BY_NAME[name]
    except KeyError:
        raise OptionsError(f"unknown format {name!r}", hint=f"choose from {', '.join(BY_NAME)}") from None


def parse_formats(value: str | Sequence[str]) -> tuple[str, ...]:
    """`"epub,pdf"` -> ("epub", "pdf"), checked, in the table's order. A companion edition
    (ascii) brings its master (txt): the master is never left out."""
    names = value.split(",") if isinstance(value, str) else list(value)
    chosen = set()
    for name in names:
        if not isinstance(name, str):
            raise OptionsError(f"format {name!r} is not a name", hint=f"choose from {', '.join(BY_NAME)}")
        if name.strip():
            chosen.add(edition(name.strip().lower()).name)
    if not chosen:
        raise OptionsError("no format given", hint=f"choose from {', '.join(BY_NAME)}")
    chosen |= {COMPANIONS[name] for name in chosen if name in COMPANIONS}
    return tuple(entry.name for entry in EDITIONS if entry.name in chosen)


def edition_of(file: str) -> Edition | None:
    """The edition a file name belongs to (the longest suffix wins: `.ascii.txt` over `.txt`)."""
    for edition in sorted(EDITIONS, key=lambda entry: len(entry.suffix), reverse=True):
        if not file.startswith(".") and file.endswith(f".{edition.suffix}"):
            return edition
    return None


def file_name(slug: str, name: str) -> str:
    return f"{slug}.{BY_NAME[name].suffix}"


#: The name of an edition file: a slug (`a-z0-9` words joined by hyphens), for an older
#: version of an agency item kept in `versions/` its label (`.v3`), and a suffix. Anything
#: else in an output folder (`notes.txt`, a name with a space or a newline) is the user's,
#: never an edition.
EDITION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.v[a-z0-9]+)?(?:" + "|".join(map(re.escape, SUFFIXES)) + ")")


def is_edition_file(file: str) -> bool:
    return EDITION_NAME.fullmatch(file) is not None


def renderer(name: str) -> Renderer:
    entry = edition(name)
    return getattr(importlib.import_module(entry.module), entry.function)  # type: ignore[no-any-return]


def collection_renderer(name: str) -> Renderer | None:
    entry = edition(name)
    if entry.collection_function is None:
        return None
    return getattr(importlib.import_module(entry.module), entry.collection_function)  # type: ignore[no-any-return]


def preflight(name: str) -> Callable[[Any, Any], tuple[str, ...]] | None:
    """A renderer module's optional `preflight(document, options) -> warnings` check (for
    example glyphs no font has); under `--strict` it raises instead of warning."""
    return getattr(importlib.import_module(edition(name).module), "preflight", None)


def render_all(
    document: Any,
    formats: Sequence[str],
    options: Any,
    warnings: list[str] | None = None,
    *,
    collection: bool = False,
    unmade: list[PublishError] | None = None,
) -> dict[str, bytes]:
    """Every requested edition in memory; any failure raises before anything is written,
    except (given `unmade`) an edition that alone cannot be made (`EditionError`): it is
    left out, its error appended to `unmade`, the others made.

    The renderers' preflight warnings are appended to `warnings` (for a digest, each
    article is checked). Library errors become ours here, naming the user's file.
    """
    editions: dict[str, bytes] = {}
    path = getattr(document, "source_path", None)
    articles = document.articles if collection else (document,)
    for name in formats:
        render = collection_renderer(name) if collection else renderer(name)
        if render is None:
            continue
        try:
            check = preflight(name)
            if check is not None:
                for article in articles:
                    found = check(article, options)
                    if warnings is not None:
                        warnings.extend(found)
            editions[name] = render(document, options)
        except EditionError as error:
            if unmade is None:
                raise error.located(path) from error
            unmade.append(error.located(path))
        except PublishError as error:
            raise error.located(path) from error
        except Exception as error:
            raise map_render_error(error, name, path) from error
    return editions


def _in_user_template(error: BaseException) -> tuple[str, int] | None:
    """The innermost frame of `error`'s traceback that runs a template file from a
    --templates folder (jinja2 gives template frames their file and line), if any: then
    the error (an undefined name, a division by zero) is in the user's template."""
    import traceback
    from pathlib import Path

    from publish.templates import default_template_dir

    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        name = frame.filename
        if (
            not name.endswith(".py")
            and Path(name).is_file()
            and not Path(name).resolve().is_relative_to(default_template_dir().resolve())
        ):
            return name, frame.lineno or 0
    return None


def map_render_error(error: Exception, name: str, path: str | None) -> PublishError:
    """A library's exception, as the user's problem where it is one, else as our bug."""
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        return OptionsError(
            f"template error: {error.message}",
            path=error.filename or error.name,
            line=error.lineno,
            hint="fix the template in your --templates folder",
        )
    placed = _in_user_template(error)
    if placed is not None:
        filename, line = placed
        return OptionsError(
            f"template error: {type(error).__name__}: {error}",
            path=filename,
            line=line,
            hint="fix the template in your --templates folder",
        )
    if isinstance(error, jinja2.TemplateError):
        return OptionsError(
            f"template error in the {name} edition: {error}", hint="fix the template in your --templates folder"
        )
    if isinstance(error, RecursionError):
        return InputError(
            "the text is nested too deeply to typeset", path=path, hint="check the quotation marks and brackets"
        )
    if isinstance(error, MemoryError):
        return InputError(f"not enough memory to render the {name} edition", path=path)
    if type(error).__name__ == "LayoutError":  # reportlab: a flowable that fits on no page
        return InputError(
            f"cannot lay out the {name} edition: {error}",
            path=path,
            hint="check the page margins in pdf/style.toml, or break up very long lines",
        )
    return InternalError(
        f"could not render the {name} edition: {type(error).__name__}: {error}",
        path=path,
        hint="this is a bug in publish; run with --verbose and report it",
    )
