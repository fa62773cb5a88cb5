"""Which files, which editions, written safely.

Every article is rendered completely in memory first; only then are its editions
written, each to a temporary file in the output folder and renamed into place. A
failure therefore never leaves a partial file, and the previous editions survive.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import InputError, OptionsError, OutputError, PublishError
from publish.model import Article
from publish.options import ZIP_EPOCH, RenderOptions
from publish.parse import Parsed, parse
from publish.source import read_source

if TYPE_CHECKING:
    from publish.state import BuildState

#: Edition name -> (module, function). Imported on first use, so a text-only build
#: never loads reportlab or ebooklib.
RENDERERS: dict[str, tuple[str, str]] = {
    "epub": ("publish.render.epub", "render_epub"),
    "pdf": ("publish.render.pdf", "render_pdf"),
    "txt": ("publish.render.text", "render_text"),
    "ascii": ("publish.render.text", "render_ascii"),
    "ninjs": ("publish.render.ninjs", "render_ninjs"),
}
#: File name ending of each edition.
EXTENSIONS: dict[str, str] = {"epub": "epub", "pdf": "pdf", "txt": "txt", "ascii": "ascii.txt", "ninjs": "json"}
#: Built unless --format says otherwise; `ascii` is asked for with --ascii, `ninjs` by name.
FORMATS: tuple[str, ...] = ("epub", "pdf", "txt")
#: Input file ending -> (module, function) of its reader, `read(data, path, encoding,
#: default_language) -> Parsed`; any other file is wire copy for `publish.parse`.
READERS: dict[str, tuple[str, str]] = {".json": ("publish.readers.ninjs", "read_ninjs")}
#: Refuse inputs larger than this before reading them (README, "Limits"): about 1.6
#: million words, far beyond any article, and small enough to typeset in bounded memory.
MAX_INPUT_BYTES = 10 * 1024 * 1024
#: Temporary files older than this are left over from a killed build and are removed.
STALE_TEMPORARY_SECONDS = 3600
#: Most articles sent to a pool worker in one message.
CHUNK_MAX = 8
#: Threads writing editions to disk.
WRITERS = 4


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


def renderer(fmt: str) -> Callable[[Article, RenderOptions], bytes]:
    try:
        module, function = RENDERERS[fmt]
    except KeyError:
        raise OptionsError(f"unknown format {fmt!r}", hint=f"choose from {', '.join(RENDERERS)}") from None
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def parse_formats(value: str | Sequence[str]) -> tuple[str, ...]:
    """`"epub,pdf"` -> ("epub", "pdf"), in canonical order, checked."""
    names = value.split(",") if isinstance(value, str) else list(value)
    chosen = {name.strip().lower() for name in names if name.strip()}
    for name in chosen:
        renderer_known = name in RENDERERS
        if not renderer_known:
            raise OptionsError(f"unknown format {name!r}", hint=f"choose from {', '.join(RENDERERS)}")
    if not chosen:
        raise OptionsError("no format given", hint=f"choose from {', '.join(FORMATS)}")
    return tuple(fmt for fmt in RENDERERS if fmt in chosen)


def collect_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders give their `*.txt` files and the files a reader reads
    (`*.json`: ninjs), sorted, recursively."""
    sources: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            sources.extend(sorted(p for p in path.rglob("*")
                                  if p.suffix.lower() in (".txt", *READERS) and p.is_file()
                                  and not any(part.startswith(".") for part in p.parts)))
        elif path.is_file():
            sources.append(path)
        else:
            raise OptionsError(f"{raw}: no such file or folder")
    return sources


def read_article(path: Path, encoding: str | None = None, default_language: str = "en") -> Parsed:
    """File -> article, with every warning from decoding and parsing."""
    return parse_input(read_input(path), path, encoding, default_language)


def read_input(path: Path) -> bytes:
    """An article file's bytes, refusing one too large to be an article."""
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"file is {size:,} bytes; the limit for one article is {MAX_INPUT_BYTES:,}",
                             path=str(path), hint="split it into several articles")
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path)) from None


def parse_input(data: bytes, path: Path, encoding: str | None = None, default_language: str = "en") -> Parsed:
    """Bytes read from `path` -> article, with every warning from decoding and parsing."""
    reader = READERS.get(path.suffix.lower())
    if reader is not None:
        module, function = reader
        read = getattr(importlib.import_module(module), function)
        return read(data, str(path), encoding, default_language)  # type: ignore[no-any-return]
    source = read_source(data, str(path), encoding)
    parsed = parse(source.text, str(path), default_language)
    return Parsed(parsed.article, source.warnings + parsed.warnings)


def preflight(fmt: str) -> Callable[[Article, RenderOptions], tuple[str, ...]] | None:
    """A renderer module's optional `preflight(article, options) -> warnings` check (for
    example glyphs no font has); under `--strict` it raises instead of warning."""
    module, _ = RENDERERS[fmt]
    return getattr(importlib.import_module(module), "preflight", None)


def render_all(article: Article, formats: Sequence[str], options: RenderOptions,
               warnings: list[str] | None = None) -> dict[str, bytes]:
    """Every requested edition in memory; any failure raises before anything is written.
    Warnings from the renderers' preflight checks are appended to `warnings`."""
    editions: dict[str, bytes] = {}
    for fmt in formats:
        try:
            check = preflight(fmt)
            if check is not None and warnings is not None:
                warnings.extend(check(article, options))
            editions[fmt] = renderer(fmt)(article, options)
        except PublishError as error:
            raise error.located(article.source_path) from error
        except (RecursionError, MemoryError, ValueError, KeyError, IndexError, TypeError,
                AttributeError, OSError, UnicodeError) as error:
            raise PublishError(
                f"could not render the {fmt} edition: {type(error).__name__}: {error}",
                path=article.source_path, hint="this is a bug in publish; run with --verbose and report it",
            ) from error
    return editions


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write `folder/name` so that readers only ever see the old file or the new one."""
    if name in ("", ".", "..") or os.sep in name or (os.altsep is not None and os.altsep in name):
        raise OutputError(f"refusing to write {name!r} outside {folder}")
    target = folder / name
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)  # replaces a symlink itself, never its target
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def prepare_output(out_dir: Path) -> Path:
    """Create the output folder and clear temporary files a killed build left behind."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError("the output path is not a folder", path=str(out_dir)) from None
    except OSError as error:
        raise OutputError(f"cannot create the output folder: {error.strerror}", path=str(out_dir)) from None
    if not out_dir.is_dir():
        raise OutputError("the output path is not a folder", path=str(out_dir))
    now = time.time()
    for leftover in out_dir.glob(".*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another build's file, or already gone: not ours to report
    return out_dir


@dataclass(frozen=True)
class _Task:
    """One article to render: everything a worker needs, picklable."""

    source: Path
    formats: tuple[str, ...]
    options: RenderOptions
    encoding: str | None
    default_language: str = "en"


@dataclass(frozen=True)
class _Rendered:
    """A worker's answer: the editions in memory, or the error (with its traceback text,
    which does not survive pickling otherwise)."""

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


def _render_task(task: _Task) -> _Rendered:
    """Parse and render one article; pure, so it can run in any process."""
    warnings: list[str] = []
    try:
        data = read_input(task.source)
        parsed = parse_input(data, task.source, task.encoding, task.default_language)
        warnings.extend(parsed.warnings)
        article = parsed.article
        editions = render_all(article, task.formats, task.options, warnings)
    except PublishError as error:
        import traceback

        return _Rendered(task.source, warnings=tuple(warnings), error=error.located(str(task.source)),
                         trace="".join(traceback.format_exception(error)))
    digests = tuple(hashlib.sha256(edition).hexdigest() for edition in editions.values())
    return _Rendered(task.source, article.slug, article.date, tuple(editions.items()), tuple(warnings),
                     digests=digests, input_digest=hashlib.sha256(data).hexdigest())


def _render_chunk(tasks: list[_Task]) -> list[_Rendered]:
    return [_render_task(task) for task in tasks]


def _rendered_in_order(tasks: list[_Task], jobs: int) -> Generator[_Rendered, None, None]:
    """Render in a process pool, yielding in input order with a bounded number in flight,
    so memory stays flat however long the batch."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_render_task, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor

    # A large batch goes to the workers a few articles per message: a round trip through
    # the pool costs about as much CPU as a short article's text edition. Small batches
    # go one by one, so every core stays busy to the end.
    size = max(1, min(CHUNK_MAX, len(tasks) // (jobs * 16)))
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[list[_Rendered]]] = deque()
        for start in range(0, len(tasks), size):
            pending.append(pool.submit(_render_chunk, tasks[start:start + size]))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def build(
    paths: Iterable[str | Path],
    out_dir: str | Path = "dist",
    formats: Sequence[str] = FORMATS,
    options: RenderOptions = RenderOptions(),
    *,
    encoding: str | None = None,
    bag: str | Path | None = None,
    jobs: int = 1,
    force: bool = False,
    default_language: str = "en",
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
) -> BuildReport:
    """Build every edition of every article; one bad article does not stop the batch.

    Articles whose input, options, templates and publish version are unchanged since
    the last build into this folder (and whose editions are still there, unmodified)
    are skipped unless `force`. Afterwards `SHA256SUMS` covers every edition in the
    folder; with `bag`, this run's editions are also written as a BagIt bag.
    """
    from publish.archive import write_bag, write_manifest
    from publish.state import BuildState

    started = time.perf_counter()
    folder = prepare_output(Path(out_dir))
    formats = parse_formats(formats)
    sources = collect_sources(paths)
    if on_start:
        on_start(len(sources))
    state = BuildState.load(folder, formats, options, f"{encoding}|{default_language}")
    report = BuildReport()
    slugs: dict[str, Path] = {}
    todo: list[_Task] = []
    up_to_date: dict[Path, ArticleResult] = {}
    for source in sources:
        entry = None if force else state.current(source)
        if entry is not None:
            up_to_date[source] = ArticleResult(source, entry.slug, entry.date, skipped=True)
        else:
            todo.append(_Task(source, formats, options, encoding, default_language))
    rendered = _rendered_in_order(todo, jobs)
    # Files are written by a few threads (writing and fsync wait on the disk, not the
    # CPU), so the main process keeps feeding the workers; results are still reported
    # and recorded in input order.
    pending: deque[tuple[ArticleResult | _Rendered, ArticleResult | Future[ArticleResult]]] = deque()

    def settle(limit: int, notify: bool = True) -> None:
        """Report finished articles in input order while more than `limit` wait."""
        while pending and (len(pending) > limit or _ready(pending[0][1])):
            done, outcome = pending[0]
            result = outcome.result() if isinstance(outcome, Future) else outcome
            pending.popleft()
            _remember(result, done, state)
            report.results.append(result)
            if on_result and notify:
                on_result(result)

    try:
        with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="publish-write") as writers:
            for source in sources:
                done = up_to_date.get(source) or next(rendered)
                pending.append((done, _dispatch(source, done, slugs, writers, folder)))
                settle(limit=WRITERS * 4)
            settle(limit=0)
    finally:
        rendered.close()
        settle(limit=0, notify=False)  # after an interruption: record what reached the disk
        if report.written:
            write_manifest(folder, state.known_digests())
        state.save()
        report.seconds = time.perf_counter() - started
    if bag is not None and report.written:
        write_bag(Path(bag), report.written, _batch_time(report, options))
    return report


def _dispatch(source: Path, done: ArticleResult | _Rendered, slugs: dict[str, Path],
              writers: ThreadPoolExecutor, folder: Path) -> ArticleResult | Future[ArticleResult]:
    """What becomes of one article: its error, a slug collision, its editions being
    written, or (when up to date) its result as it is. A slug is claimed before
    anything is written, so a second article can never overwrite the first one's files."""
    if done.error is not None:
        assert isinstance(done, _Rendered)
        return ArticleResult(source, warnings=done.warnings, error=done.error, trace=done.trace)
    assert done.slug is not None
    if done.slug in slugs:
        warnings = done.warnings if isinstance(done, _Rendered) else ()
        return _collision(source, done.slug, warnings, slugs[done.slug])
    slugs[done.slug] = source
    return writers.submit(_write, done, folder) if isinstance(done, _Rendered) else done


def _ready(outcome: ArticleResult | Future[ArticleResult]) -> bool:
    return not isinstance(outcome, Future) or outcome.done()


def _write(rendered: _Rendered, folder: Path) -> ArticleResult:
    """Write one article's editions (in a writer thread; the build state is not touched here)."""
    assert rendered.slug is not None
    try:
        written = tuple(write_atomic(folder, f"{rendered.slug}.{EXTENSIONS[fmt]}", data)
                        for fmt, data in rendered.editions)
    except OSError as error:
        return ArticleResult(rendered.source, warnings=rendered.warnings,
                             error=OutputError(f"cannot write: {error.strerror}", path=str(folder)))
    except OutputError as error:
        return ArticleResult(rendered.source, warnings=rendered.warnings, error=error)
    return ArticleResult(rendered.source, rendered.slug, rendered.date, written, rendered.warnings)


def _remember(result: ArticleResult, done: ArticleResult | _Rendered, state: BuildState) -> None:
    """Record what was written; forget a source that failed, so the next build retries it."""
    if result.error is not None:
        state.forget(result.source)
    elif isinstance(done, _Rendered):
        assert done.slug is not None and done.input_digest is not None
        state.record(done.source, done.input_digest, done.slug, done.date,
                     {path.name: digest for path, digest in zip(result.written, done.digests)})


def _collision(source: Path, slug: str | None, warnings: tuple[str, ...], first: Path) -> ArticleResult:
    """A second article with the same slug is an error, and writes nothing."""
    return ArticleResult(source, warnings=warnings, error=InputError(
        f"slug {slug!r} is already used by {first}", path=str(source),
        hint="give one of them a `slug:` header line"))


def _batch_time(report: BuildReport, options: RenderOptions) -> datetime.datetime:
    """SOURCE_DATE_EPOCH, else the newest article date: never the clock."""
    if options.source_date_epoch is not None:
        return datetime.datetime.fromtimestamp(options.source_date_epoch, tz=datetime.timezone.utc)
    dates = [result.date for result in report.results if result.date is not None]
    if dates:
        return datetime.datetime.combine(max(dates), datetime.time(), tzinfo=datetime.timezone.utc)
    return ZIP_EPOCH


#: Edition name -> (module, function) for collections.
COLLECTION_RENDERERS: dict[str, tuple[str, str]] = {
    "epub": ("publish.render.epub", "render_collection_epub"),
    "pdf": ("publish.render.pdf", "render_collection_pdf"),
    "txt": ("publish.render.text", "render_collection_text"),
    "ninjs": ("publish.render.ninjs", "render_collection_ninjs"),
}


def collect(
    paths: Iterable[str | Path],
    out_dir: str | Path = "dist",
    title: str = "Digest",
    *,
    date: datetime.date | None = None,
    keep_order: bool = False,
    formats: Sequence[str] = FORMATS,
    options: RenderOptions = RenderOptions(),
    encoding: str | None = None,
    default_language: str = "en",
) -> tuple[list[Path], list[str]]:
    """Build one digest of many articles; any bad article is an error (a digest is whole).
    Articles are sorted by date (undated last), then title, unless `keep_order`."""
    from publish.archive import write_manifest
    from publish.model import Collection, make_slug

    folder = prepare_output(Path(out_dir))
    chosen = [fmt for fmt in parse_formats(formats) if fmt in COLLECTION_RENDERERS]
    warnings: list[str] = []
    articles = []
    for source in collect_sources(paths):
        parsed = read_article(source, encoding, default_language)
        warnings += [f"{source}: {warning}" for warning in parsed.warnings]
        articles.append(parsed.article)
    if not articles:
        raise OptionsError("no articles to collect")
    if not keep_order:
        articles.sort(key=lambda a: (a.date is None, a.date or datetime.date.min, a.title))
    languages = {article.language for article in articles}
    collection = Collection(title=title, slug=make_slug(title, date), articles=tuple(articles), date=date,
                            language=languages.pop() if len(languages) == 1 else default_language)
    editions = {}
    for fmt in chosen:
        module, function = COLLECTION_RENDERERS[fmt]
        editions[fmt] = getattr(importlib.import_module(module), function)(collection, options)
    written = [write_atomic(folder, f"{collection.slug}.{EXTENSIONS[fmt]}", data) for fmt, data in editions.items()]
    write_manifest(folder)
    return written, warnings
