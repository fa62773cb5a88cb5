"""Command line: arguments in, messages out. All the work happens in `publish.build`."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from publish import __version__
from publish.errors import OptionsError, PublishError

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def _source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise OptionsError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds")
    return int(value)


def _fail(error: PublishError, verbose: bool) -> None:
    if verbose:
        traceback.print_exception(error)
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_USAGE if isinstance(error, OptionsError) else EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
def main() -> None:
    """Publish plain-text news articles as EPUB, PDF and archival plain text.

    \b
    Typical use:
      publish build                      every article in seeds/ into dist/
      publish build story.txt --format pdf
      publish inspect story.txt          the parsed article as JSON
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder the editions are written to.")
@click.option("--format", "formats", default="epub,pdf,txt", show_default=True,
              help="Comma-separated editions to build: epub, pdf, txt.")
@click.option("--width", default=72, show_default=True, type=click.IntRange(20, 400),
              help="Column width of the plain-text edition.")
@click.option("--paper", default="auto", show_default=True,
              type=click.Choice(["auto", "A4", "Letter"], case_sensitive=False),
              help="Paper size of the PDF edition; auto: Letter for en-US and other Letter regions, else A4.")
@click.option("--font", default=None, help="Font family name or .ttf file for the PDF body.")
@click.option("--encoding", default=None, help="Encoding of the input files (default: detect).")
@click.option("--strict", is_flag=True, help="Treat warnings that mean lost text as errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
def build(paths: tuple[Path, ...], out_dir: Path, formats: str, width: int, paper: str, font: str | None,
          encoding: str | None, strict: bool, quiet: bool, verbose: bool) -> None:
    """Build editions of PATHS (files or folders; default: seeds/)."""
    from publish.build import ArticleResult, build as run_build
    from publish.options import RenderOptions

    try:
        options = RenderOptions(width=width, paper=paper,
                                font=font, strict=strict, source_date_epoch=_source_date_epoch())

        def report(result: ArticleResult) -> None:
            for warning in result.warnings:
                click.echo(f"warning: {result.source}: {warning}", err=True)
            if result.error is not None:
                if verbose and result.error.__cause__ is not None:
                    traceback.print_exception(result.error.__cause__)
                click.echo(f"error: {result.error}", err=True)
            elif not quiet:
                for path in result.written:
                    click.echo(f"wrote {path}")

        outcome = run_build(paths or [Path("seeds")], out_dir, formats, options, encoding=encoding,
                            on_result=report)
    except PublishError as error:
        _fail(error, verbose)
        return
    if not outcome.results:
        _fail(OptionsError("no articles found (*.txt)", path=" ".join(map(str, paths)) or "seeds"), verbose)
    if not outcome.ok:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", default=None, help="Encoding of the input file (default: detect).")
@click.option("-v", "--verbose", is_flag=True, help="Add tracebacks to errors.")
def inspect(file: Path, encoding: str | None, verbose: bool) -> None:
    """Print the parsed article model of FILE as JSON."""
    from publish.build import read_article

    try:
        parsed = read_article(file, encoding)
    except PublishError as error:
        _fail(error, verbose)
        return
    for warning in parsed.warnings:
        click.echo(f"warning: {file}: {warning}", err=True)
    click.echo(json.dumps(parsed.article.to_dict(), ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
