"""Render options: one frozen object, resolved once (environment included) by the caller.

Renderers never read the environment or the clock; everything that may vary between
builds arrives here, so the same article and options always give the same bytes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from publish.model import Article

#: The earliest time a ZIP file can record; used when nothing better is known.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class RenderOptions:
    """Everything besides the article that shapes an edition."""

    #: Column width of the plain-text edition.
    width: int = 72
    #: Paper size of the PDF edition: "A4", "Letter", or "auto" (Letter for en-US, es-MX...,
    #: else A4).
    paper: str = "auto"
    #: A TrueType file or family name for the PDF body text; None means the default.
    font: str | None = None
    #: Turn warnings that mean lost text (missing glyphs) into errors.
    strict: bool = False
    #: Folders searched before the built-in templates, first match wins.
    template_dirs: tuple[Path, ...] = ()
    #: `SOURCE_DATE_EPOCH`, when the builder set it.
    source_date_epoch: int | None = None
    #: Publisher credited in the editions' metadata.
    publisher: str | None = None

    def timestamp(self, article: Article) -> datetime.datetime:
        """The edition's modification time: SOURCE_DATE_EPOCH, else the article's date."""
        if self.source_date_epoch is not None:
            return datetime.datetime.fromtimestamp(self.source_date_epoch, tz=datetime.timezone.utc)
        if article.date is not None:
            return datetime.datetime.combine(article.date, datetime.time(), tzinfo=datetime.timezone.utc)
        return ZIP_EPOCH
