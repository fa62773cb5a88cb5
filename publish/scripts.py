"""Writing direction of a language: one table, read by every edition (no rendering
library imported, so the EPUB and text paths stay light)."""

from __future__ import annotations

import re

#: Languages written right to left (primary subtag): their articles are set from the right.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "iw", "ur", "ps", "yi", "ckb", "sd", "ug", "dv", "syr"})


def is_rtl(language: str) -> bool:
    """True for languages written right to left (`ar`, `fa-IR`, `he`...)."""
    return language.split("-")[0].lower() in RTL_LANGUAGES


def direction(language: str) -> str:
    """`rtl` or `ltr`, as HTML's `dir` and EPUB's page-progression-direction spell it."""
    return "rtl" if is_rtl(language) else "ltr"


#: A zero-width non-joiner or joiner that is part of a word's spelling: between two
#: characters of the Arabic or Devanagari blocks. It is kept in every edition.
SPELLING_JOINER = re.compile(
    r"(?<=[\u0600-\u06ff\u0750-\u077f\u0900-\u097f])[\u200c\u200d]"
    r"(?=[\u0600-\u06ff\u0750-\u077f\u0900-\u097f])"
)
