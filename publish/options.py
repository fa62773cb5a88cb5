"""Render options: one frozen object, resolved once (environment included) by the caller.

Renderers never read the environment or the clock; everything that may vary between
builds arrives here, so the same article and options always give the same bytes. The
edition's time is decided by one rule, `edition_time`, for articles and digests alike.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from publish.model import Article, Collection

#: The time an edition carries when nothing else is known (an undated article without
#: SOURCE_DATE_EPOCH): the earliest time a ZIP file can record.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


def _midnight(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)


def edition_time(document: Article | Collection, source_date_epoch: int | None) -> datetime.datetime:
    """The one clock: SOURCE_DATE_EPOCH; else the article's date; for a digest its own
    date, else its newest article's; else `ZIP_EPOCH`. Never the machine's clock."""
    if source_date_epoch is not None:
        return datetime.datetime.fromtimestamp(source_date_epoch, tz=datetime.UTC)
    if document.date is not None:
        return _midnight(document.date)
    if isinstance(document, Collection):
        dates = [article.date for article in document.articles if article.date is not None]
        if dates:
            return _midnight(max(dates))
    return ZIP_EPOCH


@dataclass(frozen=True)
class RenderOptions:
    """Everything besides the article that shapes an edition (the settings marked as
    shaping editions in `publish.settings.SETTINGS`, plus the edition time)."""

    #: Column width of the plain-text edition.
    width: int = 72
    #: Paper size of the PDF edition: "A4", "Letter", or "auto" (Letter for en-US, es-MX...,
    #: else A4).
    paper: str = "auto"
    #: A TrueType file or family name for the PDF body text; None means the style file's.
    font: str | None = None
    #: Turn warnings that mean lost text (missing glyphs) into errors.
    strict: bool = False
    #: Folders searched before the built-in templates, first match wins.
    template_dirs: tuple[Path, ...] = ()
    #: `SOURCE_DATE_EPOCH`, as the caller read it from the environment.
    source_date_epoch: int | None = None
    #: Publisher credited in the editions' metadata.
    publisher: str | None = None
    #: The edition time the builder decided (`edition_time`); None: decide it here.
    modified: datetime.datetime | None = None

    def timestamp(self, document: Article | Collection) -> datetime.datetime:
        """The edition's modification time: the builder's decision, else the same rule."""
        return self.modified if self.modified is not None else edition_time(document, self.source_date_epoch)

    def for_document(self, document: Article | Collection) -> RenderOptions:
        """These options with the edition time decided for `document`."""
        return dataclasses.replace(self, modified=edition_time(document, self.source_date_epoch))

    def key(self) -> str:
        """A stable text of everything that shapes every edition (for the rebuild key);
        the per-document time is left out: it follows from the input and the epoch."""
        values = {
            field.name: getattr(self, field.name) for field in dataclasses.fields(self) if field.name != "modified"
        }
        values["template_dirs"] = [str(path) for path in self.template_dirs]
        return json.dumps(values, sort_keys=True)
