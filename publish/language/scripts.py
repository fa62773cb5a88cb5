"""Writing systems: which script a character is in, which way it runs, its digits.

Unicode's own data through fontTools (`fontTools.unicodedata.script` and
`script_horizontal_direction`), not hand-made ranges; CLDR's numbering systems for digits.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from fontTools.unicodedata import script, script_horizontal_direction

#: Scripts whose letters have two cases, so small capitals can be set in them. Georgian is
#: left out on purpose: Unicode maps Mkhedruli to Mtavruli capitals, which Georgian writing
#: does not use as case and text fonts lack (synthesised small caps come out blank).
CASED_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek", "Armn"})
#: CLDR numbering systems -> their ten digits (those a news language's default may be).
DIGITS: dict[str, str] = {
    "latn": "0123456789",
    "arab": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "arabext": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
    "deva": "\u0966\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e\u096f",
    "beng": "\u09e6\u09e7\u09e8\u09e9\u09ea\u09eb\u09ec\u09ed\u09ee\u09ef",
    "thai": "\u0e50\u0e51\u0e52\u0e53\u0e54\u0e55\u0e56\u0e57\u0e58\u0e59",
    "mymr": "\u1040\u1041\u1042\u1043\u1044\u1045\u1046\u1047\u1048\u1049",
}

#: A zero-width non-joiner or joiner that is part of a word's spelling: between two
#: characters of the Arabic or Devanagari blocks. It is kept in every edition.
SPELLING_JOINER = re.compile(
    r"(?<=[\u0600-\u06ff\u0750-\u077f\u0900-\u097f])[\u200c\u200d]"
    r"(?=[\u0600-\u06ff\u0750-\u077f\u0900-\u097f])"
)


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The ISO 15924 code of a character's script ("Latn", "Cyrl", "Arab", "Zyyy" for
    punctuation and digits shared by all, "Zinh" for marks that take their base's)."""
    return str(script(char))


def letter_scripts(text: str) -> Counter[str]:
    """How many letters of `text` each script has (punctuation, digits and marks aside)."""
    return Counter(script_of(char) for char in text if char.isalpha() and script_of(char) not in ("Zyyy", "Zinh"))


def runs_right_to_left(script_code: str) -> bool:
    """Whether a script is written right to left (Arabic, Hebrew, Syriac, Thaana...)."""
    return script_horizontal_direction(script_code, "LTR") == "RTL"


def has_case(text: str) -> bool:
    """Whether every letter of `text` is in a script with case (small caps make sense)."""
    scripts = letter_scripts(text)
    return bool(scripts) and set(scripts) <= CASED_SCRIPTS
