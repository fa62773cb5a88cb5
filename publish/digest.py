"""Digests: many articles published as one book, through the same path as one article.

The articles are read by the same reader, rendered with the same options (preflight and
`--strict` included), their editions written as one set under the folder's lock, and the
digest is recorded in the folder's state, so a digest never overwrites the editions of
an article or another digest that happen to share its slug, and is skipped when nothing
it is made from has changed.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from publish.building.install import BuildState, NewSet
from publish.building.record import stat_of
from publish.editions import DEFAULT_FORMATS, collection_renderer, file_name, parse_formats, render_all
from publish.errors import InputError, OptionsError, OutputError
from publish.feed import standing
from publish.inputs import collect_sources, read_input
from publish.language import DEFAULT
from publish.model import Article, Collection, make_slug
from publish.options import RenderOptions
from publish.output import clear_leftovers, folder_lock, make_staging, prepare_output, stage
from publish.readers import read_from
from publish.settings import single_line


@dataclass(frozen=True)
class DigestResult:
    """What `collect` did."""

    slug: str
    written: tuple[Path, ...] = ()
    #: (file, warning): the file is the input it is about, None for the digest's own.
    warnings: tuple[tuple[str | None, str], ...] = ()
    #: True when the digest's editions were up to date and nothing was rendered.
    skipped: bool = False
    #: Articles in the digest, and articles of the inputs left out (an older version, a kill, an embargo).
    articles: int = 0
    left_out: int = 0
    seconds: float = 0.0
    #: A dry run's: the editions a build would write (none when up to date), and why it would.
    planned: tuple[Path, ...] = ()
    reason: str | None = None


def collect(
    paths: Iterable[str | Path],
    out_dir: str | Path = "dist",
    title: str = "Digest",
    *,
    date: datetime.date | None = None,
    keep_order: bool = False,
    formats: Sequence[str] = DEFAULT_FORMATS,
    options: RenderOptions = RenderOptions(),
    encoding: str | None = None,
    default_language: str = DEFAULT,
    keep_breaks: bool = False,
    force: bool = False,
    now: datetime.datetime | None = None,
    ignore_embargo: bool = False,
    dry_run: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_read: Callable[[], None] | None = None,
) -> DigestResult:
    """Build one digest of many articles; any bad article is an error (a digest is whole).
    Articles are sorted by date (undated last), then title, unless `keep_order`. Of a
    feed's items it holds the newest version of each, none killed or (at `now`) embargoed.
    `on_start(n)` is told how many articles will be read, `on_read()` after each (a progress
    bar). With `dry_run` the articles are read and nothing is written (not the folder, its
    lock or its record): the result says whether the digest would be built, and why."""
    started = time.perf_counter()
    try:
        title = single_line(title)
    except ValueError as error:
        raise OptionsError(f"--title {title!r}: {error}", hint="give the digest a title of plain text") from None
    if not title:
        raise OptionsError("the digest's --title is empty", hint="give the digest a title")
    asked = parse_formats(formats)
    chosen = tuple(name for name in asked if collection_renderer(name) is not None)
    if not chosen:
        raise OptionsError(
            f"no digest edition among {', '.join(asked)}",
            hint="digests are made as epub, pdf, txt or ninjs",
        )
    warnings: list[tuple[str | None, str]] = [
        (None, f"a digest has no {name} edition; not written (digests are made as epub, pdf, txt or ninjs)")
        for name in asked
        if name not in chosen
    ]
    folder = Path(out_dir) if dry_run else prepare_output(Path(out_dir))
    sources = collect_sources(paths, exclude=[folder])
    if not sources:
        raise OptionsError("no articles to collect")
    if on_start is not None:
        on_start(len(sources))
    articles: list[Article] = []
    inputs = hashlib.sha256(repr((title, date, keep_order, keep_breaks)).encode())
    for source in sources:
        data = read_input(source)
        parsed = read_from(
            data, name=str(source), encoding=encoding, default_language=default_language, keep_breaks=keep_breaks
        )
        warnings += [(str(source), warning) for warning in parsed.warnings]
        articles.append(parsed.article)
        inputs.update(hashlib.sha256(data).digest())
        if on_read is not None:
            on_read()
    try:
        articles, left_out = standing(articles, now or datetime.datetime.now(datetime.UTC), ignore_embargo)
    except ValueError as error:
        raise InputError(str(error), hint="give each item a version or a version time") from None
    warnings += left_out
    for article in articles:  # which stand decides the digest too (an embargo ends, a kill comes)
        inputs.update(article.identifier.encode())
    if not articles:
        raise OptionsError("no articles to collect: every one was left out", hint="see the warnings")
    if not keep_order:
        articles.sort(key=lambda a: (a.date is None, a.date or datetime.date.min, a.title))
    languages = {article.language for article in articles}
    collection = Collection(
        title=title,
        slug=make_slug(title, date),
        articles=tuple(articles),
        date=date,
        language=languages.pop() if len(languages) == 1 else default_language,
    )
    key_source = folder / f".digest-{collection.slug}"  # the digest's name in the folder's record
    counts = {"articles": len(articles), "left_out": len(left_out)}
    if dry_run:
        settings = f"{encoding}|{default_language}|digest"
        result = _preview_digest(folder, collection, key_source, inputs.hexdigest(), chosen, options, settings, force)
        return replace(result, warnings=tuple(warnings), seconds=time.perf_counter() - started, **counts)
    with folder_lock(folder):
        state = BuildState.load(folder, chosen, options, f"{encoding}|{default_language}|digest")
        try:
            result = _write_digest(state, collection, key_source, inputs.hexdigest(), chosen, options, warnings, force)
        finally:
            state.close()
    return replace(result, seconds=time.perf_counter() - started, **counts)


def _preview_digest(
    folder: Path,
    collection: Collection,
    key_source: Path,
    inputs: str,
    chosen: tuple[str, ...],
    options: RenderOptions,
    settings: str,
    force: bool,
) -> DigestResult:
    """Whether the digest would be built, and why, reading the folder's record only."""
    state = BuildState.peek(folder, chosen, options, settings) if folder.is_dir() else None
    try:
        if state is not None and not force and state.current(key_source, inputs) is not None:
            return DigestResult(collection.slug, skipped=True, reason="unchanged")
        if force:
            why = "--force"
        elif state is None:
            why = "no build yet"
        else:
            recorded = state.recorded(key_source)
            why = "its articles, title, date or options changed" if recorded else "not built into this folder before"
    finally:
        if state is not None:
            state.close()
    planned = tuple(folder / file_name(collection.slug, name) for name in chosen)
    return DigestResult(collection.slug, planned=planned, reason=why)


def _write_digest(
    state: BuildState,
    collection: Collection,
    key_source: Path,
    inputs: str,
    chosen: tuple[str, ...],
    options: RenderOptions,
    warnings: list[tuple[str | None, str]],
    force: bool,
) -> DigestResult:
    """Render the digest and put its editions in place as one set, as a build puts an
    article's (the record's journal, the manifest), unless it is up to date."""
    from publish.building.collect import write_changed_manifests

    folder = state.folder
    touched = set(state.recover())
    clear_leftovers(folder)
    if not force and state.current(key_source, inputs) is not None:
        return DigestResult(collection.slug, warnings=tuple(warnings), skipped=True)
    found: list[str] = []
    editions = render_all(collection, chosen, options.for_document(collection), found, collection=True)
    warnings = [*warnings, *((None, warning) for warning in found)]
    staging = make_staging(folder)
    try:
        new = NewSet(
            key_source,
            collection.slug,
            collection.date,
            inputs,
            None,
            tuple(
                (
                    state.edition_name(collection.slug, None, name),
                    temporary := stage(staging, file_name(collection.slug, name), data),
                    hashlib.sha256(data).hexdigest(),
                    stat_of(temporary),
                )
                for name, data in editions.items()
            ),
        )
        outcome = state.install([new], slug_hint="give the digest another --title or --date")[0]
        if outcome.error is not None:
            raise outcome.error.located(collection.title) if isinstance(outcome.error, InputError) else outcome.error
        touched |= outcome.touched
        write_changed_manifests(state, touched, staging)
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=str(folder)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return DigestResult(collection.slug, outcome.written, tuple(warnings))
