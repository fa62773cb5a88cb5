"""The small public API: read an article, write an edition, convert files.

Each is the path the command line takes, not a shortcut beside it: `read` reads as
`publish build` and `publish inspect` read a file (decoded, cleaned, its provenance
recorded), `write` renders as the builder does (library errors become `PublishError`s),
and `convert` is the builder itself (atomic writes, the manifest, the lock).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from publish.editions import DEFAULT_FORMATS, collection_renderer, edition, render_all
from publish.errors import OptionsError
from publish.language import DEFAULT as DEFAULT_LANGUAGE
from publish.model import Article, Collection
from publish.options import RenderOptions
from publish.readers import Source, read_from

__all__ = ["convert", "read", "write"]


def read(
    source: Source,
    *,
    name: str | None = None,
    encoding: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    keep_breaks: bool = False,
    warnings: list[str] | None = None,
) -> Article:
    """An article from a file (`Path`), its bytes, or its text (`str`, never a path).

    Whatever the source, it is read as a file is: decoded (`encoding`, else detected),
    cleaned (control characters, stray zero-width characters), its format told by the
    file ending (`name` for bytes and text: `"story.json"` reads ninjs) or by how it
    opens, its provenance recorded. `language` is assumed where the article does not say
    its own. What had to be guessed or repaired is appended to `warnings`, when given.
    Raises `PublishError` (with path, line and hint) when it is not an article.
    """
    parsed = read_from(source, name=name, encoding=encoding, default_language=language, keep_breaks=keep_breaks)
    if warnings is not None:
        warnings.extend(parsed.warnings)
    return parsed.article


def write(
    document: Article | Collection,
    format: str,
    options: RenderOptions | None = None,
    *,
    warnings: list[str] | None = None,
) -> bytes:
    """One edition of an article (or of a digest's `Collection`) as bytes.

    `format` is an edition's name (`publish.editions.EDITIONS`: epub, pdf, txt, ascii,
    ninjs). The same bytes as a build with the same options; the renderer's preflight
    warnings (glyphs no font has) are appended to `warnings`, or raised under
    `options.strict`. Raises `OptionsError` for an unknown format.
    """
    name = edition(format.strip().lower()).name
    collection = isinstance(document, Collection)
    if collection and collection_renderer(name) is None:
        raise OptionsError(f"a digest has no {name} edition", hint="choose another format")
    editions = render_all(document, (name,), options or RenderOptions(), warnings, collection=collection)
    return editions[name]


def convert(
    src: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    formats: Sequence[str] | str = DEFAULT_FORMATS,
    options: RenderOptions | None = None,
    **build_options: Any,
) -> list[Path]:
    """Build the editions of `src` (a file, a folder, or several: here a `str` is a path)
    into `out_dir`, as `publish build` does, and return the edition files written.

    An article whose editions are already up to date is not written again (`force=True`
    rewrites it). Every article is tried; if any failed, the first one's `PublishError`
    is raised after the others are written. `build_options` are `publish.build`'s
    (`encoding`, `jobs`, `layout`, `bag`, `force`, ...).
    """
    from publish.building.builder import build

    paths = [src] if isinstance(src, (str, os.PathLike)) else list(src)
    report = build(paths, out_dir, formats, options or RenderOptions(), **build_options)
    for result in report.results:
        if result.error is not None:
            raise result.error
    return [path for result in report.results for path in result.written]
