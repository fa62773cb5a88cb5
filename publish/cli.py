"""Command line: arguments in, messages out. The work happens in `publish.building.builder` and
`publish.digest`; the options of `build` and `collect` come from `publish.settings`."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from publish.errors import InternalError, OptionsError, OutputError, PublishError
from publish.settings import SETTINGS, Config, Setting, checked, load_config
from publish.version import __version__

if TYPE_CHECKING:
    from publish.building.builder import ArticleResult, BuildReport

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
#: A bug in publish (sysexits' EX_SOFTWARE), never the user's doing.
EXIT_BUG = 70
EXIT_INTERRUPTED = 130
F = TypeVar("F", bound=Callable[..., Any])


class _Stdout:
    """Standard output as a command's report: when it cannot be written (`| head -1` has
    gone, `> /dev/full`), the work goes on and the rest of the report is dropped; a
    reader that left (a broken pipe) is no error, a full disk is said at the end."""

    gone = False
    error: OSError | None = None

    @classmethod
    def say(cls, message: str, nl: bool = True) -> None:
        if cls.gone:
            return
        try:
            click.echo(message, nl=nl)
        except OSError as error:
            cls.gone = True
            if not isinstance(error, BrokenPipeError):
                cls.error = error
            # What is still buffered goes nowhere, so nothing fails again at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    @classmethod
    def check(cls) -> None:
        """Raise, once the work is done, the error that lost part of the report."""
        if cls.error is not None:
            error, cls.error = cls.error, None
            raise OutputError(
                f"cannot write to standard output: {error.strerror}", hint="the work was done; its report was lost"
            )


say = _Stdout.say


def emit(event: dict[str, Any]) -> None:
    """One JSON Lines event on standard output (`--json`; the shape is
    `publish/data/schemas/cli-events.schema.json`)."""
    say(json.dumps(event, ensure_ascii=False, separators=(",", ":")))


def error_object(error: PublishError) -> dict[str, Any]:
    """An error as `--json` gives it: what, where and what to do, apart."""
    return {
        "kind": type(error).__name__,
        "message": error.message,
        "file": error.path,
        "line": error.line,
        "hint": error.hint,
    }


def warning_objects(source: Path | str | None, warnings: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    """Warnings as `--json` gives them, each naming its file (the line: where one is known)."""
    objects = []
    for warning in warnings:
        line, message = _line_of(warning)
        objects.append({"file": None if source is None else str(source), "line": line, "message": message})
    return objects


#: A reader's warning about one line starts `line N: ` (the message format puts N after the file).
_LINE_FIRST = re.compile(r"line (\d+): (.*)", re.DOTALL)


def _line_of(message: str) -> tuple[int | None, str]:
    found = _LINE_FIRST.fullmatch(message)
    return (int(found[1]), found[2]) if found else (None, message)


def message_line(
    severity: str, message: str, path: Path | str | None = None, line: int | None = None, hint: str | None = None
) -> str:
    """The one shape of every message: `FILE:LINE: severity: message (hint: ...)`, the file
    and line left out where unknown (as editors and CI annotators read them). A message that
    starts `line N: ` gives its line."""
    if line is None:
        line, message = _line_of(message)
    place = "" if not path else f"{path}:{line}: " if line is not None else f"{path}: "
    return f"{place}{severity}: {message}" + (f" (hint: {hint})" if hint else "")


def error_line(error: PublishError) -> str:
    return message_line("error", error.message, error.path, error.line, error.hint)


def tell(message: str) -> None:
    """A line on standard error (where it cannot be written, there is no one to tell)."""
    with contextlib.suppress(OSError):
        click.echo(message, err=True)


def _say_error(error: PublishError, verbose: bool) -> None:
    if verbose:
        tell("".join(traceback.format_exception(error)).rstrip())
    tell(error_line(error))


def _emit_error(command: str, error: PublishError) -> None:
    """The last `--json` event of a command that could not run or stopped."""
    with contextlib.suppress(OSError):
        emit({"event": "error", "command": command, "error": error_object(error), "exit_code": exit_code(error)})


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def exit_code(error: PublishError) -> int:
    if isinstance(error, InternalError):
        return EXIT_BUG
    return EXIT_USAGE if isinstance(error, OptionsError) else EXIT_BAD_INPUT


def guarded(command: F) -> F:
    """One line and an exit code for every way a command can fail; never a traceback
    unless --verbose. SIGTERM is handled like Ctrl-C so temporary files are removed."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        verbose = bool(kwargs.get("verbose"))
        as_json = bool(kwargs.get("as_json"))
        # A closed terminal (SIGHUP) and a polite kill (SIGTERM) stop a build as Ctrl-C does.
        for stopping in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if stopping is not None:
                signal.signal(stopping, _terminated)
        try:
            result = command(*args, **kwargs)
            _Stdout.check()
            return result
        except PublishError as error:
            _say_error(error, verbose)
            if as_json:  # a script reading the events learns why they stopped
                _emit_error(command.__name__, error)
            sys.exit(exit_code(error))
        except KeyboardInterrupt:
            tell("error: interrupted; editions already written are complete, nothing partial was left")
            sys.exit(EXIT_INTERRUPTED)
        except MemoryError:
            tell("error: out of memory (hint: build fewer articles at once, or with --jobs 1)")
            sys.exit(EXIT_BAD_INPUT)
        except Exception as error:  # noqa: BLE001 - the last boundary: a bug, said as one
            if verbose:
                tell("".join(traceback.format_exception(error)).rstrip())
            tell(
                message_line(
                    "error",
                    f"internal error: {type(error).__name__}: {error}",
                    hint="this is a bug in publish; run with --verbose for the traceback and report it",
                )
            )
            if as_json:
                bug = InternalError(
                    f"internal error: {type(error).__name__}: {error}",
                    hint="this is a bug in publish; run with --verbose for the traceback and report it",
                )
                _emit_error(command.__name__, bug)
            sys.exit(EXIT_BUG)

    return run  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read the settings from this TOML file (default: $PUBLISH_CONFIG, else ./publish.toml, else pyproject.toml).",
)
@click.pass_context
def main(ctx: click.Context, config_file: Path | None) -> None:
    """Publish plain-text news articles as EPUB, PDF and archival plain text.

    \b
    Typical use:
      publish build                      every article in seeds/ into dist/
      publish build story.txt --format pdf
      publish inspect story.txt          the parsed article as JSON
      publish verify dist                check dist/SHA256SUMS
      publish config                     the effective settings
      publish templates --copy house     the built-in templates, to edit

    Defaults come from --config FILE, else the file $PUBLISH_CONFIG names, else
    publish.toml (or [tool.publish] in pyproject.toml) in the working folder;
    options given here override them (`publish config` says where each came from).
    """
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is shown as its bytes
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    try:
        os.getcwd()
    except FileNotFoundError:
        _say_error(OptionsError("the working folder no longer exists", hint="change to a folder that exists"), False)
        sys.exit(EXIT_USAGE)
    from publish.settings import CONFIG_VARIABLE

    named = os.environ.get(CONFIG_VARIABLE, "")
    try:
        if config_file is not None:
            ctx.obj = load_config(Path("."), config_file, "--config")
        elif named:
            ctx.obj = load_config(Path("."), Path(named), CONFIG_VARIABLE)
        else:
            ctx.obj = load_config(Path("."))
    except PublishError as error:
        _say_error(error, False)
        sys.exit(EXIT_USAGE)


def _click_option(setting: Setting) -> Callable[[F], F]:
    """A click option derived from one setting: absent means "the configuration's value"."""
    flags = setting.flags
    help_text = setting.help[:1].upper() + setting.help[1:] + f".  [default: {_shown(setting.default)}]"
    if setting.kind is bool:
        long = flags[-1]
        return click.option(f"{long}/--no-{long[2:]}", setting.name, default=None, help=help_text)
    if setting.name == "templates":
        return click.option(
            *flags, setting.name, multiple=True, type=click.Path(path_type=Path, file_okay=False), help=help_text
        )
    kind = click.INT if setting.kind is int else click.STRING
    return click.option(*flags, setting.name, default=None, type=kind, help=help_text)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) or "none"
    return str(value) if value != "" else "none"


def setting_options(digest: bool = False) -> Callable[[F], F]:
    """Every setting's option, for `build` (all) or `collect` (those a digest uses)."""

    def apply(command: F) -> F:
        for setting in reversed(SETTINGS):
            if setting.for_digests or not digest:
                command = _click_option(setting)(command)
        return command

    return apply


def effective(config: Config, given: dict[str, Any]) -> dict[str, Any]:
    """The configuration's values with the command line's on top, each checked."""
    values = dict(config.values)
    for setting in SETTINGS:
        value = given.pop(setting.name, None)
        if value is None or value == ():
            continue
        if setting.name == "templates":
            value = [str(folder) for folder in value]
        values[setting.name] = checked(setting.name, value, where=setting.flags[-1])
    return values


#: `--json`: the events of one command as JSON Lines, the same options on every command.
json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON Lines (one event per article or file, then a summary) instead of lines for people.",
)

#: `--dry-run`: say what would be done, and why, writing nothing.
dry_run_option = click.option(
    "--dry-run",
    is_flag=True,
    help="Say what would be built, skipped, held or removed, and why; write nothing (not even the output folder).",
)

#: How `--json` names what happened to an article (a result's notice kind, else built or up to date).
STATUS_OF_NOTICE = {"held": "held", "withdrawn": "withdrawn", "same": "published-already"}


#: What a dry run says instead (an up-to-date or held article is the same either way).
WOULD = {"built": "would-build", "failed": "would-fail", "withdrawn": "would-withdraw"}


def article_event(result: ArticleResult, dry_run: bool = False) -> dict[str, Any]:
    """An `ArticleResult` as a `--json` event."""
    if result.error is not None:
        status = "failed"
    elif result.notice is not None:
        status = STATUS_OF_NOTICE[result.notice[0]]
    else:
        status = "up-to-date" if result.skipped else "built"
    extra: dict[str, Any] = {}
    if dry_run:
        status = WOULD.get(status, status)
        extra["would_write"] = [str(path) for path in result.planned]
    return {
        "event": "article",
        "command": "build",
        "dry_run": dry_run,
        "source": str(result.source),
        "status": status,
        "slug": result.slug,
        "date": result.date.isoformat() if result.date is not None else None,
        "written": [str(path) for path in result.written],
        "moved": [{"from": str(old), "to": str(new)} for old, new in result.moved],
        "warnings": warning_objects(result.source, result.warnings),
        "error": error_object(result.error) if result.error is not None else None,
        "reason": result.notice[1] if result.notice is not None else result.reason,
        **extra,
    }


def _dry_build(
    paths: tuple[Path, ...],
    values: dict[str, Any],
    options: Any,
    formats: list[str],
    force: bool,
    stdin: bytes | None,
    name: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """`build --dry-run`: each article's fate and why, then a summary; exit 1 when one would fail to read."""
    from publish.building.builder import preview

    def report(result: ArticleResult) -> None:
        if as_json:
            emit(article_event(result, dry_run=True))
        elif result.error is not None:
            tell(error_line(result.error))
        elif quiet:
            return
        elif result.skipped:
            say(f"up to date: {result.source}")
        elif result.notice is not None:
            kind = {"held": "would hold", "withdrawn": "would withdraw"}[result.notice[0]]
            say(f"{kind} {result.source}: {result.notice[1]}")
        else:
            say(f"would build {result.source} ({result.reason})")
            for path in result.planned:
                say(f"would write {path}")

    outcome = preview(
        paths or [Path("seeds")],
        Path(values["out"]),
        formats,
        options,
        on_result=report,
        **_batch_arguments(values, force, stdin, name),
    )
    if not outcome.articles:
        raise OptionsError("no articles found (*.txt, *.json)", path=" ".join(map(str, paths)) or "seeds")
    code = build_exit_code(outcome.results, outcome.ok)
    summary = _build_summary(outcome, code, dry_run=True)
    built, planned = summary["built"], summary["editions"]
    if as_json:
        emit(summary)
    elif not quiet:
        feed = "".join(
            f", {count} {words}"
            for kind, words in (("held", "held"), ("withdrawn", "withdrawn"))
            if (count := outcome.notices[kind])
        )
        say(
            f"dry run, nothing written: {_count(outcome.articles, 'article')}: {built} to build "
            f"({_count(planned, 'edition')}), {outcome.skipped} up to date{feed}, {outcome.failed} failing"
        )
    _Stdout.check()
    if code:
        sys.exit(code)


def _batch_arguments(values: dict[str, Any], force: bool, stdin: bytes | None, name: str | None) -> dict[str, Any]:
    """What a build and its dry run are given alike: how inputs are read, where editions go,
    the clock, standard input's article."""
    from publish.settings import now_of

    return {
        "encoding": values["encoding"] or None,
        "force": force,
        "default_language": values["language"],
        "keep_breaks": values["keep_breaks"],
        "layout": values["layout"],
        "now": now_of(values),
        "ignore_embargo": values["ignore_embargo"],
        "stdin": stdin,
        "name": name,
    }


def _build_summary(outcome: BuildReport, code: int, *, dry_run: bool, bag: str | None = None) -> dict[str, Any]:
    """A build's (or a dry run's) last `--json` event; its counts are the human summary's too."""
    return {
        "event": "summary",
        "command": "build",
        "dry_run": dry_run,
        "articles": outcome.articles,
        "built": outcome.articles - outcome.skipped - outcome.failed - sum(outcome.notices.values()),
        # A dry run counts the editions it would write; a build, those it wrote.
        "editions": sum(len(result.planned) for result in outcome.results) if dry_run else outcome.editions,
        "up_to_date": outcome.skipped,
        "held": outcome.notices["held"],
        "withdrawn": outcome.notices["withdrawn"],
        "published_already": outcome.notices["same"],
        "failed": outcome.failed,
        "seconds": round(outcome.seconds, 3),
        "notes": list(outcome.notes),
        "bag": None if outcome.bag_written is None else {"path": bag, "written": outcome.bag_written},
        "exit_code": code,
    }


def build_exit_code(results: list[ArticleResult], ok: bool) -> int:
    """A build's exit code: 0, or the worst of its failed articles' (a bug, a usage error, bad input)."""
    if ok:
        return 0
    if any(isinstance(result.error, InternalError) for result in results):
        return EXIT_BUG
    if any(isinstance(result.error, OptionsError) for result in results):
        return EXIT_USAGE  # a template or option the user gave, not the article
    return EXIT_BAD_INPUT


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@setting_options()
@click.option(
    "--bag",
    default=None,
    help="Also write the editions of these articles (built or up to date) as a BagIt bag in this folder.",
)
@click.option("--force", is_flag=True, help="Rebuild editions even when they are up to date.")
@click.option(
    "--name",
    default=None,
    help="Name the editions of the article read from standard input (PATH -) by this, not by its headline.",
)
@dry_run_option
@json_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@click.pass_obj
@guarded
def build(
    config: Config,
    paths: tuple[Path, ...],
    bag: str | None,
    force: bool,
    name: str | None,
    dry_run: bool,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    **given: Any,
) -> None:
    """Build editions of PATHS (files or folders, - for one article on standard input; default: seeds/)."""
    from publish.building.builder import build as run_build
    from publish.building.work import STDIN
    from publish.inputs import read_stdin
    from publish.settings import render_options, source_date_epoch

    values = effective(config, given)
    options = render_options(values, source_date_epoch())
    formats = [*values["formats"], *(["ascii"] if values["ascii"] else [])]
    stdin = read_stdin() if any(str(path) == STDIN for path in paths) else None
    if dry_run:
        if bag is not None:
            raise OptionsError("--bag and --dry-run: a dry run writes no bag", hint="leave out --bag")
        _dry_build(paths, values, options, formats, force, stdin, name, as_json, quiet)
        return
    progress = _Progress(enabled=not quiet and not as_json and sys.stderr.isatty())

    def report(result: ArticleResult) -> None:
        progress.advance()
        if as_json:
            emit(article_event(result))
            return
        for warning in result.warnings:
            if not quiet:
                progress.echo(message_line("warning", warning, result.source))
        if result.error is not None:
            if verbose and result.trace:
                progress.echo(result.trace.rstrip())
            progress.echo(error_line(result.error))
        if result.notice is not None and not quiet and result.error is None:
            progress.echo(message_line("note", f"{result.notice[0]}: {result.notice[1]}", result.source))
        if not quiet and not progress.enabled:
            for old, new in result.moved:
                say(f"moved {old} to {new}")
            for path in result.written:
                say(f"wrote {path}")

    with progress:
        outcome = run_build(
            paths or [Path("seeds")],
            Path(values["out"]),
            formats,
            options,
            bag=bag,
            jobs=values["jobs"] or os.cpu_count() or 1,
            cluster=values["cluster"] or None,
            on_start=progress.start,
            on_result=report,
            # With --json every article is an event (an up-to-date one too); otherwise one is only counted.
            on_skip=None if as_json else progress.advance,
            keep="failed",  # every result is printed as it comes; the report keeps counts
            **_batch_arguments(values, force, stdin, name),
        )
    if not outcome.articles:
        raise OptionsError("no articles found (*.txt, *.json)", path=" ".join(map(str, paths)) or "seeds")
    code = build_exit_code(outcome.results, outcome.ok)
    summary = _build_summary(outcome, code, dry_run=False, bag=bag)
    built = summary["built"]
    if as_json:
        emit(summary)
    elif not quiet:
        for note in outcome.notes:
            tell(f"note: {note}")
        if outcome.bag_written is not None:
            say(f"wrote bag {bag}" if outcome.bag_written else f"bag {bag} is up to date")
        feed = "".join(
            f", {count} {words}"
            for kind, words in (("held", "held"), ("withdrawn", "withdrawn"), ("same", "published already"))
            if (count := outcome.notices[kind])
        )
        say(
            f"{_count(outcome.articles, 'article')}: {built} built "
            f"({_count(outcome.editions, 'edition')}), {outcome.skipped} up to date{feed}, "
            f"{outcome.failed} failed, in {outcome.seconds:.2f} s"
        )
    _Stdout.check()
    if code:
        sys.exit(code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _Progress:
    """A rich progress bar (items done, rate, ETA) on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, label: str = "building", unit: str = "articles") -> None:
        self.enabled = enabled
        self.label, self.unit = label, unit
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def start(self, total: int) -> None:
        if not self.enabled or total < 2:
            self.enabled = False
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} " + self.unit + "/s"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._bar.add_task("build", total=total, rate="-")
        self._bar.start()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
            task = self._bar.tasks[0]
            if task.speed:
                self._bar.update(self._task, rate=f"{task.speed:.1f}")

    def echo(self, message: str) -> None:
        """A line on standard error, above the bar while there is one: one line whatever
        the terminal's width (rich would wrap it; editors and CI read messages by line)."""
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False, soft_wrap=True)
        else:
            tell(message)


def _read_whole(folder: Path) -> AbstractContextManager[None]:
    """The lock of the build folder `folder` belongs to, held while it is read: a build into
    it is waited for (and the wait said), since mid-build a manifest is not yet the folder's."""
    from publish.output import reading_lock

    return reading_lock(folder, on_wait=lambda: tell(f"note: waiting for the build into {folder} to finish"))


def located(text: str, folder: Path) -> tuple[str | None, int | None, str]:
    """A `check` message, `FILE[:LINE]: message` with FILE in `folder`, as (file, line, message)."""
    prefix = str(folder)
    if text.startswith(prefix):
        found = re.match(r"([^:]*?)(?::(\d+))?: (.*)", text[len(prefix) :], re.DOTALL)
        if found is not None:
            return prefix + found[1], int(found[2]) if found[2] else None, found[3]
    return None, None, text


@main.command()
@click.argument("folder", default="dist", type=click.Path(path_type=Path, file_okay=False))
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def check(folder: Path, as_json: bool, verbose: bool) -> None:
    """Validate FOLDER (default: dist/): EPUBCheck, PDF fonts and text, text rules, SHA256SUMS."""
    from publish.check import check_folder

    progress = _Progress(enabled=not as_json and sys.stderr.isatty(), label="checking", unit="files")
    with _read_whole(folder), progress:
        report = check_folder(folder, on_start=progress.start, on_file=progress.advance)
    code = 0 if report.ok else EXIT_BAD_INPUT
    if as_json:
        for note in report.notes:
            file, _, message = located(note, folder)
            emit({"event": "note", "command": "check", "file": file, "message": message})
        for problem in report.problems:
            file, line, message = located(problem, folder)
            emit({"event": "problem", "command": "check", "file": file, "line": line, "message": message})
        emit(
            {
                "event": "summary",
                "command": "check",
                "checked": report.checked,
                "problems": len(report.problems),
                "exit_code": code,
            }
        )
    else:
        for note in report.notes:
            file, line, message = located(note, folder)
            tell(message_line("note", message, file, line))
        for problem in report.problems:
            file, line, message = located(problem, folder)
            tell(message_line("error", message, file, line))
        say(f"{report.checked} editions checked, {len(report.problems)} problems")
    if code:
        _Stdout.check()
        sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--title", required=True, help="Title of the digest.")
@click.option("--date", "date_text", default=None, help="Date of the digest (YYYY-MM-DD).")
@click.option("--keep-order", is_flag=True, help="Keep the order given instead of sorting by date, then title.")
@setting_options(digest=True)
@click.option("--force", is_flag=True, help="Rebuild the digest even when it is up to date.")
@dry_run_option
@json_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@click.pass_obj
@guarded
def collect(
    config: Config,
    paths: tuple[Path, ...],
    title: str,
    date_text: str | None,
    keep_order: bool,
    force: bool,
    dry_run: bool,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    **given: Any,
) -> None:
    """Build one EPUB, PDF and text digest of many articles (default: seeds/)."""
    from publish.digest import collect as run_collect
    from publish.readers.lexing import parse_date
    from publish.settings import now_of, render_options, source_date_epoch

    values = effective(config, given)
    try:
        date = parse_date(date_text) if date_text else None
    except PublishError as error:
        raise OptionsError(f"--date: {error.message}", hint="give the digest's date as YYYY-MM-DD") from None
    progress = _Progress(enabled=not quiet and not as_json and sys.stderr.isatty(), label="reading")
    with progress:
        result = run_collect(
            paths or [Path("seeds")],
            Path(values["out"]),
            title,
            date=date,
            keep_order=keep_order,
            formats=values["formats"],
            options=render_options(values, source_date_epoch()),
            encoding=values["encoding"] or None,
            default_language=values["language"],
            keep_breaks=values["keep_breaks"],
            force=force,
            now=now_of(values),
            ignore_embargo=values["ignore_embargo"],
            dry_run=dry_run,
            on_start=progress.start,
            on_read=progress.advance,
        )
    built = 0 if result.skipped else 1
    if as_json:
        status = "up-to-date" if result.skipped else "would-build" if dry_run else "built"
        emit(
            {
                "event": "digest",
                "command": "collect",
                "dry_run": dry_run,
                "slug": result.slug,
                "status": status,
                "articles": result.articles,
                "left_out": result.left_out,
                "written": [str(path) for path in result.written],
                "warnings": [warning_objects(file, [warning])[0] for file, warning in result.warnings],
                "reason": result.reason,
                **({"would_write": [str(path) for path in result.planned]} if dry_run else {}),
            }
        )
        emit(
            {
                "event": "summary",
                "command": "collect",
                "dry_run": dry_run,
                "articles": result.articles,
                "left_out": result.left_out,
                "built": built,
                "editions": len(result.planned if dry_run else result.written),
                "up_to_date": 1 - built,
                "seconds": round(result.seconds, 3),
                "exit_code": 0,
            }
        )
        return
    if quiet:
        return
    for file, warning in result.warnings:
        tell(message_line("warning", warning, file))
    if dry_run:
        if result.skipped:
            say(f"up to date: digest {result.slug}")
        else:
            say(f"would build digest {result.slug} ({result.reason})")
            for path in result.planned:
                say(f"would write {path}")
        say(
            f"dry run, nothing written: {_count(result.articles, 'article')}: {built} digest to build "
            f"({_count(len(result.planned), 'edition')}), {1 - built} up to date"
            + (f", {result.left_out} left out" if result.left_out else "")
        )
        return
    for path in result.written:
        say(f"wrote {path}")
    if result.skipped:
        say(f"digest {result.slug} is up to date")
    say(
        f"{_count(result.articles, 'article')}: 1 digest, {built} built ({_count(len(result.written), 'edition')}), "
        f"{1 - built} up to date"
        + (f", {result.left_out} left out" if result.left_out else "")
        + f", in {result.seconds:.2f} s"
    )


@main.command("templates")
@click.option(
    "--copy",
    "copy_to",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Copy the built-in templates into DIR (new or empty) to edit them; then build with --templates DIR.",
)
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@click.pass_obj
@guarded
def templates(config: Config, copy_to: Path | None, verbose: bool) -> None:
    """Print where templates are looked for, first match first: the configuration's
    template folders, then the built-in ones; --copy DIR copies the built-in ones out."""
    from publish.templates import copy_templates, default_template_dir

    if copy_to is None:
        for folder in config.values.get("templates", []):
            say(str(folder))
        say(f"{default_template_dir()} (built-in)")
        return
    written = copy_templates(copy_to)
    say(f"copied {_count(len(written), 'template')} to {copy_to}; build with --templates {copy_to}")


@main.command("config")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@click.pass_obj
@guarded
def show_config(config: Any, verbose: bool) -> None:
    """Print the effective settings (publish.toml or [tool.publish], else defaults)."""
    from publish.settings import render_config

    say(render_config(config), nl=False)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", default=None, help="Encoding of the input file (default: detect).")
@click.option(
    "--format",
    "output",
    default="model",
    show_default=True,
    type=click.Choice(["model", "ninjs"], case_sensitive=False),
    help="model: publish's article model; ninjs: the article as IPTC ninjs (the ninjs edition).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document: the source, its warnings and the article (model or ninjs).",
)
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def inspect(file: Path, encoding: str | None, output: str, as_json: bool, verbose: bool) -> None:
    """Print the parsed article of FILE (- for standard input) as JSON: publish's model, or ninjs."""
    from publish.api import read, write
    from publish.building.work import STDIN, STDIN_NAME

    encoding = checked("encoding", encoding, where="--encoding") if encoding else None
    warnings: list[str] = []
    if str(file) == STDIN:
        from publish.inputs import read_stdin

        file = Path(STDIN_NAME)
        article = read(read_stdin(), name=STDIN_NAME, encoding=encoding, warnings=warnings)
    else:
        article = read(file, encoding=encoding, warnings=warnings)
    ninjs = output.lower() == "ninjs"
    if as_json:
        document = {
            "event": "inspect",
            "command": "inspect",
            "source": str(file),
            "format": "ninjs" if ninjs else "model",
            "warnings": warning_objects(file, warnings),
            "article": json.loads(write(article, "ninjs")) if ninjs else article.to_dict(),
        }
        say(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for warning in warnings:
        tell(message_line("warning", warning, file))
    if ninjs:
        say(write(article, "ninjs").decode("utf-8"), nl=False)
        return
    say(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("folder", default="dist", type=click.Path(path_type=Path, file_okay=False))
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def verify(folder: Path, as_json: bool, verbose: bool) -> None:
    """Check FOLDER/SHA256SUMS (default: dist/); name what changed or is missing, and every
    text edition whose text no longer matches the Identifier it states."""
    from publish.archive import editions_in, manifest_folders, verify_manifest
    from publish.check import text_edition_problems

    shown = not as_json and sys.stderr.isatty()
    with _read_whole(folder):
        with _Progress(enabled=shown, label="verifying", unit="files") as progress:
            if shown and folder.is_dir():
                progress.start(sum(len(editions_in(here)) for here in manifest_folders(folder)))
            result = verify_manifest(folder, on_file=progress.advance)
        texts = [
            name
            for name in result.checked + result.unlisted
            if name.endswith(".txt") and not name.endswith(".ascii.txt")
        ]
        with _Progress(enabled=shown, label="reading back", unit="files") as reading:
            reading.start(len(texts))
            for label, status, names in (
                ("changed since SHA256SUMS was written", "changed", result.changed),
                ("listed in SHA256SUMS but missing", "missing", result.missing),
                ("not in SHA256SUMS", "not-listed", result.unlisted),
            ):
                for name in names:
                    if as_json and status != "not-listed":  # (an unlisted text edition is read back below)
                        emit(
                            {
                                "event": "edition",
                                "command": "verify",
                                "file": str(folder / name),
                                "status": status,
                                "problems": [],
                            }
                        )
                    elif not as_json:
                        reading.echo(message_line("error", label, folder / name))
            # A text edition is also its own proof: it states the identifier of its text. (One the
            # manifest already calls changed is not read again.)
            damaged = 0
            for name in result.checked + result.unlisted:
                problems: list[str] = []
                if name.endswith(".txt") and not name.endswith(".ascii.txt"):
                    problems, note = text_edition_problems(folder / name)
                    reading.advance()
                    if note and as_json:
                        emit({"event": "note", "command": "verify", "file": str(folder / name), "message": note})
                    elif note:
                        reading.echo(message_line("note", note, folder / name))
                    for problem in problems if not as_json else ():
                        reading.echo(message_line("error", f"damaged: {problem}", folder / name))
                    damaged += len(problems)
                if as_json:
                    status = "damaged" if problems else "verified" if name in result.checked else "not-listed"
                    emit(
                        {
                            "event": "edition",
                            "command": "verify",
                            "file": str(folder / name),
                            "status": status,
                            "problems": problems,
                        }
                    )
    code = 0 if result.ok and not damaged else EXIT_BAD_INPUT
    if as_json:
        emit(
            {
                "event": "summary",
                "command": "verify",
                "verified": len(result.checked),
                "changed": len(result.changed),
                "missing": len(result.missing),
                "not_listed": len(result.unlisted),
                "damaged": damaged,
                "exit_code": code,
            }
        )
    else:
        say(
            f"{len(result.checked)} editions verified, {len(result.changed)} changed, "
            f"{len(result.missing)} missing, {len(result.unlisted)} not listed"
            + (f", {damaged} damaged" if damaged else "")
        )
    if code:
        _Stdout.check()
        sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
