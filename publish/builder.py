"""The builder: plan what is out of date, render it in a pool, write, record, report.

Every article is rendered completely in memory first (in a worker process); its
editions are then written as one set by a writer thread, and results are recorded and
reported in input order, with a bounded number in flight so memory stays flat over any
batch. A failure never leaves a partial file, and the previous editions survive.
"""

from __future__ import annotations

import datetime
import hashlib
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from publish.editions import DEFAULT_FORMATS, file_name, parse_formats, render_all
from publish.errors import InputError, OutputError, PublishError
from publish.inputs import collect_sources, parse_input, read_input
from publish.options import ZIP_EPOCH, RenderOptions
from publish.output import folder_lock, prepare_output, write_set
from publish.state import BuildState

#: Most articles sent to a pool worker in one message.
CHUNK_MAX = 8
#: Threads writing editions to disk.
WRITERS = 4

R = TypeVar("R")


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


@dataclass
class BuildReport:
    """Results in input order; `ok` when no article failed."""

    results: list[ArticleResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(result.error is not None for result in self.results)

    @property
    def skipped(self) -> int:
        return sum(result.skipped for result in self.results)

    @property
    def ok(self) -> bool:
        return all(result.error is None for result in self.results)

    @property
    def written(self) -> list[Path]:
        return [path for result in self.results for path in result.written]


@dataclass(frozen=True)
class Task:
    """One article to render: everything a worker needs, picklable."""

    source: Path
    formats: tuple[str, ...]
    options: RenderOptions
    encoding: str | None
    default_language: str = "en"
    keep_breaks: bool = False


@dataclass(frozen=True)
class Rendered:
    """A worker's answer: the editions in memory with their digests, or the error."""

    source: Path
    slug: str | None = None
    date: datetime.date | None = None
    editions: tuple[tuple[str, bytes], ...] = ()
    warnings: tuple[str, ...] = ()
    error: PublishError | None = None
    trace: str | None = None
    #: SHA-256 of each edition, computed in the worker while the bytes are at hand.
    digests: tuple[str, ...] = ()
    #: SHA-256 of the input bytes the editions were made from (for the build state).
    input_digest: str | None = None


def render_task(task: Task) -> Rendered:
    """Read, parse and render one article; pure, so it can run in any process."""
    warnings: list[str] = []
    try:
        data = read_input(task.source)
        parsed = parse_input(data, task.source, task.encoding, task.default_language, task.keep_breaks)
        warnings.extend(parsed.warnings)
        article = parsed.article
        editions = render_all(article, task.formats, task.options.for_document(article), warnings)
    except PublishError as error:
        return Rendered(task.source, warnings=tuple(warnings), error=error.located(str(task.source)),
                        trace="".join(traceback.format_exception(error)))
    except RecursionError as error:
        # Deeply nested input in the parser: this article fails, the batch goes on.
        located = InputError("the text is nested too deeply to read", path=str(task.source),
                             hint="check the quotation marks and brackets")
        return Rendered(task.source, warnings=tuple(warnings), error=located,
                        trace="".join(traceback.format_exception(error)))
    digests = tuple(hashlib.sha256(edition).hexdigest() for edition in editions.values())
    return Rendered(task.source, article.slug, article.date, tuple(editions.items()), tuple(warnings),
                    digests=digests, input_digest=hashlib.sha256(data).hexdigest())


def _render_chunk(tasks: list[Task]) -> list[Rendered]:
    return [render_task(task) for task in tasks]


def in_order(started: Iterable[Future[R]], window: int) -> Iterator[R]:
    """Results of futures in the order they were started, starting the next only while
    fewer than `window` wait: ordered output, flat memory, busy workers. (`started` is
    lazy: iterating it is what starts work.)"""
    pending: deque[Future[R]] = deque()
    for future in started:
        pending.append(future)
        while pending and (len(pending) > window or pending[0].done()):
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def finished(value: R) -> Future[R]:
    """A future that already holds `value` (an up-to-date article, an error)."""
    future: Future[R] = Future()
    future.set_result(value)
    return future


def rendered_in_order(tasks: list[Task], jobs: int) -> Iterator[Rendered]:
    """Render in a process pool (a few articles per message), yielding in input order."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(render_task, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor

    # A round trip through the pool costs about as much CPU as a short article's text
    # edition, so a large batch goes a few articles per message; small batches go one by
    # one, so every core stays busy to the end.
    size = max(1, min(CHUNK_MAX, len(tasks) // (jobs * 16)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        started = (pool.submit(_render_chunk, tasks[start:start + size]) for start in range(0, len(tasks), size))
        for chunk in in_order(started, jobs * 4):
            yield from chunk


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
    default_language: str = "en",
    keep_breaks: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> BuildReport:
    """Build every edition of every article; one bad article does not stop the batch.

    Articles whose input, options, templates, fonts and publish version are unchanged
    since the last build into this folder (and whose editions are still there,
    unmodified) are skipped unless `force`. Afterwards `SHA256SUMS` covers every edition
    in the folder; with `bag`, this run's editions are also written as a BagIt bag.
    """
    from publish.archive import write_bag, write_manifest

    started = time.perf_counter()
    formats = parse_formats(formats)
    folder = prepare_output(Path(out_dir))
    sources = collect_sources(paths, exclude=[folder])
    if on_start:
        on_start(len(sources))
    report = BuildReport()
    # One build at a time changes a folder: its editions, manifest and record always
    # agree, and two builds' editions never mix.
    with folder_lock(folder):
        state = BuildState.load(folder, formats, options, f"{encoding}|{default_language}|{keep_breaks}")
        claims = SlugClaims(state)
        todo: list[Task] = []
        up_to_date: dict[Path, ArticleResult] = {}
        for source in sources:
            entry = None if force else state.current(source)
            if entry is not None:
                up_to_date[source] = ArticleResult(source, entry.slug, entry.date, skipped=True)
            else:
                todo.append(Task(source, formats, options, encoding, default_language, keep_breaks))
        rendered = rendered_in_order(todo, jobs)
        try:
            # Files are written by a few threads (writing and fsync wait on the disk, not
            # the CPU), so the main process keeps feeding the workers; results are still
            # reported and recorded in input order.
            with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="publish-write") as writers:
                outcomes = (_outcome(up_to_date.get(source) or next(rendered), claims, writers, folder)
                            for source in sources)
                for done, result in in_order(outcomes, WRITERS * 4):
                    _remember(result, done, state)
                    report.results.append(result)
                    if on_result:
                        on_result(result)
        finally:
            rendered.close()
            if report.written:
                write_manifest(folder, state.known_digests())
            state.save()
            report.seconds = time.perf_counter() - started
    if bag is not None and report.written:
        write_bag(Path(bag), report.written, batch_time(report, options))
    return report


class SlugClaims:
    """Which source owns which slug, in this run and in the folder's record: a second
    article with the same slug is an error, never an overwrite of the first one's files."""

    def __init__(self, state: BuildState) -> None:
        self._state = state
        self._claimed: dict[str, Path] = {}

    def claim(self, slug: str, source: Path) -> Path | str | None:
        """None when `source` may write `slug`; else who has it."""
        if slug in self._claimed:
            return self._claimed[slug]
        owner = self._state.owner_of(slug, source)
        if owner is not None:
            return owner
        self._claimed[slug] = source
        return None


def _outcome(done: ArticleResult | Rendered, claims: SlugClaims, writers: ThreadPoolExecutor,
             folder: Path) -> Future[tuple[ArticleResult | Rendered, ArticleResult]]:
    """What becomes of one article: its error, a slug collision, its editions being
    written, or (when up to date) its result as it is."""
    if done.error is not None:
        warnings = done.warnings
        trace = done.trace if isinstance(done, Rendered) else None
        return finished((done, ArticleResult(done.source, warnings=warnings, error=done.error, trace=trace)))
    assert done.slug is not None
    owner = claims.claim(done.slug, done.source)
    if owner is not None:
        error = InputError(f"slug {done.slug!r} is already used by {owner}", path=str(done.source),
                           hint="give one of them a `slug:` header line")
        return finished((done, ArticleResult(done.source, warnings=done.warnings, error=error)))
    if isinstance(done, ArticleResult):
        return finished((done, done))
    return writers.submit(lambda: (done, _write(done, folder)))


def _write(rendered: Rendered, folder: Path) -> ArticleResult:
    """Write one article's editions as a set (in a writer thread; the state is not touched here)."""
    assert rendered.slug is not None
    files = {file_name(rendered.slug, name): data for name, data in rendered.editions}
    try:
        written = tuple(write_set(folder, files))
    except OSError as error:
        return ArticleResult(rendered.source, warnings=rendered.warnings,
                             error=OutputError(f"cannot write: {error.strerror}", path=str(folder)))
    except OutputError as error:
        return ArticleResult(rendered.source, warnings=rendered.warnings, error=error.located(str(rendered.source)))
    return ArticleResult(rendered.source, rendered.slug, rendered.date, written, rendered.warnings)


def _remember(result: ArticleResult, done: ArticleResult | Rendered, state: BuildState) -> None:
    """Record what was written; forget a source that failed, so the next build retries it."""
    if result.error is not None:
        state.forget(result.source)
    elif isinstance(done, Rendered):
        assert done.slug is not None and done.input_digest is not None
        state.record(done.source, done.input_digest, done.slug, done.date,
                     {path.name: digest for path, digest in zip(result.written, done.digests)})


def batch_time(report: BuildReport, options: RenderOptions) -> datetime.datetime:
    """SOURCE_DATE_EPOCH, else the newest article date: never the clock."""
    if options.source_date_epoch is not None:
        return datetime.datetime.fromtimestamp(options.source_date_epoch, tz=datetime.timezone.utc)
    dates = [result.date for result in report.results if result.date is not None]
    if dates:
        return datetime.datetime.combine(max(dates), datetime.time(), tzinfo=datetime.timezone.utc)
    return ZIP_EPOCH
