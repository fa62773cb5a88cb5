"""Command line: arguments in, messages out. The work happens in `publish.builder` and
`publish.digest`; the options of `build` and `collect` come from `publish.settings`."""

from __future__ import annotations

import json
import signal
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from publish.errors import InternalError, OptionsError, PublishError
from publish.settings import SETTINGS, Config, Setting, checked, load_config
from publish.version import __version__

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
#: A bug in publish (sysexits' EX_SOFTWARE), never the user's doing.
EXIT_BUG = 70
EXIT_INTERRUPTED = 130
F = TypeVar("F", bound=Callable[..., Any])


def _say_error(error: BaseException, verbose: bool) -> None:
    if verbose:
        traceback.print_exception(error)
    click.echo(f"error: {error}", err=True)


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
        signal.signal(signal.SIGTERM, _terminated)
        try:
            return command(*args, **kwargs)
        except PublishError as error:
            _say_error(error, verbose)
            sys.exit(exit_code(error))
        except KeyboardInterrupt:
            click.echo("error: interrupted; editions already written are complete, nothing partial was left", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except MemoryError:
            click.echo("error: out of memory", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except Exception as error:  # noqa: BLE001 - the last boundary: a bug, said as one
            if verbose:
                traceback.print_exception(error)
            click.echo(
                f"error: internal error: {type(error).__name__}: {error} "
                f"(this is a bug in publish; run with --verbose for the traceback and report it)",
                err=True,
            )
            sys.exit(EXIT_BUG)

    return run  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Publish plain-text news articles as EPUB, PDF and archival plain text.

    \b
    Typical use:
      publish build                      every article in seeds/ into dist/
      publish build story.txt --format pdf
      publish inspect story.txt          the parsed article as JSON
      publish verify dist                check dist/SHA256SUMS
      publish config                     the effective settings

    Defaults come from publish.toml (or [tool.publish] in pyproject.toml) in the
    working folder; options given here override them.
    """
    try:
        ctx.obj = load_config(Path("."))
    except PublishError as error:
        click.echo(f"error: {error}", err=True)
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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@setting_options()
@click.option(
    "--bag",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write this run's editions as a BagIt bag in this folder.",
)
@click.option("--force", is_flag=True, help="Rebuild editions even when they are up to date.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@click.pass_obj
@guarded
def build(
    config: Config, paths: tuple[Path, ...], bag: Path | None, force: bool, quiet: bool, verbose: bool, **given: Any
) -> None:
    """Build editions of PATHS (files or folders; default: seeds/)."""
    import os

    from publish.builder import ArticleResult
    from publish.builder import build as run_build
    from publish.settings import render_options, source_date_epoch

    values = effective(config, given)
    options = render_options(values, source_date_epoch())
    formats = [*values["formats"], *(["ascii"] if values["ascii"] else [])]
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())

    def report(result: ArticleResult) -> None:
        progress.advance()
        for warning in result.warnings:
            if not quiet:
                progress.echo(f"warning: {result.source}: {warning}", err=True)
        if result.error is not None:
            if verbose and result.trace:
                progress.echo(result.trace.rstrip(), err=True)
            progress.echo(f"error: {result.error}", err=True)
        elif not quiet and not progress.enabled:
            for path in result.written:
                click.echo(f"wrote {path}")

    with progress:
        outcome = run_build(
            paths or [Path("seeds")],
            Path(values["out"]),
            formats,
            options,
            encoding=values["encoding"] or None,
            bag=bag,
            jobs=values["jobs"] or os.cpu_count() or 1,
            force=force,
            default_language=values["language"],
            keep_breaks=values["keep_breaks"],
            layout=values["layout"],
            cluster=values["cluster"] or None,
            on_start=progress.start,
            on_result=report,
            on_skip=progress.advance,
            keep="failed",  # every result is printed as it comes; the report keeps counts
        )
    if not outcome.articles:
        raise OptionsError("no articles found (*.txt, *.json)", path=" ".join(map(str, paths)) or "seeds")
    if not quiet:
        if bag is not None and outcome.editions:
            click.echo(f"wrote bag {bag}")
        built = outcome.articles - outcome.skipped - outcome.failed
        click.echo(
            f"{_count(outcome.articles, 'article')}: {built} built "
            f"({_count(outcome.editions, 'edition')}), {outcome.skipped} up to date, "
            f"{outcome.failed} failed, in {outcome.seconds:.2f} s"
        )
    if not outcome.ok:
        if any(isinstance(result.error, InternalError) for result in outcome.results):
            sys.exit(EXIT_BUG)
        if any(isinstance(result.error, OptionsError) for result in outcome.results):
            sys.exit(EXIT_USAGE)  # a template or option the user gave, not the article
        sys.exit(EXIT_BAD_INPUT)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _Progress:
    """A rich progress bar (articles, rate, ETA) on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
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
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
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

    def echo(self, message: str, err: bool = False) -> None:
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=err)


@main.command()
@click.argument("folder", default="dist", type=click.Path(path_type=Path, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def check(folder: Path, verbose: bool) -> None:
    """Validate FOLDER (default: dist/): EPUBCheck, PDF fonts and text, text rules, SHA256SUMS."""
    from publish.check import check_folder

    report = check_folder(folder)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{report.checked} editions checked, {len(report.problems)} problems")
    if not report.ok:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--title", required=True, help="Title of the digest.")
@click.option("--date", "date_text", default=None, help="Date of the digest (YYYY-MM-DD).")
@click.option("--keep-order", is_flag=True, help="Keep the order given instead of sorting by date, then title.")
@setting_options(digest=True)
@click.option("--force", is_flag=True, help="Rebuild the digest even when it is up to date.")
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
    quiet: bool,
    verbose: bool,
    **given: Any,
) -> None:
    """Build one EPUB, PDF and text digest of many articles (default: seeds/)."""
    from publish.digest import collect as run_collect
    from publish.readers.lexing import parse_date
    from publish.settings import render_options, source_date_epoch

    values = effective(config, given)
    try:
        date = parse_date(date_text) if date_text else None
    except PublishError as error:
        raise OptionsError(f"--date: {error.message}", hint="give the digest's date as YYYY-MM-DD") from None
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
    )
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        for path in result.written:
            click.echo(f"wrote {path}")
        if result.skipped:
            click.echo(f"digest {result.slug} is up to date")


@main.command("config")
@click.pass_obj
def show_config(config: Any) -> None:
    """Print the effective settings (publish.toml or [tool.publish], else defaults)."""
    from publish.settings import render_config

    click.echo(render_config(config), nl=False)


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
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def inspect(file: Path, encoding: str | None, output: str, verbose: bool) -> None:
    """Print the parsed article of FILE as JSON: publish's model, or ninjs."""
    from publish.readers import read_article

    parsed = read_article(file, checked("encoding", encoding, where="--encoding") if encoding else None)
    for warning in parsed.warnings:
        click.echo(f"warning: {file}: {warning}", err=True)
    if output.lower() == "ninjs":
        from publish.render.ninjs import render_ninjs

        click.echo(render_ninjs(parsed.article).decode("utf-8"), nl=False)
        return
    click.echo(json.dumps(parsed.article.to_dict(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("folder", default="dist", type=click.Path(path_type=Path, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def verify(folder: Path, verbose: bool) -> None:
    """Check FOLDER/SHA256SUMS (default: dist/); name what changed or is missing, and every
    text edition whose text no longer matches the Identifier it states."""
    from publish.archive import verify_manifest
    from publish.check import record_problems

    result = verify_manifest(folder)
    for name in result.changed:
        click.echo(f"changed: {folder / name}", err=True)
    for name in result.missing:
        click.echo(f"missing: {folder / name}", err=True)
    for name in result.unlisted:
        click.echo(f"not in SHA256SUMS: {folder / name}", err=True)
    # A text edition is also its own proof: it states the identifier of its text. (One the
    # manifest already calls changed is not read again.)
    damaged = 0
    for name in result.checked + result.unlisted:
        if name.endswith(".txt") and not name.endswith(".ascii.txt"):
            path = folder / name
            for problem in record_problems(path.read_text(encoding="utf-8", errors="replace"), path):
                click.echo(f"damaged: {path}: {problem}", err=True)
                damaged += 1
    click.echo(
        f"{len(result.checked)} editions verified, {len(result.changed)} changed, "
        f"{len(result.missing)} missing, {len(result.unlisted)} not listed"
        + (f", {damaged} damaged" if damaged else "")
    )
    if not result.ok or damaged:
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":  # pragma: no cover
    main()
