"""Writing direction of a language: one table, read by every edition (no rendering
library imported, so the EPUB and text paths stay light)."""

from __future__ import annotations

#: Languages written right to left (primary subtag): their articles are set from the right.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "iw", "ur", "ps", "yi", "ckb", "sd", "ug", "dv", "syr"})


def is_rtl(language: str) -> bool:
    """True for languages written right to left (`ar`, `fa-IR`, `he`...)."""
    return language.split("-")[0].lower() in RTL_LANGUAGES


def direction(language: str) -> str:
    """`rtl` or `ltr`, as HTML's `dir` and EPUB's page-progression-direction spell it."""
    return "rtl" if is_rtl(language) else "ltr"
