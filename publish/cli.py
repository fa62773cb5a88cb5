"""Command line: arguments in, messages out. All the work happens in `publish.build`."""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from publish import __version__
from publish.errors import OptionsError, PublishError

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
F = TypeVar("F", bound=Callable[..., Any])


def _source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise OptionsError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds")
    return int(value)


def _say_error(error: BaseException, verbose: bool) -> None:
    if verbose:
        traceback.print_exception(error)
    click.echo(f"error: {error}", err=True)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
            sys.exit(EXIT_USAGE if isinstance(error, OptionsError) else EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("error: interrupted; editions already written are complete, nothing partial was left",
                       err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (OSError, RuntimeError, ValueError, LookupError, TypeError, AttributeError) as error:
            if verbose:
                traceback.print_exception(error)
            click.echo(f"error: internal error: {type(error).__name__}: {error} "
                       f"(run with --verbose for the traceback and report it)", err=True)
            sys.exit(EXIT_BAD_INPUT)

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
    from publish.config import load_config

    try:
        config = load_config(Path("."))
    except PublishError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    ctx.obj = config
    build_defaults = _build_defaults(config.values)
    ctx.default_map = {"build": build_defaults, "collect": {
        key: build_defaults[key] for key in ("out_dir", "formats", "publisher")}}


def _build_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Configuration keys -> `build` option defaults."""
    return {
        "out_dir": values["out"], "formats": ",".join(values["formats"]), "with_ascii": values["ascii"],
        "width": values["width"], "paper": values["paper"], "font": values["font"] or None,
        "publisher": values["publisher"] or None, "language": values["language"],
        "templates": tuple(values["templates"]), "encoding": values["encoding"] or None,
        "strict": values["strict"], "jobs": values["jobs"] or None,
    }


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder the editions are written to.")
@click.option("--format", "formats", default="epub,pdf,txt", show_default=True,
              help="Comma-separated editions to build: epub, pdf, txt (and ascii, ninjs).")
@click.option("--ascii", "with_ascii", is_flag=True,
              help="Also write <slug>.ascii.txt, a 7-bit transliteration of the text edition.")
@click.option("--width", default=72, show_default=True, type=click.IntRange(20, 400),
              help="Column width of the plain-text edition.")
@click.option("--paper", default="auto", show_default=True,
              type=click.Choice(["auto", "A4", "Letter"], case_sensitive=False),
              help="Paper size of the PDF edition; auto: Letter for en-US and other Letter regions, else A4.")
@click.option("--font", default=None, help="Font family name or .ttf file for the PDF body.")
@click.option("--encoding", default=None, help="Encoding of the input files (default: detect).")
@click.option("--bag", type=click.Path(path_type=Path), default=None,
              help="Also write this run's editions as a BagIt bag in this folder.")
@click.option("--publisher", default=None, help="Publisher credited in the editions.")
@click.option("--language", default="en", show_default=True,
              help="Language (BCP 47) of articles that do not say and whose script does not tell.")
@click.option("--templates", multiple=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder searched before the built-in templates (repeatable); one file can be overridden.")
@click.option("--strict", is_flag=True, help="Treat warnings that mean lost text as errors.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Articles rendered at once, in separate processes.  [default: all cores]")
@click.option("--force", is_flag=True, help="Rebuild editions even when they are up to date.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def build(paths: tuple[Path, ...], out_dir: Path, formats: str, with_ascii: bool, width: int, paper: str,
          font: str | None, encoding: str | None, bag: Path | None, publisher: str | None, language: str,
          templates: tuple[Path, ...], strict: bool, jobs: int | None, force: bool, quiet: bool,
          verbose: bool) -> None:
    """Build editions of PATHS (files or folders; default: seeds/)."""
    from publish.build import ArticleResult, build as run_build
    from publish.options import RenderOptions
    from publish.parse import normalise_language

    options = RenderOptions(width=width, paper=paper, font=font, strict=strict, publisher=publisher,
                            template_dirs=tuple(Path(t).resolve() for t in templates),
                            source_date_epoch=_source_date_epoch())
    default_language = normalise_language(language)
    chosen = formats + (",ascii" if with_ascii else "")
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
        outcome = run_build(paths or [Path("seeds")], out_dir, chosen, options, encoding=encoding, bag=bag,
                            jobs=jobs or os.cpu_count() or 1, force=force, default_language=default_language,
                            on_start=progress.start,
                            on_result=report)
    if not outcome.results:
        raise OptionsError("no articles found (*.txt, *.json)", path=" ".join(map(str, paths)) or "seeds")
    if not quiet:
        if bag is not None and outcome.written:
            click.echo(f"wrote bag {bag}")
        built = len(outcome.results) - outcome.skipped - outcome.failed
        click.echo(f"{_count(len(outcome.results), 'article')}: {built} built "
                   f"({_count(len(outcome.written), 'edition')}), {outcome.skipped} up to date, "
                   f"{outcome.failed} failed, in {outcome.seconds:.2f} s")
    if not outcome.ok:
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

        self._bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[rate]} articles/s"), TimeRemainingColumn(),
                             console=Console(stderr=True), transient=True)
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
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path))
@click.option("--format", "formats", default="epub,pdf,txt", show_default=True, help="Editions to build.")
@click.option("--publisher", default=None, help="Publisher credited in the digest.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def collect(paths: tuple[Path, ...], title: str, date_text: str | None, keep_order: bool, out_dir: Path,
            formats: str, publisher: str | None, quiet: bool, verbose: bool) -> None:
    """Build one EPUB, PDF and text digest of many articles (default: seeds/)."""
    from publish.build import collect as run_collect
    from publish.options import RenderOptions
    from publish.parse import parse_date

    date = parse_date(date_text, "--date") if date_text else None
    options = RenderOptions(publisher=publisher, source_date_epoch=_source_date_epoch())
    written, warnings = run_collect(paths or [Path("seeds")], out_dir, title, date=date, keep_order=keep_order,
                                    formats=formats, options=options)
    for warning in warnings:
        if not quiet:
            click.echo(f"warning: {warning}", err=True)
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}")


@main.command("config")
@click.pass_obj
def show_config(config: Any) -> None:
    """Print the effective settings (publish.toml or [tool.publish], else defaults)."""
    from publish.config import render_config

    click.echo(render_config(config), nl=False)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", default=None, help="Encoding of the input file (default: detect).")
@click.option("--format", "output", default="model", show_default=True,
              type=click.Choice(["model", "ninjs"], case_sensitive=False),
              help="model: publish's article model; ninjs: the article as IPTC ninjs (the ninjs edition).")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
@guarded
def inspect(file: Path, encoding: str | None, output: str, verbose: bool) -> None:
    """Print the parsed article of FILE as JSON: publish's model, or ninjs."""
    from publish.build import read_article

    parsed = read_article(file, encoding)
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
    """Check FOLDER/SHA256SUMS (default: dist/); name what changed or is missing."""
    from publish.archive import verify_manifest

    result = verify_manifest(folder)
    for name in result.changed:
        click.echo(f"changed: {folder / name}", err=True)
    for name in result.missing:
        click.echo(f"missing: {folder / name}", err=True)
    for name in result.unlisted:
        click.echo(f"not in SHA256SUMS: {folder / name}", err=True)
    click.echo(f"{len(result.checked)} editions verified, {len(result.changed)} changed, "
               f"{len(result.missing)} missing")
    if not result.ok:
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":  # pragma: no cover
    main()
