"""The builder: plan what is out of date, render where the work runs, commit, record, report.

One design for every place the work runs (this process, a local process pool, a Dask
cluster, see `publish.building.engines`): a worker renders an article and writes its
editions as temporaries into the build's staging folder (`publish.building.work`); only
a small answer comes back. The build then decides, in input order, whether the article
may have its slug (two articles with one slug: the later one is refused) and renames its
set into place (`publish.building.install`), records it and reports it. So the main
process does no rendering, writing or hashing, the editions appear only whole, and a
worker lost mid-chunk leaves only temporaries in the staging folder, which the build
removes.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.building.collect import write_changed_manifests
from publish.building.engines import Engine, Interrupts, staged_in_order, usable_workers
from publish.building.install import BuildState, NewSet
from publish.building.plan import Entry, Planned, Rebuild, task_of
from publish.building.work import STDIN, Staged, Task, feed_facts, read_task, slug_of_name, stdin_source
from publish.editions import DEFAULT_FORMATS, file_name, parse_formats
from publish.errors import InputError, OptionsError, PublishError
from publish.inputs import count_source_names, stream_source_names
from publish.language import DEFAULT
from publish.options import ZIP_EPOCH, RenderOptions
from publish.output import clear_leftovers, folder_lock, make_staging, prepare_output

#: Up-to-date articles (whose refreshed stats are recorded) per state transaction; the
#: articles built are committed a chunk at a time, before their editions are renamed in.
COMMIT_EVERY = 256


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
                planned = Planned(
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
                engine = Engine(workers, cluster, cluster_workers, staging, planned.todo_estimate(), interrupts)
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
                    write_changed_manifests(state, touched, staging, durable=True)
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
        _, notice = feed_facts(article, task)
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
        from publish.settings import parse_address

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


def batch_time(report: BuildReport, options: RenderOptions) -> datetime.datetime:
    """SOURCE_DATE_EPOCH, else the newest article date: never the clock."""
    if options.source_date_epoch is not None:
        return datetime.datetime.fromtimestamp(options.source_date_epoch, tz=datetime.UTC)
    dates = [result.date for result in report.results if result.date is not None]
    if dates:
        return datetime.datetime.combine(max(dates), datetime.time(), tzinfo=datetime.UTC)
    return ZIP_EPOCH
