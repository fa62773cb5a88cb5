"""The per-article work, wherever it runs (this process, a pool worker, a Dask worker).

A worker reads an article, renders all its editions, hashes them and writes them as
flushed temporary files into the build's staging folder inside the output folder (same
file system); only a small answer (`Staged`: slug, date, digests, stats, warnings or the
error) comes back. `stage_chunk` is what a pool or a cluster runs (Dask pickles it by
its module path, `publish.building.work.stage_chunk`).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.building.record import Stat, stat_of
from publish.editions import file_name, render_all
from publish.errors import InputError, InternalError, OptionsError, OutputError, PublishError, ResourceError
from publish.feed import ItemVersion, embargoed, item_version
from publish.inputs import read_input
from publish.language import DEFAULT
from publish.model import Article
from publish.options import RenderOptions
from publish.output import fsync_file, stage

#: Threads flushing a chunk's files to disk (and writing a build's manifests).
SYNC_THREADS = 8


@dataclass(frozen=True)
class Task:
    """One article to render: everything a worker needs, picklable."""

    source: Path
    formats: tuple[str, ...]
    options: RenderOptions
    encoding: str | None
    default_language: str = DEFAULT
    keep_breaks: bool = False
    #: The build's clock (an embargo ends by it) and whether embargoes are kept at all.
    now: datetime.datetime | None = None
    ignore_embargo: bool = False
    #: The article's bytes when they came on standard input (`source` is then its name,
    #: `<stdin>/NAME`), and the slug its editions are named by (`--name`), if given.
    data: bytes | None = None
    slug: str | None = None
    #: Editions asked for that are up to date and stay as they are (only `formats` are made).
    keep: tuple[str, ...] = ()


#: The path that stands for standard input among a build's inputs, and how its article's
#: provenance (the text edition's Source-File line) and its messages name it.
STDIN = "-"
STDIN_NAME = "<stdin>"


def read_task(task: Task) -> tuple[bytes, Any]:
    """A task's input bytes and what the readers make of them (a `Parsed`): from its file,
    or the bytes it carries from standard input, then named as `--name` says."""
    from publish.readers import read_from

    # The bytes are read here, not by the reader: the rebuild key is their digest.
    data = read_input(task.source) if task.data is None else task.data
    name = str(task.source) if task.data is None else STDIN_NAME
    parsed = read_from(
        data, name=name, encoding=task.encoding, default_language=task.default_language, keep_breaks=task.keep_breaks
    )
    if task.data is None:
        return data, parsed
    if task.slug is not None:
        from dataclasses import replace

        parsed = replace(parsed, article=replace(parsed.article, slug=task.slug, slug_given=True))
    return task.data, parsed


def stdin_source(data: bytes, name: str | None, encoding: str | None, default_language: str, keep_breaks: bool) -> str:
    """The name an article read from standard input goes by in messages and in the folder's
    record, `<stdin>/NAME`: `name` (the editions' name), else the slug of its headline
    (unreadable: plain `<stdin>`, and its build says why). Two articles piped in one after
    the other are two articles, each rebuilt whenever it is piped again."""
    if name is not None:
        return f"{STDIN_NAME}/{name}"
    from publish.readers import read_from

    try:
        parsed = read_from(
            data, name=STDIN_NAME, encoding=encoding, default_language=default_language, keep_breaks=keep_breaks
        )
        return f"{STDIN_NAME}/{parsed.article.slug}"
    except (PublishError, RecursionError):
        return STDIN_NAME


def slug_of_name(name: str) -> str:
    """`--name`: the editions' name, made a slug as a `slug:` header's is; refused when nothing of it is left."""
    from publish.model import make_slug

    if not name.strip():
        raise OptionsError("--name: expected a name for the editions, not an empty one", hint="give --name story")
    return make_slug(name, None, undated_prefix=False)


@dataclass(frozen=True)
class Rendered:
    """An article rendered in memory with its editions' digests, or the error."""

    source: Path
    slug: str | None = None
    date: datetime.date | None = None
    editions: tuple[tuple[str, bytes], ...] = ()
    warnings: tuple[str, ...] = ()
    error: PublishError | None = None
    trace: str | None = None
    #: SHA-256 of each edition, computed while the bytes are at hand.
    digests: tuple[str, ...] = ()
    #: SHA-256 of the input bytes the editions were made from (for the build state).
    input_digest: str | None = None
    #: The agency item it is a version of, and what to do instead of publishing it
    #: ("held": embargoed; "withdrawn": killed), with the words to say.
    item: ItemVersion | None = None
    notice: tuple[str, str] | None = None
    #: The article's content identifier (the same article from two files is published once).
    identifier: str | None = None


@dataclass(frozen=True)
class Staged:
    """A worker's answer, small enough to send over a network: the article's editions
    waiting in the staging folder, or its error."""

    source: Path
    slug: str | None = None
    date: datetime.date | None = None
    #: (edition, temporary file, SHA-256, stat of the written file), in the editions' order.
    editions: tuple[tuple[str, str, str, Stat], ...] = ()
    warnings: tuple[str, ...] = ()
    error: PublishError | None = None
    trace: str | None = None
    input_digest: str | None = None
    #: The input's stat when it was read (taken before reading, so a later change shows).
    input_stat: Stat | None = None
    item: ItemVersion | None = None
    notice: tuple[str, str] | None = None
    identifier: str | None = None
    #: The task's editions that were up to date and were not made again.
    keep: tuple[str, ...] = ()


def render_task(task: Task) -> Rendered:
    """Read and render one article; pure, so it can run in any process."""
    # The readers are imported here, not above: a build that finds every article up to
    # date never compiles their expressions (a third of its start-up).
    warnings: list[str] = []
    try:
        data, parsed = read_task(task)
        warnings.extend(parsed.warnings)
        article = parsed.article
        item, notice = feed_facts(article, task)
        if notice is not None:  # held or withdrawn: nothing is rendered
            return Rendered(task.source, article.slug, article.date, warnings=tuple(warnings), item=item, notice=notice)
        unmade: list[PublishError] = []
        editions = render_all(article, task.formats, task.options.for_document(article), warnings, unmade=unmade)
    except PublishError as error:
        return Rendered(
            task.source,
            warnings=tuple(warnings),
            error=error.located(str(task.source)),
            trace="".join(traceback.format_exception(error)),
        )
    except RecursionError as error:
        # Deeply nested input in the parser: this article fails, the batch goes on.
        located = InputError(
            "the text is nested too deeply to read",
            path=str(task.source),
            hint="check the quotation marks and brackets",
        )
        return Rendered(
            task.source, warnings=tuple(warnings), error=located, trace="".join(traceback.format_exception(error))
        )
    digests = tuple(hashlib.sha256(edition).hexdigest() for edition in editions.values())
    return Rendered(
        task.source,
        article.slug,
        article.date,
        tuple(editions.items()),
        tuple(warnings),
        # An edition that alone could not be made: the others are written, the article fails.
        error=unmade[0] if unmade else None,
        digests=digests,
        input_digest=hashlib.sha256(data).hexdigest(),
        item=item,
        identifier=article.identifier,
    )


def feed_facts(article: Article, task: Task) -> tuple[ItemVersion | None, tuple[str, str] | None]:
    """The agency item the article is a version of, and whether the feed says to hold it
    (an embargo not over at the build's clock) or to take the story down (a kill)."""
    if article.item is None:
        return None, None
    try:
        item = item_version(article.item)
    except ValueError as error:
        raise InputError(
            str(error), path=article.source_path, hint="give the item a version or a version time"
        ) from None
    if item.withdrawn:
        return item, ("withdrawn", f"item {item.id} is {item.status}")
    if task.now is not None and not task.ignore_embargo and embargoed(article.item, task.now):
        return item, (
            "held",
            f"item {item.id} is embargoed until {article.item.embargo}; the next build after that publishes it",
        )
    return item, None


def stage_task(task: Task, staging: Path, sync: bool = True) -> Staged:
    """Render one article and write its editions as temporaries into `staging` (what a
    worker does, wherever it runs; `sync=False`: the caller flushes them)."""
    try:
        input_stat: Stat | None = stat_of(task.source)
    except OSError:
        input_stat = None  # read_input names the problem
    rendered = render_task(task)
    if rendered.error is not None and not rendered.editions:
        return Staged(task.source, warnings=rendered.warnings, error=rendered.error, trace=rendered.trace)
    assert rendered.slug is not None
    if rendered.notice is not None:
        return Staged(
            task.source,
            rendered.slug,
            rendered.date,
            warnings=rendered.warnings,
            item=rendered.item,
            notice=rendered.notice,
            input_stat=input_stat,
        )
    staged: list[tuple[str, str, str, Stat]] = []
    try:
        for (edition, data), digest in zip(rendered.editions, rendered.digests):
            temporary = stage(staging, file_name(rendered.slug, edition), data, sync)
            staged.append((edition, str(temporary), digest, stat_of(temporary)))
    except OSError as error:
        for _, temporary, _, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        return Staged(
            task.source,
            warnings=rendered.warnings,
            error=OutputError(f"cannot write: {error.strerror}", path=str(staging.parent)),
        )
    return Staged(
        task.source,
        rendered.slug,
        rendered.date,
        tuple(staged),
        rendered.warnings,
        error=rendered.error,
        input_digest=rendered.input_digest,
        input_stat=input_stat,
        item=rendered.item,
        identifier=rendered.identifier,
        keep=task.keep,
    )


def stage_chunk(tasks: list[Task], staging: str) -> list[Staged]:
    """A chunk of articles, one worker call: the unit a pool or cluster schedules. Its
    files are written first and made durable together (group commit): an fsync per file
    from a few threads, so the file system's journal commits are shared, never one
    waited for after another (a lone article's editions too)."""
    answers = [staged_or_bug(task, Path(staging), sync=False) for task in tasks]
    return Flushing(answers, flusher()).result()


#: This process's flushing threads, by the process id they were started in.
_FLUSHERS: dict[int, ThreadPoolExecutor] = {}


def flusher() -> ThreadPoolExecutor:
    """This process's threads that flush files, started once: starting threads for each
    chunk cost more than the fsyncs of a lone article's files (measured: 1.4-3.6 ms
    against 0.3 ms). A forked process starts its own (its parent's threads are not in it)."""
    threads = _FLUSHERS.get(os.getpid())
    if threads is None:
        _FLUSHERS.clear()
        threads = _FLUSHERS[os.getpid()] = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="publish-flush")
    return threads


class Flushing:
    """A chunk's answers whose temporaries are being flushed to disk by `threads`: done
    when every file is durable, and only then are the answers (naming them) given out,
    so nothing is renamed in, recorded or listed before it is durable. (In this process
    the next article renders meanwhile: the disk's wait overlaps the work.)"""

    def __init__(self, answers: list[Staged], threads: ThreadPoolExecutor) -> None:
        self._answers = answers
        self._futures = [
            [threads.submit(fsync_file, temporary) for _, temporary, _, _ in answer.editions] for answer in answers
        ]

    def done(self) -> bool:
        return all(future.done() for futures in self._futures for future in futures)

    def result(self) -> list[Staged]:
        return [_flushed(answer, futures) for answer, futures in zip(self._answers, self._futures)]


def staged_or_bug(task: Task, staging: Path, sync: bool) -> Staged:
    """`stage_task`, where a bug of publish's is that article's error, with its traceback as
    text: no exception leaves a worker (Dask cannot even send back one whose traceback is
    too deep to pickle, and its future then never ends)."""
    try:
        return stage_task(task, staging, sync)
    except Exception as error:  # noqa: BLE001 - the worker's last boundary: a bug, said for its article
        bug = InternalError(
            f"could not build this article: {type(error).__name__}: {error}",
            path=str(task.source),
            hint="this is a bug in publish; run with --verbose and report it",
        )
        return Staged(task.source, error=bug, trace="".join(traceback.format_exception(error)))


def _flushed(answer: Staged, futures: list[Future[None]]) -> Staged:
    """The answer, or its error when its files could not be flushed (they are removed)."""
    failed = [future.exception() for future in futures if future.exception() is not None]
    if not failed:
        return answer
    for _, temporary, _, _ in answer.editions:
        Path(temporary).unlink(missing_ok=True)
    error = failed[0]
    reason = error.strerror if isinstance(error, OSError) else str(error)
    return Staged(
        answer.source,
        warnings=answer.warnings,
        error=OutputError(f"cannot write: {reason}", path=str(Path(answer.editions[0][1]).parent.parent)),
    )


def failed_chunk(chunk: list[Task], error: BaseException) -> list[Staged]:
    """The answers for a chunk whose work raised (a bug: the work itself maps every
    problem of an article to its error)."""
    bug = InternalError(
        f"the worker rendering this article failed: {type(error).__name__}: {error}",
        hint="this is a bug in publish; run with --verbose and report it",
    )
    return [Staged(task.source, error=bug.located(str(task.source))) for task in chunk]


def lost_worker(source: Path) -> Staged:
    """The answer for an article whose worker was lost on every attempt."""
    error = ResourceError(
        "the worker rendering this article was lost each time it was tried, alone too "
        "(killed, perhaps for lack of memory)",
        path=str(source),
        hint="build it alone with --jobs 1, or on a machine with more memory",
    )
    return Staged(source, error=error)
