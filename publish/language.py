"""Languages: what the script of a text says about its language.

(The seed of the one module that will own every per-language fact.)
"""

from __future__ import annotations

import re

_SCRIPTS: tuple[tuple[str, str, str], ...] = (  # (first, last, language)
    ("\u0530", "\u058f", "hy"),
    ("\u10a0", "\u10ff", "ka"),
    ("\u1c90", "\u1cbf", "ka"),
    ("\u0400", "\u04ff", "ru"),
    ("\u0370", "\u03ff", "el"),
    ("\u0590", "\u05ff", "he"),
    ("\u0600", "\u06ff", "ar"),
    ("\u0900", "\u097f", "hi"),
)
#: Letters Persian writes and Arabic does not (پ چ ژ گ, Persian yeh and kaf, Persian
#: digits), against Arabic's own yeh and kaf (ي ك): the more frequent side decides.
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9\u06f0-\u06f9]")
_ARABIC_ONLY = re.compile("[\u064a\u0643]")


def guess_language(text: str) -> str | None:
    """The language when the script alone says it (Armenian, Georgian...), else None."""
    counts: dict[str, int] = {}
    latin = 0
    for char in text:
        if not char.isalpha():
            continue
        if char < "\u0250":
            latin += 1
            continue
        for first, last, language in _SCRIPTS:
            if first <= char <= last:
                counts[language] = counts.get(language, 0) + 1
                break
    if counts:
        language, count = max(counts.items(), key=lambda item: item[1])
        if count > latin:
            if language == "ru" and re.search("[\u0456\u0457\u0454\u0491]", text):
                return "uk"
            if language == "ar" and len(_PERSIAN.findall(text)) > len(_ARABIC_ONLY.findall(text)):
                return "fa"
            return language
    if text.count("\u0259") + text.count("\u018f") >= 3:
        return "az"
    return None


def join_names(names: list[str] | tuple[str, ...], language: str) -> str:
    """Names as one phrase in the article's language ("A and B", "A, B und C"), by CLDR's
    list patterns (babel); one name as it is."""
    if len(names) < 2:
        return "".join(names)
    from babel.lists import format_list

    from publish.dates import locale_of

    return str(format_list(list(names), locale=locale_of(language)))
