"""Where reportlab may break a line: hyphenation by the language's patterns and house
minima, and the characters a line may not begin with (kinsoku, `linebreak`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab.platypus import paragraph as reportlab_paragraph

from publish.language import of
from publish.render import linebreak

#: A line whose last word ends with one of these ends in a hyphen (a break or a compound's own).
_HYPHENS = ("-", "\u00ad", "\u2010", "\u2011")


def _widen_reportlab_hyphenation() -> None:
    """reportlab hyphenates only words made of its own list of letters, after stripping
    quotation marks and punctuation from its own lists. The letter list lacks ё and ə and
    apostrophes ("government’s"), the mark lists lack guillemets and low quotes («word»,
    „word“), so such words were never hyphenated and left gaping lines. Widen its module-
    level patterns (read at each call) to every letter and those marks."""
    from reportlab.platypus import paragraph

    paragraph._hy_pfx_pat = re.compile("^['\"(\\[{\xbf\u2018\u201a\u201c\u201e\u00ab\u2039]+")
    paragraph._hy_sfx_pat = re.compile("[\\]'\")}?!.,;:\u2019\u201b\u201d\u201f\u00bb\u203a\u201c]+$")
    paragraph._hy_letters_pat = re.compile("^(?:[^\\W\\d_]|['\u2019])+$")
    paragraph._hy_shy_letters_pat = re.compile("^(?:[^\\W\\d_]|['\u2019\\-\xad])+$")


_widen_reportlab_hyphenation()


class _NoStart:
    """reportlab's table of the characters a line may not begin with (`ALL_CANNOT_START`,
    read at each call), answered by `linebreak.no_start`: its own lacks ，！？ 》 ” and more."""

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and linebreak.no_start(char)


reportlab_paragraph.ALL_CANNOT_START = _NoStart()


@lru_cache(maxsize=16)
def hyphenator(language: str) -> Callable[[str], Any] | None:
    """reportlab's hyphenation callback for a language (word -> (head, tail) pairs, longest
    head first), or None without patterns. The language's minima say how short a word is
    never broken and how many letters a break keeps before and after it; a
    word that has a hyphen of its own breaks only there (reportlab's embedded hyphenation)."""
    import pyphen

    patterns = of(language).hyphenation
    if not patterns:
        return None
    left, right, shortest = of(language).hyphenation_minima
    dictionary = pyphen.Pyphen(lang=patterns, left=left, right=right)

    def pairs(word: str) -> Any:
        if len(word) < shortest or "-" in word or "\u00ad" in word:
            return ()
        return [
            (head, tail)
            for head, tail in dictionary.iterate(word)  # "governmen-t’s" counts letters only
            if sum(map(str.isalpha, tail)) >= right and sum(map(str.isalpha, head)) >= left
        ]

    return pairs
