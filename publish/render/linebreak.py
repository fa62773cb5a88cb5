"""Where a line of Chinese or Japanese may break: between any two ideographs or kana,
except where kinsoku shori forbids it. One set of rules for the PDF and the raster cover.

Chinese and Japanese are written without spaces, so a line may end after any character,
save that a line never begins with a closing bracket or quotation mark, a stop, comma or
colon, a small kana, the prolonged sound mark or an iteration mark, never ends with an
opening bracket or quotation mark, and the Chinese dash and ellipsis (—— ……, two
characters each) are never split (JIS X 4051, GB/T 15834). Korean is written with spaces
between words and breaks only there, as Latin does; so do Latin words and numbers
inside Chinese or Japanese text.

The PDF keeps reportlab's own CJK line breaker (`wordWrap="CJK"`) and holds it to these
rules (`publish.render.pdf`); the cover, drawn without reportlab, breaks by them itself.
No rendering library is imported here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Besides every closing bracket and closing quotation mark (Unicode categories Pe and
#: Pf): stops, commas, colons and the middle dot; the two-dot leader and the ellipsis;
#: hyphens and the wave dash; the prolonged sound mark, the iteration marks and the
#: small kana; signs that follow a number (JIS X 4051 classes 2 to 6; reportlab's table,
#: `reportlab.lib.textsplit.CANNOT_START_LINE`, lacks ，！？：； 〉》〗 ” and more).
NO_START_MARKS = frozenset(
    "、。，．：；！？・･‥…‐゠–〜～ー々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "!,.:;?%‰℃°′″％¢￠ "
)
#: Besides every opening bracket and opening quotation mark (Ps and Pi): signs that
#: precede a number (JIS X 4051 class 1, reportlab's `CANNOT_END_LINE`).
NO_END_MARKS = frozenset("$£¥€₩＄￡￥￦#＃@＠§〒")
#: Written twice in a row as one mark (the Chinese dash and ellipsis): never split.
DOUBLED = frozenset("—…‥")


@lru_cache(maxsize=4096)
def no_start(char: str) -> bool:
    """True for a character a line may not begin with (a space included)."""
    return char in NO_START_MARKS or unicodedata.category(char) in ("Pe", "Pf")


@lru_cache(maxsize=4096)
def no_end(char: str) -> bool:
    """True for a character a line may not end with."""
    return char in NO_END_MARKS or unicodedata.category(char) in ("Ps", "Pi")


@lru_cache(maxsize=4096)
def ideographic(char: str) -> bool:
    """True for a character a line may break before or after without a space: a wide or
    full-width one (ideographs, kana, CJK punctuation), but not hangul."""
    from fontTools.unicodedata import script

    return unicodedata.east_asian_width(char) in ("W", "F") and script(char) != "Hang"


def kinsoku(before: str, after: str) -> bool:
    """True when kinsoku lets a line end with `before` and the next begin with `after`."""
    return not (no_start(after) or no_end(before) or (before == after and before in DOUBLED))


def may_break(before: str, after: str) -> bool:
    """True when a line may end with `before` and the next begin with `after`: after a
    space, or between characters one of which is ideographic, where kinsoku allows."""
    if before.isspace():
        return not no_start(after)
    return (ideographic(before) or ideographic(after)) and kinsoku(before, after)


def parts(word: str) -> list[str]:
    """`word` (no space in it) cut wherever a line may break inside it: a Latin word stays
    whole, Chinese and Japanese come apart between characters (kinsoku kept)."""
    cuts = [end for end in range(1, len(word)) if may_break(word[end - 1], word[end])]
    return [word[start:end] for start, end in zip([0, *cuts], [*cuts, len(word)])]
