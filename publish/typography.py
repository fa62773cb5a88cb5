"""The reading editions' typography: how the text the wire sent is set for a reader.

The model and the archival text keep the characters as sent; the EPUB and the PDF set
typed quotes as the article's language writes them (“…”, „…“, « … », 「…」), `--` as an em
dash, `...` as an ellipsis, spaced hyphens as the language's dash, and no-break spaces
where a line must not break. Every fact about a language comes from `publish.language`.

Why not smartypants: it treats the text as HTML (it skips `<script>`, `<pre>` and tag
contents) and rewrites backslash escapes, so it would change the words of an article
that merely mentions markup. These rules touch quote marks, double hyphens, triple dots,
hyphens and spaces, and nothing else.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from functools import lru_cache

from publish.language import DEFAULT, Language, of
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

_OPENING_CONTEXT = set("([{<\u2014\u2013-/\u2018\u201c\u00ab\u201e") | {" ", "\n"}
_YEAR_ABBREVIATION = re.compile(r"\d\d(?:s\b|\b)")
_EM_DASH = re.compile(r"(?<!-)--(?!-)")
_SPECIALS = re.compile(r"[\"']")


def smarten(text: str, before: str = " ", after: str = " ", language: str = DEFAULT) -> str:
    """Return `text` with typewriter punctuation replaced by the language's typographic
    punctuation, for the reading editions (the model and the archival text keep the marks as
    sent). `before` and `after` are the characters around `text` when it is one run of a
    longer paragraph. A language that spaces its guillemets (French) gets a no-break space
    inside them where the copy has none."""
    text = text.replace("...", "\u2026")
    if "--" in text:
        text = _EM_DASH.sub("\u2014", text)
    if '"' not in text and "'" not in text:
        return text
    context = (before[-1:] or " ") + text + (after[:1] or " ")
    marks = of(language)
    return _SPECIALS.sub(lambda match: quote_mark(context, match.start() + 1, marks), text)


#: What a straight quote stands for, by its neighbours.
OPENING, CLOSING, APOSTROPHE, GERESH, GERSHAYIM = "open", "close", "apostrophe", "geresh", "gershayim"


def quote_role(text: str, index: int) -> str:
    """What a straight quote at `text[index]` stands for, by its neighbours: an opening or
    closing quotation mark (`'` too, for a quotation inside one), an apostrophe, or a
    Hebrew geresh or gershayim."""
    mark = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = before in _OPENING_CONTEXT or before.isspace()
    if _is_hebrew_letter(before):
        # Hebrew abbreviations and numerals: צה"ל, ג'ירפה, ה' (gershayim and geresh, not quotes).
        if mark == "'":
            return GERESH
        if _is_hebrew_letter(after):
            return GERSHAYIM
    if mark == '"':
        return OPENING if opens else CLOSING
    if before.isalnum():
        return APOSTROPHE  # haven't, Azerbaijan's
    if opens and _YEAR_ABBREVIATION.match(text, index + 1):
        return APOSTROPHE  # '90s, '23
    if opens and (after.isalnum() or after in '"\u201c'):
        return OPENING
    return CLOSING


def quote_mark(text: str, index: int, language: Language | None = None) -> str:
    """The typographic mark the straight quote at `text[index]` is set as in `language`."""
    role = quote_role(text, index)
    if role in (APOSTROPHE, GERESH, GERSHAYIM):
        return {APOSTROPHE: "\u2019", GERESH: "\u05f3", GERSHAYIM: "\u05f4"}[role]
    quotes = (language or of(DEFAULT)).quotes
    inner = text[index] == "'"
    mark = quotes[(2 if inner else 0) + (role == CLOSING)]
    if language is not None and language.spaced_punctuation and mark in "\u00ab\u00bb":
        neighbour = text[index + 1] if role == OPENING else text[index - 1]
        if not neighbour.isspace():
            return f"{mark}{NBSP}" if role == OPENING else f"{NBSP}{mark}"
    return mark


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
#: The full stop and space after a single letter, before a word: an initial. Written from
#: the full stop (the letter is looked behind at), so the search skips to each ". " at
#: once instead of trying every position: five times faster, the same matches.
_INITIAL = re.compile(r"\. (?<=(?<![^\W\d_])[^\W\d_]\. )(?=[^\W\d_])")
#: A space before `; : ! ?` or a closing guillemet, or after an opening one.
_SPACED_PUNCTUATION = re.compile(r"(?<=\S) (?=[;:!?\u00bb])|(?<=\u00ab) (?=\S)")
#: A number (not ending in punctuation) and a space before a word or a unit sign.
_NUMBER_SPACE = re.compile(r"(?<![\w\-])(\d(?:[\d.,]*\d)?) (?=[^\W\d_]|[" + _UNIT_SIGNS + "])")
#: What `_NUMBER_SPACE` and a month's rule need somewhere in the text, found by a fast scan.
_DIGIT_SPACE = re.compile(r"\d ")
_SPACE_DIGIT = re.compile(r" \d")


@lru_cache(maxsize=64)
def _language_rules(tag: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, str]:
    """The honorific and month patterns and the spaced dash of one language, compiled once.
    Each matches the one space that becomes a no-break space ("Dr.| Aliyev", "May| 5")."""
    language = of(tag)
    return (
        _space_after(language.honorifics, r"[^\W\d_]", optional_stop=True),
        _space_after(language.months, r"\d", optional_stop=False),
        language.spaced_dash,
    )


def _space_after(words: tuple[str, ...], following: str, optional_stop: bool) -> re.Pattern[str] | None:
    """A pattern for the space after one of `words` (a whole word, any case, with a full stop
    after it when `optional_stop`) and before `following`. It is written from the space, with
    the word looked behind at (one look-behind per word length, as Python's look-behinds are
    of fixed width), so the search skips from space to space instead of trying every word at
    every position. Words with a space inside (Vietnamese "tháng 1") cannot be found that way
    and keep the pattern written from the word (its match then ends in the space)."""
    if not words:
        return None
    if any(char.isspace() for word in words for char in word):
        alternatives = "|".join(map(re.escape, words))
        stop = r"\.?" if optional_stop else ""
        return re.compile(rf"(?<![\w\-])(?:{alternatives}){stop} (?={following})", re.IGNORECASE)
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(re.escape(word))
    behind = [
        rf"(?<=(?<![\w\-])(?:{'|'.join(same)}){stop} )"
        for _, same in sorted(by_length.items())
        for stop in ("", r"\.")[: 1 + optional_stop]
    ]
    return re.compile(rf" (?={following})(?:{'|'.join(behind)})", re.IGNORECASE)


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
    text = match.string
    return f".{NBSP}" if text[match.start() - 1].isupper() and text[match.end()].isupper() else match.group(0)


def _honorific(match: re.Match[str]) -> str:
    return _no_break(match) if match.string[match.end()].isupper() else match.group(0)


def _no_break(match: re.Match[str]) -> str:
    """The match with its last character, a space, made a no-break space."""
    return match.group(0)[:-1] + NBSP


def for_reading(text: str, language: str) -> str:
    """`text` as a reader should see it set: spaced hyphens as the language's dash, number
    ranges with an en dash, and no-break spaces after honorifics and initials, between a
    number and its word or unit, and inside dates. One character is replaced by one
    character, so the result has the same length; URLs and e-mail addresses are untouched."""
    if not text or of(language).rtl:
        # Right-to-left text is laid out by the shaping engine, whose line breaking and
        # text layer work on plain spaces; its dash and spacing conventions differ too.
        return text
    result = _transform(text, language)
    if result == text or ("/" not in text and "@" not in text and "www." not in text):
        return result
    for protected in _PROTECTED.finditer(text):  # URLs keep every character as written
        result = result[: protected.start()] + protected.group(0) + result[protected.end() :]
    return result


def _transform(text: str, language: str) -> str:
    if not text:
        return text
    honorific, month, dash = _language_rules(language)
    if of(language).spaced_punctuation:  # French: a space before ; : ! ? », after «, is no-break
        text = _SPACED_PUNCTUATION.sub(NBSP, text)
    if " - " in text:
        text = _SPACED_HYPHEN.sub(f" {dash} ", text)
    if "-" in text:
        text = _RANGE.sub(_range_dash, text)
    if "\u2013 " in text or "\u2014 " in text:
        text = _SPACE_BEFORE_DASH.sub(NBSP, text)
    if ". " in text:
        text = _INITIAL.sub(_initial, text)
    if honorific is not None:
        text = honorific.sub(_honorific, text)
    if month is not None and _SPACE_DIGIT.search(text):
        text = month.sub(_no_break, text)
    if not _DIGIT_SPACE.search(text):
        return text
    return _NUMBER_SPACE.sub(lambda m: m.group(1) + NBSP, text)


@lru_cache(maxsize=1024)
def reading_text(text: str, language: str) -> str:
    """A headline, byline or dateline as the reading editions set it: `for_reading`, and
    typewriter quotes and dashes made typographic (`smarten`)."""
    return smarten(for_reading(text, language), language=language)


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
                out.append(Text(smarten(reading[offset:end], before, after, language)))
                offset = end
            else:
                out.append(with_children(run, rebuild(run.children)))
        return tuple(out)

    return rebuild(runs)


@lru_cache(maxsize=4096)
def block_for_reading(block: Block, language: str) -> Block:
    """A block as the reading editions set it: every run tree through `runs_for_reading`.
    Kept for the article's other reading edition: a worker that builds the EPUB and the
    PDF of an article sets each block once (blocks are frozen, so equal blocks are one key)."""
    if isinstance(block, (Paragraph, Heading)):
        return replace(block, runs=runs_for_reading(block.runs, language))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(ListItem(runs_for_reading(item.runs, language)) for item in block.items))
    if isinstance(block, BlockQuote):
        return BlockQuote(tuple(Paragraph(runs_for_reading(p.runs, language)) for p in block.paragraphs))
    return block


def reader_notices(article: Article) -> tuple[str, ...]:
    """What a reader is told over the story about its versions, in the article's language
    and set for reading: "Updated …" for a later version of an agency item (a version
    above 1, or a version time after the first), then each correction the item carries.
    Editorial notes are addressed to editors, never printed."""
    language = of(article.language)
    notices = []
    item = article.item
    if item is not None and item.updated is not None:
        updated = _stamp(item.updated)
        created = _stamp(item.created) if item.created else None
        later = (item.version or 0) > 1 or (created is not None and updated is not None and _after(updated, created))
        if updated is not None and later:
            notices.append(language.label("updated", moment=language.moment(updated)))
    for note in article.corrections:
        label = language.label("correction", text="")
        stated = label.rstrip(" \u00a0:\uff1a\u055d").casefold()
        already = note.text.casefold().startswith(stated)  # "Correction: ..." is not labelled twice
        notices.append(note.text if already else language.label("correction", text=note.text))
    return tuple(reading_text(notice, article.language) for notice in notices)


def _stamp(value: str) -> datetime.datetime | None:
    """An ISO 8601 time as the item states it (a date alone is its midnight); None if not one."""
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _after(later: datetime.datetime, earlier: datetime.datetime) -> bool:
    if (later.tzinfo is None) != (earlier.tzinfo is None):
        later, earlier = later.replace(tzinfo=None), earlier.replace(tzinfo=None)
    return later > earlier
