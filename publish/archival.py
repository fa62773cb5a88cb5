"""The archival plain-text edition: the format, written here and read back by its reader.

Its layout is a format, not a theme: a `Key: Value` header (long values folded onto
indented lines), a blank line, then the body's blocks split by one blank line; UTF-8
without BOM, NFC, LF line ends, one final newline. The body keeps the sender's characters
(quotes, dashes, no-break spaces, the dateline as filed); each block has one plain form:

    a paragraph              its text, wrapped (the lead begins with the dateline as filed)
    ## A subheading          `#` for each level (`##` is the highest inside a story)
      - an item              a list, indented by two spaces, each item with its marker as
      - another item         filed (`-`, `•`, `1.`, `2)`), wrapped lines under its text
    > quoted text            a block quotation, each line behind `> `
    ***                      a separator, its mark as filed

and inside a block, the sender's emphasis as `_text_`, strong emphasis as `**text**` and a
link as `[text](address)`; a `\\` keeps the next character as text (a literal `\\`, `*`
or `_`, a `[` that is not a link, a block that would read as another kind). Quotation
marks and editorial brackets are part of the text, as sent.

A header that states the Identifier is a complete record: reading it back gives the same
`Article` (nothing guessed from the body or the file's name), which is what makes the file
a master copy rather than a printout. `FIELDS` is the one table of its header lines: the
writer, the reader (`publish.readers.archival`) and `publish check` all go by it. A digest
is its own header, a numbered contents list, then each article as a complete record of its
own between rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from wcwidth import wcswidth, wcwidth

from publish.language.scripts import SPELLING_JOINER
from publish.model import (
    CREATOR_ROLES,
    DERIVABLE_FIELDS,
    ITEM_FIELDS,
    PROVENANCE_FIELDS,
    Article,
    Block,
    BlockQuote,
    Collection,
    Creator,
    Emphasis,
    Heading,
    Inline,
    Link,
    ListBlock,
    Note,
    Separator,
    Text,
    words_of,
)


def _provenance_value(attribute: str) -> Callable[[Article], str | None]:
    return lambda article: getattr(article.provenance, attribute) if article.provenance else None


def _item_value(key: str) -> Callable[[Article], str | None]:
    return lambda article: dict(article.item.fields()).get(key) if article.item else None


def _notes(kind: str) -> Callable[[Article], tuple[str, ...]]:
    return lambda article: tuple(note.text for note in article.notes if note.kind == kind)


def creators_text(creators: tuple[Creator, ...]) -> str | None:
    """`Author` header value: names split by "; ", a role other than writer in brackets."""
    if not creators:
        return None
    return "; ".join(c.name if c.role == "writer" else f"{c.name} ({c.role})" for c in creators)


_ROLE = re.compile(r"(?P<name>.+?) \((?P<role>" + "|".join(CREATOR_ROLES) + r")\)")


def read_creators(value: str) -> tuple[Creator, ...]:
    """The creators an `Author` header value names (what `creators_text` wrote)."""
    creators = []
    for part in value.split("; "):
        role = _ROLE.fullmatch(part.strip())
        creators.append(Creator(role["name"], role["role"]) if role else Creator(part.strip()))
    return tuple(creator for creator in creators if creator.name)


@dataclass(frozen=True)
class Field:
    """One header line of a record: its key as written, the fact it states (the reader
    files it under that name; None: written for the eye only, as Words is), how it is
    written from an article, whether only a complete record may carry it, and whether it
    is written once for each value (`write` then gives them all, in order)."""

    key: str
    fact: str | None
    write: Callable[[Article], str | None] | Callable[[Article], tuple[str, ...]]
    record_only: bool = False
    repeated: bool = False

    def values(self, article: Article) -> tuple[str, ...]:
        written = self.write(article)
        if isinstance(written, tuple):
            return tuple(value for value in written if value)
        return (written,) if written else ()


#: The header of an article's text edition, in the order it is written.
FIELDS: tuple[Field, ...] = (
    Field("Title", "title", lambda a: a.title),
    Field("Subtitle", "subtitle", lambda a: a.subtitle),
    Field("Date", "date", lambda a: a.date_iso),
    Field("Dateline", "dateline", lambda a: a.dateline.filed if a.dateline else None),
    Field("Located", "located", lambda a: a.located),
    Field("Byline", "byline", lambda a: a.byline),
    Field("Author", "author", lambda a: creators_text(a.creators)),
    Field("Source", "source", lambda a: a.source),
    Field("Language", "language", lambda a: a.language),
    Field("Correction", "correction", _notes("correction"), repeated=True),
    Field("Note", "note", _notes("editorial"), repeated=True),
    Field("Words", None, lambda a: str(len(a.words))),
    Field("Slug", "slug", lambda a: a.slug if a.slug_given else None),
    Field("Identifier", "identifier", lambda a: a.identifier),
    Field(
        "Derived",
        "derived",
        lambda a: ", ".join(name for name in DERIVABLE_FIELDS if name in a.derived),
        record_only=True,
    ),
    *(Field(key, key.lower(), _item_value(key), record_only=True) for key, _ in ITEM_FIELDS),
    *(Field(key, key.lower(), _provenance_value(attribute), record_only=True) for key, attribute in PROVENANCE_FIELDS),
)
#: Header keys (lower case) -> the fact each states, for the header reader ("words": None).
KEYS: dict[str, str] = {field.key.lower(): field.fact or field.key.lower() for field in FIELDS}
#: The facts a header may state more than once, each line one value.
REPEATED: frozenset[str] = frozenset(field.fact for field in FIELDS if field.repeated and field.fact)
#: A note's header fact -> the kind of note.
NOTE_FACTS: dict[str, str] = {"correction": "correction", "note": "editorial"}
#: The header of a digest's text edition, in the order it is written.
COLLECTION_FIELDS: tuple[tuple[str, Callable[[Collection], str | None]], ...] = (
    ("Title", lambda c: c.title),
    ("Date", lambda c: c.date_iso),
    ("Language", lambda c: c.language),
    ("Articles", lambda c: str(len(c.articles))),
    ("Words", lambda c: str(c.words)),
    ("Identifier", lambda c: c.identifier),
)
#: The line that says a header is a digest's, not an article's.
_DIGEST_LINE = re.compile(r"^Articles: ", re.MULTILINE)
#: The rule between a digest's articles: "=" across the column, at most this wide.
RULE_MAX = 72
_RULE = re.compile(r"^=+$", re.MULTILINE)
#: How a list item sits in a record: indented by this, its wrapped lines under its text.
LIST_INDENT = "  "
QUOTE_PREFIX = "> "
#: A separator: three or more of one mark, spaces between them allowed.
SEPARATOR = re.compile(r"(?P<mark>[_*=~#-])(?: ?(?P=mark)){2,}")
#: A list item's marker in a record: a bullet or a number and "." or ")", then one space.
RECORD_ITEM = re.compile(r"  (?:(?P<bullet>\S)|(?P<number>\d{1,9})(?P<delimiter>[.)])) ")
HEADING = re.compile(r"(?P<hashes>#{2,6}) ")


def stated_notes(repeated: dict[str, list[tuple[str, int]]]) -> list[Note]:
    """The notes a header's Correction and Note lines state, in the order of their lines."""
    lines = sorted(
        (number, NOTE_FACTS[fact], value)
        for fact, stated in repeated.items()
        if fact in NOTE_FACTS
        for value, number in stated
    )
    return [Note(value, kind) for _, kind, value in lines]


# --- Writing ---------------------------------------------------------------------------------


def header_fields(article: Article) -> list[tuple[str, str]]:
    """The header lines of `article`, by `FIELDS`; absent values are left out."""
    return [(field.key, value) for field in FIELDS for value in field.values(article)]


def write_article(article: Article, width: int, transform: Callable[[str], str] = lambda text: text) -> str:
    """An article's text edition; `transform` maps every value and text (an ASCII companion
    passes a transliteration)."""
    lines: list[str] = []
    for key, value in header_fields(article):
        lines.extend(header_lines(key, _transformed(value, transform), width))
    for index, block in enumerate(article.blocks):
        lines.append("")
        lead_in = article.dateline.filed if index == 0 and article.dateline else None
        lines.extend(block_lines(block, width, transform, lead_in))
    return "\n".join(lines) + "\n"


def block_lines(
    block: Block, width: int, transform: Callable[[str], str] = lambda text: text, lead_in: str | None = None
) -> list[str]:
    """One block in its plain form (see the module's docstring)."""
    if isinstance(block, Separator):
        return [_transformed(block.mark, transform)]
    if isinstance(block, Heading):
        hashes = "#" * block.level
        return wrap(_transformed(notation(block.runs), transform), width, f"{hashes} ", " " * (len(hashes) + 1))
    if isinstance(block, ListBlock):
        lines: list[str] = []
        for marker, item in zip(block.markers(), block.items):
            text = _transformed(notation(item.runs), transform)
            lines += wrap(text, width, f"{LIST_INDENT}{marker} ", " " * (len(LIST_INDENT) + len(marker) + 1))
        return lines
    if isinstance(block, BlockQuote):
        lines = []
        for number, paragraph in enumerate(block.paragraphs):
            if number:
                lines.append(QUOTE_PREFIX.rstrip())
            lines += wrap(_transformed(notation(paragraph.runs), transform), width, QUOTE_PREFIX, QUOTE_PREFIX)
        return lines
    text = notation(block.runs)
    if lead_in is not None:
        text = f"{escaped(lead_in)} {text}"
    elif needs_guard(text):
        text = "\\" + text
    return wrap(_transformed(text, transform), width)


def notation(runs: tuple[Inline, ...], in_link: bool = False) -> str:
    """A run tree as the record writes it: the text with `\\` escapes, the sender's emphasis
    and links in their notation (quotations and insertions are their own marks)."""
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            text = escaped(run.text, in_link)
            if text.startswith("(") and parts and parts[-1].endswith("]"):
                text = "\\" + text  # "[sic]" then "(...)": not a link
            parts.append(text)
        elif isinstance(run, Emphasis):
            mark = "**" if run.strong else "_"
            parts.append(f"{mark}{notation(run.children, in_link)}{mark}")
        elif isinstance(run, Link):
            parts.append(f"[{notation(run.children, True)}]({run.href})")
        else:
            parts.append(notation(run.children, in_link))
    return "".join(parts)


_ESCAPED = re.compile(r"[\\*_]")
_ESCAPED_IN_LINK = re.compile(r"[\\*_\[\]]")


def escaped(text: str, in_link: bool = False) -> str:
    """Text with the notation's own characters escaped (and a `(` after a `]`, which could
    read as a link's address)."""
    text = (_ESCAPED_IN_LINK if in_link else _ESCAPED).sub(lambda match: "\\" + match.group(), text)
    return text.replace("](", "]\\(")


def needs_guard(text: str) -> bool:
    """Whether a paragraph, in its notation, would read back as another kind of block (a
    heading, a quotation, a separator): it is then written behind a `\\`. (A list is
    indented, and a paragraph never is.)"""
    return bool(HEADING.match(text) or text.startswith(">") or SEPARATOR.fullmatch(text))


def write_collection(collection: Collection, width: int) -> str:
    """A digest: its own header, a numbered contents list, then each article as a complete
    record of its own, between rules (so each can be cut out and read alone)."""
    lines: list[str] = []
    for key, write in COLLECTION_FIELDS:
        value = write(collection)
        if value:
            lines.extend(wrap(value, width, first_prefix=f"{key}: ", next_prefix="  "))
    lines += ["", "Contents", ""]
    for number, article in enumerate(collection.articles, start=1):
        lines.extend(wrap(article.title, width, first_prefix=f"{number:>4}. ", next_prefix="      "))
    for article in collection.articles:
        lines += ["", "=" * min(width, RULE_MAX), ""]
        lines.append(write_article(article, width).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _transformed(text: str, transform: Callable[[str], str]) -> str:
    """`text` through `transform`; what transliterates to nothing (private-use characters,
    an emoji anyascii has no name for) becomes "?", as an unencodable character does, so
    no line ends in a space and no paragraph is an empty line."""
    result = transform(text)
    if result is text:
        return result
    return " ".join(result.split()) or "?"


def header_lines(key: str, value: str, width: int) -> list[str]:
    """`Key: value`, folded onto lines indented by two spaces; a single long word (a hash, a
    path) that would overrun the first line stands alone on the next one."""
    lines = wrap(value, width, first_prefix=f"{key}: ", next_prefix="  ")
    if display_width(lines[0]) > width and len(words_of(value)) == 1:
        return [f"{key}:", f"  {value}"]
    return lines


def display_width(text: str) -> int:
    """Columns a terminal gives `text` (East Asian wide characters count two)."""
    return len(text) if text.isascii() else _measured_width(text)


@lru_cache(maxsize=65536)
def _measured_width(text: str) -> int:
    """Cached: natural text repeats its words, and wcswidth is the text edition's hot
    spot (ASCII, a line of which is often met once, is never cached)."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


#: Whitespace a line may break at, other than the space character (no-break spaces join).
_OTHER_SPACE = re.compile(r"[^\S \u00a0\u2007\u202f]")


@lru_cache(maxsize=4096)
def _one_column(char: str) -> bool:
    return char.isascii() or wcwidth(char) == 1


def wrap(text: str, width: int, first_prefix: str = "", next_prefix: str = "") -> list[str]:
    """Greedy fill by display width. Words are never broken, so a single word wider than
    the column (a long URL) stands alone on an over-long line rather than being split."""
    # Most paragraphs (Latin, Cyrillic, Armenian, Georgian...) have one column per
    # character: then a line is found by searching for the last space that fits.
    if (
        "  " not in text
        and len(text.strip()) == len(text)
        and _OTHER_SPACE.search(text) is None
        and all(map(_one_column, set(text)))
    ):
        return _wrap_one_column(text, width, first_prefix, next_prefix)
    lines: list[str] = []
    line: list[str] = []
    prefix = first_prefix
    used = display_width(prefix)
    for word in filter(None, text.split(" ")):  # lines end at plain spaces only (an ideographic one is content)
        word_width = display_width(word)
        if line and used + 1 + word_width > width:
            lines.append(prefix + " ".join(line))
            prefix, line = next_prefix, []
            used = display_width(prefix)
        used += word_width + 1 if line else word_width
        line.append(word)
    lines.append(prefix + " ".join(line))
    return lines


def _wrap_one_column(text: str, width: int, first_prefix: str, next_prefix: str) -> list[str]:
    """`wrap` for text whose words are split by single spaces and whose characters
    each take one column: the same lines, found a line (not a word) at a time."""
    lines: list[str] = []
    prefix, start = first_prefix, 0
    room = width - display_width(prefix)
    while len(text) - start > room:
        cut = text.rfind(" ", start, start + max(room, 0) + 1)
        if cut < 0:  # a word longer than the line stands alone
            cut = text.find(" ", start)
            if cut < 0:
                break
        lines.append(prefix + text[start:cut])
        prefix, start = next_prefix, cut + 1
        room = width - display_width(prefix)
    lines.append(prefix + text[start:])
    return lines


# --- Reading a whole edition (publish check) --------------------------------------------------


#: What may not appear on a line of a text edition: tabs, controls, invisible characters and
#: directional overrides (a joiner inside a word's spelling is the source's own and stays).
_FORBIDDEN = re.compile(
    r"(?!" + SPELLING_JOINER.pattern + r")"
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def form_problems(text: str) -> list[str]:
    """Where `text` breaks the format's form (BOM, NFC, line ends, final newline, trailing
    spaces, forbidden characters): one phrase each, the first offending line named."""
    problems: list[str] = []
    if text.startswith("\ufeff"):
        problems.append("starts with a byte order mark")
    if unicodedata.normalize("NFC", text) != text:
        problems.append("is not NFC")
    if "\r" in text:
        problems.append("has CR line ends")
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append("does not end with exactly one newline")
    lines = text.removeprefix("\ufeff").replace("\r", "").split("\n")  # a BOM and CRs are reported above
    for number, line in enumerate(lines, start=1):
        if line != line.rstrip(" \t"):
            problems.append(f"line {number} has trailing spaces")
            break
        if _FORBIDDEN.search(line):
            problems.append(f"line {number} has a tab, control or invisible character")
            break
    return problems


def is_digest(text: str) -> bool:
    """Whether a text edition is a digest's (its header counts Articles)."""
    return _DIGEST_LINE.search(text.partition("\n\n")[0]) is not None


def article_records(text: str) -> list[str]:
    """The complete records in a text edition: the edition itself, or each article of a digest."""
    if not is_digest(text):
        return [text]
    return [section.strip("\n") + "\n" for section in _RULE.split(text.partition("\n\n")[2])[1:]]


def contents_entries(text: str) -> list[tuple[str, str]]:
    """(number, title) of each entry a digest's contents list names, in order ([] for an
    article's edition)."""
    header, _, rest = text.partition("\n\n")
    if _DIGEST_LINE.search(header) is None:
        return []
    listing = _RULE.split(rest)[0].partition("\n\n")[2]
    entries: list[tuple[str, str]] = []
    for line in listing.splitlines():
        number = re.match(r" *(\d+\.) ", line)
        if number:
            entries.append((number[1], line[number.end() :]))
        elif entries and line.strip():
            entries[-1] = (entries[-1][0], f"{entries[-1][1]} {line.strip()}")
    return entries


def stated_identifier(record: str) -> str | None:
    """The Identifier a record's header states (None when it states none)."""
    header = record.lstrip("\n").partition("\n\n")[0]
    found = re.search(r"^Identifier:(?: *| *\n +)(\S+)$", header, re.MULTILINE)
    return found[1] if found else None
