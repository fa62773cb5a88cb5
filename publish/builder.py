"""The builder: plan what is out of date, render where the work runs, commit, record, report.

One design for every place the work runs (this process, a local process pool, a Dask
cluster): a worker reads an article, renders all its editions, hashes them and writes
them as flushed temporary files into the build's staging folder inside the output
folder (same file system); only a small answer (slug, date, digests, stats, warnings or
the error) comes back. The build then decides, in input order, whether the article may
have its slug (two articles with one slug: the later one is refused) and renames its set
into place, records it and reports it. So the main process does no rendering, writing or
hashing, the editions appear only whole, and a worker lost mid-chunk leaves only
temporaries in the staging folder, which the build removes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

from publish.editions import DEFAULT_FORMATS, file_name, parse_formats, render_all
from publish.errors import InputError, InternalError, OptionsError, OutputError, PublishError, ResourceError
from publish.feed import ItemVersion, embargoed, item_version
from publish.inputs import count_source_names, read_input, stream_source_names
from publish.language import DEFAULT
from publish.model import Article
from publish.options import ZIP_EPOCH, RenderOptions
from publish.output import clear_leftovers, folder_lock, fsync_file, fsync_folder, make_staging, prepare_output, stage
from publish.processes import Interrupts, die_with_parent, usable_workers
from publish.state import BuildState, Entry, NewSet, Plan, Rebuild, Stat, stat_of

#: Most articles sent to a local pool worker in one message.
CHUNK_MAX = 8
#: Most articles in one cluster task: a task costs the scheduler about 1.5 ms, so chunks
#: of 8-32 articles keep a cluster at 86-98% of the ideal (measured, see README).
CLUSTER_CHUNK_MAX = 32
#: Threads flushing a chunk's files to disk (and writing a build's manifests).
SYNC_THREADS = 8
#: Up-to-date articles (whose refreshed stats are recorded) per state transaction; the
#: articles built are committed a chunk at a time, before their editions are renamed in.
COMMIT_EVERY = 256
#: Times an article of a chunk whose worker was lost is tried again, alone (on a cluster,
#: once: Dask itself tries a task on other workers before it gives up).
LOST_RETRIES = 2
#: Chunks rendered in this process ahead of the one whose files are still being made durable.
LOCAL_AHEAD = 4
#: Seconds between two looks at whether a worker has answered.
WAIT_SECONDS = 0.01

R = TypeVar("R")


class FutureLike(Protocol[R]):  # type: ignore[misc]
    """What `in_order` needs of a future: concurrent.futures' and Dask's both are."""

    def done(self) -> bool: ...

    def result(self) -> R: ...


@dataclass(frozen=True)
class ArticleResult:
    """What happened to one input file."""

    source: Path
    slug: str | None = None
    date: datetime.date | None = None
    written: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    error: PublishError | None = None
    #: The error's traceback as text (for --verbose; tracebacks do not cross processes).
    trace: str | None = None
    #: True when the editions were up to date and nothing was rendered.
    skipped: bool = False
    #: An older version's files this build moved to `versions/`: (from, to).
    moved: tuple[tuple[Path, Path], ...] = ()
    #: What happened instead of editions, (kind, words): ("held", ...) an embargo not
    #: over, ("withdrawn", ...) a kill, ("same", ...) an article published already.
    notice: tuple[str, str] | None = None
    #: A dry run's (`preview`): the editions a build would write, and why it would.
    planned: tuple[Path, ...] = ()
    reason: str | None = None


#: What a report keeps of its results: every one (the default), those that rendered
#: (written or failed), or only the failed ones. The counts are always complete; keeping
#: fewer keeps a build's memory flat over an archive of millions of articles.
KEEP = ("all", "changed", "failed")


@dataclass
class BuildReport:
    """The counts of a build, and its results in input order: every one, or (`keep`)
    only those that rendered or only those that failed. `ok` when no article failed."""

    results: list[ArticleResult] = field(default_factory=list)
    seconds: float = 0.0
    keep: str = "all"
    #: Articles found, up to date, failed, and edition files written.
    articles: int = 0
    skipped: int = 0
    failed: int = 0
    editions: int = 0
    #: Articles the feed held (embargoed), withdrew (killed), or that were published already.
    notices: dict[str, int] = field(default_factory=lambda: {"held": 0, "withdrawn": 0, "same": 0})
    #: What the build decided for the user's sake and should say (fewer workers than asked).
    notes: list[str] = field(default_factory=list)
    #: With a bag: True when it was written, False when it already held these editions.
    bag_written: bool | None = None

    def add(self, result: ArticleResult) -> None:
        """Count a result; keep it as `keep` says."""
        self.articles += 1
        self.skipped += result.skipped
        self.editions += len(result.written)
        if result.notice is not None:
            self.notices[result.notice[0]] += 1
        if result.error is not None:
            self.failed += 1
        elif self.keep == "failed" or (self.keep == "changed" and result.skipped):
            return
        self.results.append(result)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def written(self) -> list[Path]:
        """The files written, from the results kept (all of them unless `keep` is "failed")."""
        return [path for result in self.results for path in result.written]


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
        item, notice = _feed_facts(article, task)
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


def _feed_facts(article: Article, task: Task) -> tuple[ItemVersion | None, tuple[str, str] | None]:
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
    answers = [_staged_or_bug(task, Path(staging), sync=False) for task in tasks]
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


def _staged_or_bug(task: Task, staging: Path, sync: bool) -> Staged:
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


def in_order(started: Iterable[FutureLike[R]], window: int) -> Iterator[R]:
    """Results of futures in the order they were started, starting the next only while
    fewer than `window` wait: ordered output, flat memory, busy workers. (`started` is
    lazy: iterating it is what starts work.)"""
    pending: deque[FutureLike[R]] = deque()
    for future in started:
        pending.append(future)
        while pending and (len(pending) > window or pending[0].done()):
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def finished(value: R) -> Future[R]:
    """A future that already holds `value`."""
    future: Future[R] = Future()
    future.set_result(value)
    return future


#: Sends one chunk to where the work runs and returns its future.
Submit = Callable[[list[Task]], FutureLike[list[Staged]]]


def chunk_size(count: int, workers: int, most: int) -> int:
    """Articles per message: a round trip costs about as much as a short article's text
    edition, so a large batch goes several at a time; a small one goes one by one, so
    every worker stays busy to the end."""
    return max(1, min(most, count // (workers * 16)))


def staged_in_order(tasks: Iterable[Task], engine: _Engine) -> Iterator[list[Staged]]:
    """Every chunk's answers in input order. A chunk whose worker was lost (killed: out of
    memory, say) is tried again article by article, each alone (`engine.retry`), so only
    an article that kills its worker again fails; a chunk that fails otherwise becomes
    an error for each of its articles. The batch goes on."""
    remaining = iter(tasks)
    chunks = iter(lambda: list(islice(remaining, engine.size)), [])
    pending: deque[tuple[list[Task], FutureLike[list[Staged]]]] = deque()

    def answers(chunk: list[Task], future: FutureLike[list[Staged]]) -> list[Staged]:
        try:
            return engine.wait(future)
        except KeyboardInterrupt:
            raise
        except Exception as error:  # noqa: BLE001 - whatever ended the chunk, each article says so
            if engine.lost(error):
                return [engine.retry(task) for task in chunk]
            return failed_chunk(chunk, error)

    for chunk in chunks:
        pending.append((chunk, engine.submit(chunk)))
        while pending and (len(pending) > engine.window or pending[0][1].done()):
            yield answers(*pending.popleft())
    while pending:
        yield answers(*pending.popleft())


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


def build(
    paths: Iterable[str | Path],
    out_dir: str | Path = "dist",
    formats: Sequence[str] = DEFAULT_FORMATS,
    options: RenderOptions = RenderOptions(),
    *,
    encoding: str | None = None,
    bag: str | Path | None = None,
    jobs: int = 1,
    force: bool = False,
    default_language: str = DEFAULT,
    keep_breaks: bool = False,
    layout: str = "flat",
    cluster: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
    keep: str = "all",
    on_skip: Callable[[], None] | None = None,
    now: datetime.datetime | None = None,
    ignore_embargo: bool = False,
    stdin: bytes | None = None,
    name: str | None = None,
) -> BuildReport:
    """Build every edition of every article; one bad article does not stop the batch.

    Articles whose input, options, templates, fonts and publish version are unchanged
    since the last build into this folder (and whose editions are still there,
    unmodified) are skipped unless `force`. The work runs in this process (`jobs` 1), a
    process pool (`jobs` > 1) or on a Dask cluster (`cluster`: an address, `local` or
    `local:N`). Afterwards `SHA256SUMS` (one per folder with `layout="date"`) covers
    every edition; with `bag`, this run's editions are also written as a BagIt bag.
    `keep` ("all", "changed", "failed"): which results the report keeps (see `KEEP`);
    `on_result` sees every one as it comes, except that with `on_skip` an up-to-date
    article only calls `on_skip()` (no result is made: a progress bar over an archive).
    Agency items follow their feed (`publish.feed`): an older version is kept in
    `versions/`, a kill takes its story there, an item embargoed past `now` (the build's
    clock, the system's unless given) is held unless `ignore_embargo`. The path `-` is the
    article `stdin` holds (its editions named `name`, else by its headline).
    """
    started = time.perf_counter()
    now = now or datetime.datetime.now(datetime.UTC)
    formats = parse_formats(formats)
    if keep not in KEEP:
        raise ValueError(f"keep must be one of {KEEP}, not {keep!r}")
    paths = list(paths)
    bag_dir = _bag_folder(bag)
    _check_places(paths, Path(out_dir), bag_dir)
    # A bag needs every result (its files, the batch's newest date).
    report = BuildReport(keep="all" if bag_dir is not None else keep)
    workers, cluster_workers = _workers(jobs, cluster, report)
    # Neither the output folder nor the bag is read back as input.
    exclude = [Path(out_dir), *([bag_dir] if bag_dir is not None else [])]
    piped = _piped(paths, stdin, name, encoding, default_language, keep_breaks)
    # A missing path or an unreadable folder is found before anything, the output folder included, is made.
    total = count_source_names(_files(paths), exclude=exclude) + (piped is not None)
    if total == 0:
        return report  # nothing to build: nothing is made, not even the output folder
    folder = prepare_output(Path(out_dir))
    if on_start:
        on_start(total)
    # One build at a time changes a folder: its editions, manifest and record always
    # agree, and two builds' editions never mix.
    with folder_lock(folder), Interrupts() as interrupts:
        state = BuildState.load(folder, formats, options, f"{encoding}|{default_language}|{keep_breaks}", layout)
        try:
            touched = set(state.recover())  # what a killed build began is finished first
            clear_leftovers(folder)
            staging = make_staging(folder)
            try:
                # Up-to-date articles' slugs and dates only when a result is made for them.
                details = report.keep == "all" or (on_result is not None and on_skip is None)
                planned = _Planned(
                    _input_names(paths, [folder, *exclude[1:]], piped),
                    state,
                    force,
                    details,
                    1 if cluster else workers,
                )
                # Made as they are sent (a list of a million tasks would be most of a build's memory).
                base = Task(Path(), formats, options, encoding, default_language, keep_breaks, now, ignore_embargo)
                todo = (
                    task_of(source, rebuild, base)
                    if piped is None or source != piped.source
                    else piped.task(formats, options, encoding, default_language, keep_breaks, now, ignore_embargo)
                    for source, rebuild in planned.todo()
                )
                engine = _Engine(workers, cluster, cluster_workers, staging, planned.todo_estimate(), interrupts)
                with engine:
                    staged = staged_in_order(todo, engine)
                    try:
                        _commit_all(
                            planned.in_order(), staged, state, report, touched, on_result, on_skip, interrupts.check
                        )
                    finally:
                        staged.close()
            finally:
                if not state.db.failed:  # a record that failed cannot say what the manifests list
                    from publish.archive import write_manifests

                    # The renames into these folders are durable before a manifest lists them.
                    for relative in sorted(touched):
                        fsync_folder(folder / relative)
                    write_manifests(folder, sorted(touched), state.digests_in, staging)
                    state.manifests_written(sorted(touched))
                shutil.rmtree(staging, ignore_errors=True)
            if bag_dir is not None:
                report.bag_written = write_bag_of(bag_dir, report, options, folder, state)
        finally:
            state.close()
            report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Piped:
    """The article read from standard input: its name as a source, its bytes, its `--name`."""

    source: str
    data: bytes
    slug: str | None

    def task(self, *settings: Any) -> Task:
        return Task(Path(self.source), *settings, data=self.data, slug=self.slug)


def _piped(
    paths: list[str | Path],
    stdin: bytes | None,
    name: str | None,
    encoding: str | None,
    default_language: str,
    keep_breaks: bool,
) -> _Piped | None:
    """The article of standard input when `-` is among the paths (once at most)."""
    given = sum(str(path) == STDIN for path in paths)
    if given == 0:
        if name is not None:
            raise OptionsError("--name names the article read from standard input", hint="give - as a path")
        return None
    if given > 1:
        raise OptionsError("- (standard input) is given more than once", hint="give - once")
    if stdin is None:
        raise OptionsError("- (standard input) was given, but nothing was read from it")
    slug = slug_of_name(name) if name is not None else None
    return _Piped(stdin_source(stdin, slug, encoding, default_language, keep_breaks), stdin, slug)


def _files(paths: list[str | Path]) -> list[str | Path]:
    return [path for path in paths if str(path) != STDIN]


def _input_names(paths: list[str | Path], exclude: list[Path], piped: _Piped | None) -> Iterator[tuple[str, str]]:
    """The inputs' (name, absolute name) in order, standard input's article where `-` stands."""
    if piped is None:
        yield from stream_source_names(paths, exclude=exclude)
        return
    at = [str(path) for path in paths].index(STDIN)
    if paths[:at]:
        yield from stream_source_names(paths[:at], exclude=exclude)
    yield piped.source, os.path.abspath(piped.source)
    if paths[at + 1 :]:
        yield from stream_source_names(paths[at + 1 :], exclude=exclude)


def preview(
    paths: Iterable[str | Path],
    out_dir: str | Path = "dist",
    formats: Sequence[str] = DEFAULT_FORMATS,
    options: RenderOptions = RenderOptions(),
    *,
    encoding: str | None = None,
    force: bool = False,
    default_language: str = DEFAULT,
    keep_breaks: bool = False,
    layout: str = "flat",
    on_result: Callable[[ArticleResult], None] | None = None,
    now: datetime.datetime | None = None,
    ignore_embargo: bool = False,
    stdin: bytes | None = None,
    name: str | None = None,
) -> BuildReport:
    """What `build` would do with the same arguments, and why, doing none of it (a dry run):
    nothing is written, not the output folder, its lock or its record. Each article is an
    `ArticleResult`: up to date (`skipped`), held or withdrawn (`notice`), failing to read
    (`error`), or to be built (`planned`: the editions it would write, `reason`: why). An
    article is read, not rendered: an edition that cannot be made is found only by a build;
    a name another story has is resolved by a build too (it may take `slug-2`)."""
    started = time.perf_counter()
    now = now or datetime.datetime.now(datetime.UTC)
    formats = parse_formats(formats)
    paths = list(paths)
    out = Path(out_dir)
    _check_places(paths, out, None)
    piped = _piped(paths, stdin, name, encoding, default_language, keep_breaks)
    report = BuildReport()
    if count_source_names(_files(paths), exclude=[out]) + (piped is not None) == 0:
        return report
    state = (
        BuildState.peek(out, formats, options, f"{encoding}|{default_language}|{keep_breaks}", layout)
        if out.is_dir()
        else None
    )
    try:
        for source, absolute in _input_names(paths, [out], piped):
            entry = None if force or state is None else next(state.plan([absolute]))
            if entry is not None and not isinstance(entry, Rebuild):
                result = ArticleResult(Path(source), entry.slug, entry.date, skipped=True, reason="unchanged")
            else:
                settings = (formats, options, encoding, default_language, keep_breaks, now, ignore_embargo)
                task = Task(Path(source), *settings)
                why = "--force" if force else state.why_out_of_date(absolute) if state is not None else "no build yet"
                if isinstance(entry, Rebuild):
                    task = task_of(source, entry, task)
                    editions = f"{', '.join(entry.formats)} edition{'s are' if len(entry.formats) > 1 else ' is'}"
                    why = f"only its {editions} out of date (not made yet, or a setting that shapes it changed)"
                if piped is not None and source == piped.source:
                    task, why = piped.task(*settings), "read from standard input: built every time"
                result = _previewed(task, out, layout, why)
            report.add(result)
            if on_result is not None:
                on_result(result)
    finally:
        if state is not None:
            state.close()
        report.seconds = time.perf_counter() - started
    return report


def _previewed(task: Task, out: Path, layout: str, why: str) -> ArticleResult:
    """What a build would do with an article that is not up to date: read it (not render it)."""
    from publish.output import layout_folder

    try:
        _, parsed = read_task(task)
        article = parsed.article
        _, notice = _feed_facts(article, task)
    except PublishError as error:
        return ArticleResult(task.source, error=error.located(str(task.source)), reason=why)
    except RecursionError:
        error = InputError("the text is nested too deeply to read", path=str(task.source))
        return ArticleResult(task.source, error=error, reason=why)
    warnings = tuple(parsed.warnings)
    if notice is not None:
        return ArticleResult(task.source, article.slug, article.date, warnings=warnings, notice=notice, reason=why)
    folder = layout_folder(article.date, layout)
    planned = tuple(out / (folder + file_name(article.slug, edition)) for edition in task.formats)
    return ArticleResult(task.source, article.slug, article.date, warnings=warnings, planned=planned, reason=why)


def task_of(source: str, rebuild: Rebuild | None, base: Task) -> Task:
    """`base` for one article: every edition, or (`rebuild`) only those out of date, the
    others kept as they are."""
    if rebuild is None:
        return replace(base, source=Path(source))
    keep = tuple(kind for kind in base.formats if kind not in rebuild.formats)
    return replace(base, source=Path(source), formats=rebuild.formats, keep=keep)


def _bag_folder(bag: str | Path | None) -> Path | None:
    """The --bag folder, refused when empty (`--bag ''` would be the working folder)."""
    if bag is None:
        return None
    if not str(bag).strip():
        raise OptionsError("--bag: expected a folder name, not an empty one")
    return Path(bag)


def _check_places(paths: list[str | Path], out: Path, bag: Path | None) -> None:
    """Refuse, before anything is made, an output folder that is an input folder (or
    holds one: nothing in it would be read), and a bag that would replace the output
    folder or is not publish's to replace."""
    resolved = out.resolve()
    for raw in paths:
        if Path(raw).is_dir() and Path(raw).resolve().is_relative_to(resolved):
            where = "is one of the input folders" if Path(raw).resolve() == resolved else "holds this input folder"
            raise OptionsError(
                f"the output folder {where}", path=str(raw), hint="give --out a folder of its own, such as dist"
            )
    if bag is not None:
        if resolved.is_relative_to(bag.resolve()):
            raise OptionsError(
                "the bag would replace the output folder", path=str(bag), hint="give --bag a folder of its own"
            )
        from publish.archive import check_bag_path

        check_bag_path(bag)


def _workers(jobs: int, cluster: str | None, report: BuildReport) -> tuple[int, int | None]:
    """Pool workers, and a LocalCluster's workers (None: not a local cluster), capped by
    the machine's cores and memory; the report notes a cap."""
    if cluster:
        from publish.cluster import parse_address

        kind, count = parse_address(cluster)
        if kind != "local":
            return 1, None
        usable, note = usable_workers(count or os.cpu_count() or 1)
    else:
        usable, note = usable_workers(jobs) if jobs > 1 else (max(1, jobs), None)
    if note:
        report.notes.append(note)
    return (1, usable) if cluster else (usable, None)


def write_bag_of(bag: Path, report: BuildReport, options: RenderOptions, folder: Path, state: BuildState) -> bool:
    """Write the batch's editions, built now or up to date, as a bag (so a bag lost to a
    killed build, or asked for on an up-to-date folder, is written); False when the bag
    already held exactly them."""
    from publish.archive import write_bag

    files = [
        folder / name
        for result in report.results
        if result.error is None and result.notice is None
        for name in state.names_of(result.source)
    ]
    return write_bag(bag, files, batch_time(report, options))


def _commit_all(
    planned: Iterator[tuple[str, Entry | None] | int],
    staged: Iterator[list[Staged]],
    state: BuildState,
    report: BuildReport,
    touched: set[str],
    on_result: Callable[[ArticleResult], None] | None,
    on_skip: Callable[[], None] | None = None,
    check_interrupts: Callable[[], None] = lambda: None,
) -> None:
    """Put each chunk's sets in place and report every article in input order (a stopping
    signal is raised between two articles). An up-to-date article costs a count (and a
    result only when someone keeps or sees it): its slug claim is in the record already."""
    ready: deque[ArticleResult] = deque()
    for number, item in enumerate(planned, start=1):
        check_interrupts()
        if isinstance(item, int):  # that many up-to-date articles, without details: counted
            report.articles += item
            report.skipped += item
            for _ in range(item if on_skip is not None else 0):
                on_skip()  # type: ignore[misc]
            continue
        name, entry = item
        if entry is not None:
            result = ArticleResult(Path(name), entry.slug, entry.date, skipped=True)
        else:
            if not ready:
                ready.extend(_install(next(staged), state, touched))
            result = ready.popleft()
        if number % COMMIT_EVERY == 0:
            state.save()
        report.add(result)
        if on_result:
            on_result(result)


def _install(answers: list[Staged], state: BuildState, touched: set[str]) -> list[ArticleResult]:
    """One chunk's answers, in order: the failed ones forgotten by the record (their old
    editions stay), the others put in place as sets (`BuildState.install`: slug claims,
    files in the way, journal, renames)."""
    sets = []
    for done in answers:
        if done.error is not None and not done.editions:
            state.forget(done.source)
        elif done.notice is None:
            assert done.slug is not None and done.input_digest is not None
            editions = tuple(
                (state.edition_name(done.slug, done.date, edition), Path(temporary), digest, stat)
                for edition, temporary, digest, stat in done.editions
            )
            kinds = tuple(edition for edition, _, _, _ in done.editions)
            sets.append(
                NewSet(
                    done.source,
                    done.slug,
                    done.date,
                    done.input_digest,
                    done.input_stat,
                    editions,
                    kinds,
                    done.item,
                    identifier=done.identifier,
                    keep=done.keep,
                )
            )
    installed = iter(state.install(sets))
    results = []
    for done in answers:
        if done.error is not None and not done.editions:
            results.append(ArticleResult(done.source, warnings=done.warnings, error=done.error, trace=done.trace))
            continue
        if done.notice is not None:
            results.append(_notice(done, state, touched))
            continue
        outcome = next(installed)
        touched.update(outcome.touched)
        warnings = (
            done.warnings
            + tuple(outcome.notes)
            + tuple(f"kept {state.folder / name}: it was changed since publish wrote it" for name in outcome.kept)
        )
        if outcome.error is not None:
            results.append(ArticleResult(done.source, warnings=warnings, error=outcome.error))
        elif outcome.duplicate is not None:
            notice = ("same", f"the same article as {outcome.duplicate}: published once")
            results.append(ArticleResult(done.source, warnings=warnings, notice=notice))
        else:  # (with an error: an edition that alone could not be made; the others are written)
            moved = tuple((state.folder / old, state.folder / new) for old, new in outcome.moved)
            results.append(
                ArticleResult(done.source, outcome.name, done.date, outcome.written, warnings, done.error, moved=moved)
            )
    return results


def _notice(done: Staged, state: BuildState, touched: set[str]) -> ArticleResult:
    """An item held by its embargo (nothing changes) or withdrawn (its story's editions
    move to `versions/`), as the result that says so."""
    assert done.notice is not None and done.item is not None and done.slug is not None
    kind = done.notice[0]
    if kind == "held":
        return ArticleResult(done.source, warnings=done.warnings, notice=done.notice)
    try:
        outcome = state.withdraw(done.source, done.item, done.slug)
    except PublishError as error:
        return ArticleResult(done.source, warnings=done.warnings, error=error.located(str(done.source)))
    touched.update(outcome.touched)
    moved = tuple((state.folder / old, state.folder / new) for old, new in outcome.moved)
    return ArticleResult(
        done.source, warnings=done.warnings, notice=("withdrawn", "; ".join(outcome.notes)), moved=moved
    )


#: Articles planned at a time: a build holds one segment's names and plan (and the next
#: while the engine runs ahead), so its memory is flat however large the archive.
SEGMENT = 10_000


class _Planned:
    """The batch planned a segment at a time, in input order: the engine takes the
    articles to build (`todo`), the commit walks every article (`in_order`); whichever
    runs out first plans the next segment. A segment is planned in forked processes only
    before the engine has been given work (forking a process with a pool's threads
    running is not safe); after that, here."""

    def __init__(
        self, sources: Iterator[tuple[str, str]], state: BuildState, force: bool, details: bool, processes: int
    ) -> None:
        self._sources, self._state, self._force, self._details = sources, state, force, details
        self._processes = processes
        #: Articles in order; without details a run of up-to-date ones is only its length.
        self._order: deque[tuple[str, Entry | None] | int] = deque()
        #: Articles to build, each with the editions to make when only some are out of date.
        self._todo: deque[tuple[str, Rebuild | None]] = deque()
        self._working = False
        #: The next segment, listed, its plan under way in the planning processes.
        self._ahead = self._start_next()
        self._more = self._plan_next()
        # Up-to-date stretches cost nothing to hold without details: plan on until there
        # is work, so a rebuild of an archive with one change knows it is one article
        # (built here, no pool started) and plans every segment in forked processes.
        while self._more and not details and len(self._todo) < 2:
            self._more = self._plan_next()

    def _start_next(self) -> tuple[list[tuple[str, str]], Callable[[], list[Plan]]] | None:
        """List the next segment and set its planning going; None when no input is left."""
        segment = list(islice(self._sources, SEGMENT))
        if not segment:
            return None
        if self._force:
            return segment, lambda: [None] * len(segment)
        processes = 1 if self._working else self._processes
        return segment, self._state.plan_later([absolute for _, absolute in segment], self._details, processes)

    def _plan_next(self) -> bool:
        """Take in the segment planned ahead (listing the one after it meanwhile); False
        when the inputs are all planned."""
        if self._ahead is None:
            return False
        segment, plan = self._ahead
        self._ahead = self._start_next() if len(segment) == SEGMENT else None
        order, todo, details = self._order, self._todo, self._details
        for (name, _), entry in zip(segment, plan()):
            if not isinstance(entry, Entry):
                todo.append((name, entry))
                entry = None
            elif not details:
                if order and isinstance(order[-1], int):
                    order[-1] += 1
                else:
                    order.append(1)
                continue
            order.append((name, entry))
        return self._ahead is not None

    def todo_estimate(self) -> int:
        """The articles to build as far as known: exact when one segment held every input."""
        return len(self._todo) + (SEGMENT if self._more else 0)

    def todo(self) -> Iterator[tuple[str, Rebuild | None]]:
        while True:
            while self._todo:
                if not self._working:
                    self._state.stop_planning()  # the engine forks its workers when given work
                    self._working = True
                yield self._todo.popleft()
            if not self._more:
                return
            self._more = self._plan_next()

    def in_order(self) -> Iterator[tuple[str, Entry | None] | int]:
        while True:
            while self._order:
                yield self._order.popleft()
            if not self._more:
                return
            self._more = self._plan_next()


class _Engine:
    """Where chunks run: this process, a process pool or a Dask cluster. `submit(chunk)`
    starts one, `lost(error)` tells a lost worker from a failure, `retry(task)` renders
    one article of a lost chunk alone; closing the engine stops the work (a cluster's
    futures are cancelled, a pool's workers end)."""

    def __init__(
        self,
        jobs: int,
        cluster: str | None,
        local_workers: int | None,
        staging: Path,
        count: int,
        interrupts: Interrupts,
    ) -> None:
        self.jobs, self.cluster, self.local_workers = jobs, cluster, local_workers
        self.staging, self.count, self.interrupts = str(staging), count, interrupts
        self.size, self.window = 1, 1
        self._close: list[Callable[[], Any]] = []
        self._pool: Any = None
        #: A one-worker pool for articles tried again alone, so that one which kills its
        #: worker takes no other article with it.
        self._alone: Any = None
        self._session: Any = None

    def __enter__(self) -> _Engine:
        if self.cluster:
            from publish.cluster import connect

            self._session = connect(self.cluster, self.staging, self.local_workers)
            self._close.append(self._session.close)
            workers = self._session.workers
            self.size, self.window = chunk_size(self.count, workers, CLUSTER_CHUNK_MAX), workers * 4
        elif self.jobs > 1 and self.count > 1:
            self._pool = self._new_pool(self.jobs)
            self._close.append(lambda: self._pool.shutdown(wait=True, cancel_futures=True))
            self._close.append(lambda: self._alone and self._alone.shutdown(wait=True, cancel_futures=True))
            self.size, self.window = chunk_size(self.count, self.jobs, CHUNK_MAX), self.jobs * 4
        else:  # a few articles rendered ahead while the disk makes the last ones durable
            self.window = LOCAL_AHEAD
        return self

    def __exit__(self, *exc: object) -> None:
        for close in reversed(self._close):
            close()

    @staticmethod
    def _new_pool(workers: int) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)

    def submit(self, chunk: list[Task]) -> FutureLike[list[Staged]]:
        if self._session is not None:
            return self._session.submit(stage_chunk)(chunk)  # type: ignore[no-any-return]
        if self._pool is None:
            with self.interrupts.immediate():  # rendering here takes no lock: Ctrl-C stops it at once
                answers = [_staged_or_bug(task, Path(self.staging), sync=False) for task in chunk]
            return Flushing(answers, flusher())
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(stage_chunk, chunk, self.staging)  # type: ignore[no-any-return]
        except BrokenProcessPool:  # a worker was lost: the pool is replaced, the batch goes on
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool(self.jobs)
            return self._pool.submit(stage_chunk, chunk, self.staging)  # type: ignore[no-any-return]

    def wait(self, future: FutureLike[R]) -> R:
        """The future's result, waited for in short sleeps: a stopping signal is raised
        between two (never inside the pool's or Dask's own wait, see `Interrupts`)."""
        while not future.done():
            self.interrupts.check()
            time.sleep(WAIT_SECONDS)
        return future.result()

    def lost(self, error: BaseException) -> bool:
        """Whether `error` means the worker was lost (a pool broken by a worker's death, a
        Dask worker killed or gone), not that the work failed."""
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(error, BrokenProcessPool) or type(error).__name__ in ("KilledWorker", "CommClosedError")

    def retry(self, task: Task) -> Staged:
        """Render `task` again, alone; an answer saying its worker was lost when it is lost every time."""
        from concurrent.futures.process import BrokenProcessPool

        for _ in range(1 if self._session is not None else LOST_RETRIES):
            try:
                if self._session is not None:
                    return self.wait(self._session.submit(stage_chunk)([task]))[0]
                if self._alone is None:
                    self._alone = self._new_pool(1)
                return self.wait(self._alone.submit(stage_chunk, [task], self.staging))[0]
            except BrokenProcessPool:
                self._alone.shutdown(wait=False, cancel_futures=True)
                self._alone = None
            except Exception as error:  # noqa: BLE001 - a cluster's lost worker, or the work's own failure
                if not self.lost(error):
                    return failed_chunk([task], error)[0]
        return lost_worker(task.source)


def batch_time(report: BuildReport, options: RenderOptions) -> datetime.datetime:
    """SOURCE_DATE_EPOCH, else the newest article date: never the clock."""
    if options.source_date_epoch is not None:
        return datetime.datetime.fromtimestamp(options.source_date_epoch, tz=datetime.UTC)
    dates = [result.date for result in report.results if result.date is not None]
    if dates:
        return datetime.datetime.combine(max(dates), datetime.time(), tzinfo=datetime.UTC)
    return ZIP_EPOCH
