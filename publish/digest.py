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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from publish.editions import DEFAULT_FORMATS, collection_renderer, file_name, parse_formats, render_all
from publish.errors import InputError, OptionsError
from publish.inputs import collect_sources, read_input
from publish.language import DEFAULT
from publish.model import Article, Collection, make_slug
from publish.options import RenderOptions
from publish.output import folder_lock, prepare_output, write_set
from publish.readers import read_bytes
from publish.state import BuildState


@dataclass(frozen=True)
class DigestResult:
    """What `collect` did."""

    slug: str
    written: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    #: True when the digest's editions were up to date and nothing was rendered.
    skipped: bool = False


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
) -> DigestResult:
    """Build one digest of many articles; any bad article is an error (a digest is whole).
    Articles are sorted by date (undated last), then title, unless `keep_order`."""
    from publish.archive import write_manifest

    title = " ".join(title.split())
    if not title:
        raise OptionsError("the digest's --title is empty", hint="give the digest a title")
    chosen = tuple(name for name in parse_formats(formats) if collection_renderer(name) is not None)
    if not chosen:
        raise OptionsError(
            f"no digest edition among {', '.join(parse_formats(formats))}",
            hint="digests are made as epub, pdf, txt or ninjs",
        )
    folder = prepare_output(Path(out_dir))
    sources = collect_sources(paths, exclude=[folder])
    if not sources:
        raise OptionsError("no articles to collect")
    warnings: list[str] = []
    articles: list[Article] = []
    inputs = hashlib.sha256(repr((title, date, keep_order, keep_breaks)).encode())
    for source in sources:
        data = read_input(source)
        parsed = read_bytes(data, source, encoding, default_language, keep_breaks)
        warnings += [f"{source}: {warning}" for warning in parsed.warnings]
        articles.append(parsed.article)
        inputs.update(hashlib.sha256(data).digest())
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
    with folder_lock(folder):
        state = BuildState.load(folder, chosen, options, f"{encoding}|{default_language}|digest")
        owner = state.owner_of(collection.slug, key_source)
        if owner is not None:
            raise InputError(
                f"slug {collection.slug!r} is already used by {owner}",
                path=title,
                hint="give the digest another --title or --date",
            )
        entry = None if force else state.current(key_source, inputs.hexdigest())
        if entry is not None:
            return DigestResult(collection.slug, warnings=tuple(warnings), skipped=True)
        editions = render_all(collection, chosen, options.for_document(collection), warnings, collection=True)
        files = {file_name(collection.slug, name): data for name, data in editions.items()}
        written = tuple(write_set(folder, files))
        state.record(
            key_source,
            inputs.hexdigest(),
            collection.slug,
            date,
            {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        )
        write_manifest(folder, state.known_digests())
        state.close()
    return DigestResult(collection.slug, written, tuple(warnings))
