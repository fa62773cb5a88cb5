"""Dates as readers see them, in the article's language, from CLDR data (babel).

Metadata and the archival text keep ISO 8601 (`2023-09-21`); a reader of the PDF or the
EPUB sees "September 21, 2023", "21 сентября 2023 г." or "21 sentyabr 2023". One function
serves every edition, so the PDF, the EPUB and the cover cannot disagree.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

#: Used when babel knows neither the tag nor its language.
FALLBACK_LOCALE = "en"


@lru_cache(maxsize=64)
def locale_of(language: str) -> object:
    """The most specific CLDR locale babel has for a BCP 47 tag (`sr-Latn-RS`, `en-GB`)."""
    from babel import Locale, UnknownLocaleError

    parts = language.replace("_", "-").split("-")
    for length in range(len(parts), 0, -1):
        try:
            return Locale.parse("-".join(parts[:length]), sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=1024)
def reader_date(date: datetime.date, language: str) -> str:
    """The long date form of the article's language (CLDR), e.g. "21 сентября 2023 г."."""
    from babel.dates import format_date

    return str(format_date(date, format="long", locale=locale_of(language)))
