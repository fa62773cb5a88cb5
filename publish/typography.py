"""Typographic transforms: straight quotes to curly, `--` to an em dash, `...` to an ellipsis.

Why not smartypants: it treats the text as HTML (it skips `<script>`, `<pre>` and tag
contents) and rewrites backslash escapes, so it would change the words of an article
that merely mentions markup. These rules touch quote marks, double hyphens and triple
dots and nothing else. Text that is already curly passes through unchanged, so the
archival text edition re-parses to the same article.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from publish.model import (
    Article,
    Block,
    BlockQuote,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Text,
    plain_text,
    with_children,
    words_of,
)
from publish.scripts import is_rtl

_OPENING_CONTEXT = set("([{<\u2014\u2013-/\u2018\u201c\u00ab\u201e") | {" ", "\n"}
_YEAR_ABBREVIATION = re.compile(r"\d\d(?:s\b|\b)")
_EM_DASH = re.compile(r"(?<!-)--(?!-)")
_SPECIALS = re.compile(r"[\"']")


def smarten(text: str, before: str = " ", after: str = " ") -> str:
    """Return `text` with typewriter punctuation replaced by typographic punctuation, for the
    reading editions (the model and the archival text keep the marks as sent). `before` and
    `after` are the characters around `text` when it is one run of a longer paragraph."""
    text = text.replace("...", "\u2026")
    if "--" in text:
        text = _EM_DASH.sub("\u2014", text)
    if '"' not in text and "'" not in text:
        return text
    context = (before[-1:] or " ") + text + (after[:1] or " ")
    return _SPECIALS.sub(lambda match: quote_mark(context, match.start() + 1), text)


def quote_mark(text: str, index: int) -> str:
    """The typographic mark a straight quote at `text[index]` stands for: opening or closing
    quotation mark, apostrophe, or Hebrew geresh and gershayim, by its neighbours."""
    mark = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = before in _OPENING_CONTEXT or before.isspace()
    if _is_hebrew_letter(before):
        # Hebrew abbreviations and numerals: צה"ל, ג'ירפה, ה' (gershayim and geresh, not quotes).
        if mark == "'":
            return "\u05f3"
        if _is_hebrew_letter(after):
            return "\u05f4"
    if mark == '"':
        return "\u201c" if opens else "\u201d"
    if before.isalnum():
        return "\u2019"  # apostrophe in a word: haven't, Azerbaijan's
    if opens and _YEAR_ABBREVIATION.match(text, index + 1):
        return "\u2019"  # '90s, '23
    if opens and (after.isalnum() or after in '"\u201c'):
        return "\u2018"
    return "\u2019"


def _is_hebrew_letter(char: str) -> bool:
    return "\u05d0" <= char <= "\u05ea"


# --- Presentation: dashes and no-break spaces for the reading editions (PDF, EPUB) ---
#
# The model and the archival text keep the words as the wire sent them; `for_reading` is
# applied by the PDF (and EPUB) renderers just before markup. Every rule replaces one
# character by one character (a hyphen by a dash, a space by a no-break space), so offsets
# into a paragraph's text stay valid and a run tree can be restyled piece by piece.

NBSP = "\u00a0"
EN_DASH = "\u2013"

#: The dash a spaced hyphen between words becomes, by primary language subtag. House style
#: is the spaced en dash for English, Russian and Azerbaijani alike (Russian books often
#: prefer a spaced em dash: change the entry to "\u2014" for that).
SPACED_DASH: dict[str, str] = {"en": EN_DASH, "ru": EN_DASH, "az": EN_DASH}

#: Titles that are never left alone at a line end (a no-break space follows them when a
#: capitalised name comes next), by primary language subtag; a final "." is optional.
HONORIFICS: dict[str, tuple[str, ...]] = {
    "en": (
        "Mr",
        "Mrs",
        "Ms",
        "Mx",
        "Dr",
        "Prof",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Rev",
        "Fr",
        "Gen",
        "Col",
        "Maj",
        "Capt",
        "Lt",
        "Sgt",
        "Adm",
        "Sen",
        "Rep",
        "Gov",
        "Pres",
        "Supt",
        "Insp",
        "Det",
        "Cllr",
    ),
    "ru": ("г-н", "г-жа", "д-р", "проф", "акад", "ген"),
    "az": ("cənab", "xanım", "prof", "dr"),
}

#: Month names a day or year number is kept with ("September 21", "sentyabr 2023").
#: English month abbreviations (also words whose full stop ends no sentence, for the parser).
EN_MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        *EN_MONTH_ABBREVIATIONS,
    ),
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
    "az": (
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ),
}

#: Signs and units a number is kept with ("5 ₼", "20 %").
_UNIT_SIGNS = "%‰°₼֏€£$₽₺₾¥"
#: Spans no rule may touch: URLs, e-mail addresses, file-like and path-like tokens.
_PROTECTED = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\S+|\S*/\S*")
#: A hyphen with a space on both sides, between two non-space characters.
_SPACED_HYPHEN = re.compile(r"(?<=\S) - (?=\S)")
#: A space before a spaced dash (the dash must not begin a line).
_SPACE_BEFORE_DASH = re.compile(r"(?<=\S) (?=[\u2013\u2014] )")
#: Two digit groups joined by a hyphen, not part of a longer token (ISO dates, phone numbers,
#: identifiers such as A320-200 or 978-3-16 never match).
_RANGE = re.compile(r"(?<![\w\-\u2013.,:+#])(\d{1,4})-(\d{1,4})(?![\w\-\u2013]|[.,:]\d)")
#: A single capital letter and a full stop before a capitalised word: an initial.
_INITIAL = re.compile(r"(?<![^\W\d_])([^\W\d_])\. (?=[^\W\d_])")
#: A number (not ending in punctuation) and a space before a word or a unit sign.
_NUMBER_SPACE = re.compile(r"(?<![\w\-])(\d(?:[\d.,]*\d)?) (?=[^\W\d_]|[" + _UNIT_SIGNS + "])")


@lru_cache(maxsize=32)
def _language_rules(primary: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, str]:
    """The honorific and month patterns and the spaced dash of one language, compiled once."""
    honorifics = HONORIFICS.get(primary, ())
    months = MONTHS.get(primary, ())
    honorific = (
        re.compile(r"(?<![\w\-])(?:" + "|".join(map(re.escape, honorifics)) + r")\.? (?=[^\W\d_])", re.IGNORECASE)
        if honorifics
        else None
    )
    month = (
        re.compile(r"(?<![\w\-])(?:" + "|".join(map(re.escape, months)) + r") (?=\d)", re.IGNORECASE)
        if months
        else None
    )
    return honorific, month, SPACED_DASH.get(primary, EN_DASH)


def _range_dash(match: re.Match[str]) -> str:
    """An en dash when the two numbers read as a range: rising (20-25, 1990-95), not a
    code with a leading zero (012-345) and not a local phone number (555-1234)."""
    low, high = match.group(1), match.group(2)
    text = match.string
    start = match.start()
    if re.search(r"[\d)] $", text[max(0, start - 2) : start]):
        return match.group(0)  # a further group of a phone number: +994 12 555-12-34
    if (low.startswith("0") and len(low) > 1) or (len(low) == 3 and len(high) == 4):
        return match.group(0)
    rising = int(high) > int(low) or (len(high) < len(low) and int(high) > int(low[-len(high) :]))
    return f"{low}{EN_DASH}{high}" if rising else match.group(0)


def _initial(match: re.Match[str]) -> str:
    letter = match.group(1)
    return f"{letter}.{NBSP}" if letter.isupper() and match.string[match.end()].isupper() else match.group(0)


def _honorific(match: re.Match[str]) -> str:
    following = match.string[match.end()]
    return match.group(0)[:-1] + NBSP if following.isupper() else match.group(0)


def for_reading(text: str, language: str) -> str:
    """`text` as a reader should see it set: spaced hyphens as the language's dash, number
    ranges with an en dash, and no-break spaces after honorifics and initials, between a
    number and its word or unit, and inside dates. One character is replaced by one
    character, so the result has the same length; URLs and e-mail addresses are untouched."""
    if not text or is_rtl(language):
        # Right-to-left text is laid out by the shaping engine, whose line breaking and
        # text layer work on plain spaces; its dash and spacing conventions differ too.
        return text
    result = _transform(text, language.split("-")[0].lower())
    if result == text or ("/" not in text and "@" not in text and "www." not in text):
        return result
    for protected in _PROTECTED.finditer(text):  # URLs keep every character as written
        result = result[: protected.start()] + protected.group(0) + result[protected.end() :]
    return result


def _transform(text: str, primary: str) -> str:
    if not text:
        return text
    honorific, month, dash = _language_rules(primary)
    if " - " in text:
        text = _SPACED_HYPHEN.sub(f" {dash} ", text)
    if "-" in text:
        text = _RANGE.sub(_range_dash, text)
    text = _SPACE_BEFORE_DASH.sub(NBSP, text)
    if ". " in text:
        text = _INITIAL.sub(_initial, text)
    if honorific is not None:
        text = honorific.sub(_honorific, text)
    if month is not None:
        text = month.sub(lambda m: m.group(0)[:-1] + NBSP, text)
    return _NUMBER_SPACE.sub(lambda m: m.group(1) + NBSP, text)


def reading_text(text: str, language: str) -> str:
    """A headline, byline or dateline as the reading editions set it: `for_reading`, and
    typewriter quotes and dashes made typographic (`smarten`)."""
    return smarten(for_reading(text, language))


def reading_words(article: Article) -> list[str]:
    """The body's words as the reading editions set them (what a reader of the PDF or the
    EPUB sees): `reading_text` of every text, split where a line may break."""
    return [word for text in article.body_texts() for word in words_of(reading_text(text, article.language))]


def runs_for_reading(runs: tuple[Inline, ...], language: str) -> tuple[Inline, ...]:
    """The run tree as the reading editions set it: `for_reading` applied to the paragraph's
    text as a whole (so a dash or a date that spans a quotation mark is seen), mapped back run
    by run (the transform keeps every offset), then each text run made typographic
    (`smarten`), with the characters around it as context."""
    text = plain_text(runs)
    reading = for_reading(text, language)
    if reading == text and '"' not in text and "'" not in text and "..." not in text and "--" not in text:
        return runs
    offset = 0

    def rebuild(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
        nonlocal offset
        out: list[Inline] = []
        for run in items:
            if isinstance(run, Text):
                end = offset + len(run.text)
                before, after = reading[offset - 1 : offset], reading[end : end + 1]
                out.append(Text(smarten(reading[offset:end], before, after)))
                offset = end
            else:
                out.append(with_children(run, rebuild(run.children)))
        return tuple(out)

    return rebuild(runs)


def block_for_reading(block: Block, language: str) -> Block:
    """A block as the reading editions set it: every run tree through `runs_for_reading`."""
    if isinstance(block, (Paragraph, Heading)):
        return replace(block, runs=runs_for_reading(block.runs, language))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(ListItem(runs_for_reading(item.runs, language)) for item in block.items))
    if isinstance(block, BlockQuote):
        return BlockQuote(tuple(Paragraph(runs_for_reading(p.runs, language)) for p in block.paragraphs))
    return block
