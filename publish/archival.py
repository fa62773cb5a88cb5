"""The archival plain-text edition: one module that writes it and reads it back.

Its layout is a format, not a theme: a `Key: Value` header (long values folded onto
indented lines), a blank line, then paragraphs wrapped by display width and split by
one blank line; UTF-8 without BOM, NFC, LF line ends, one final newline. A header that
states the Identifier is a complete record: reading it back gives the same `Article`
(nothing guessed from the body or the file's name), which is what makes the file a
master copy rather than a printout. `FIELDS` is the one table of its header lines: the
writer, the reader and `publish check` all go by it (as pandoc's native format has one
reader/writer pair). A digest is its own header, a numbered contents list, then each
article as a complete record of its own between rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wcwidth import wcswidth, wcwidth

from publish.errors import InputError
from publish.model import (
    DERIVABLE_FIELDS,
    PROVENANCE_FIELDS,
    Article,
    Collection,
    Dateline,
    Paragraph,
    Provenance,
    make_slug,
)
from publish.source import SPELLING_JOINER
from publish.textblocks import (
    DATELINE_STOPS,
    Block,
    Header,
    normalise_language,
    paragraphs,
    parse_date,
    read_header,
    require_body,
    split_blocks,
    split_dateline,
)
from publish.typography import smarten

#: How a header value is read back: (value, file, line) -> the value the reader keeps.
Read = Callable[[str, str | None, int], Any]


def _as_is(value: str, path: str | None, line: int) -> str:
    return value


def _derived(value: str, path: str | None, line: int) -> frozenset[str]:
    names = frozenset(value.replace(",", " ").split())
    unknown = names - set(DERIVABLE_FIELDS)
    if unknown:
        raise InputError(
            f"Derived names unknown fields: {', '.join(sorted(unknown))}",
            path=path,
            line=line,
            hint=f"known: {', '.join(DERIVABLE_FIELDS)}",
        )
    return names


def _provenance_value(attribute: str) -> Callable[[Article], str | None]:
    return lambda article: getattr(article.provenance, attribute) if article.provenance else None


@dataclass(frozen=True)
class Field:
    """One header line of a record: its key as written, the name the header reader files it
    under, how it is written from an article, how it is read back (None: written for the
    reader's eye only, as Words is) and whether only a complete record may carry it."""

    key: str
    name: str
    write: Callable[[Article], str | None]
    read: Read | None
    record_only: bool = False


#: The header of an article's text edition, in the order it is written.
FIELDS: tuple[Field, ...] = (
    Field("Title", "title", lambda a: a.title, lambda value, path, line: smarten(value)),
    Field("Date", "date", lambda a: a.date_iso, parse_date),
    Field("Dateline", "dateline", lambda a: a.dateline.text if a.dateline else None, _as_is),
    Field("Author", "author", lambda a: a.author, _as_is),
    Field("Source", "source", lambda a: a.source, _as_is),
    Field("Language", "language", lambda a: a.language, normalise_language),
    Field("Words", "words", lambda a: str(len(a.words)), None),
    Field(
        "Slug",
        "slug",
        lambda a: a.slug if a.slug_given else None,
        lambda value, path, line: make_slug(value, None, undated_prefix=False),
    ),
    Field("Identifier", "identifier", lambda a: a.identifier, _as_is),
    Field(
        "Derived",
        "derived",
        lambda a: ", ".join(name for name in DERIVABLE_FIELDS if name in a.derived),
        _derived,
        record_only=True,
    ),
    *(Field(key, key, _provenance_value(attribute), _as_is, record_only=True) for key, attribute in PROVENANCE_FIELDS),
)
#: Header keys (lower case) -> the name each is filed under, for the header reader.
KEYS: dict[str, str] = {field.key.lower(): field.name for field in FIELDS}
#: Names only a complete record (one stating its Identifier) may carry.
RECORD_ONLY: frozenset[str] = frozenset(field.name for field in FIELDS if field.record_only)
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


# --- Writing ---------------------------------------------------------------------------------


def header_fields(article: Article) -> list[tuple[str, str]]:
    """The header lines of `article`, by `FIELDS`; absent values are left out."""
    return [(field.key, value) for field in FIELDS if (value := field.write(article))]


def write_article(article: Article, width: int, transform: Callable[[str], str] = lambda text: text) -> str:
    """An article's text edition; `transform` maps every value and paragraph (an ASCII
    companion passes a transliteration)."""
    lines: list[str] = []
    for key, value in header_fields(article):
        lines.extend(header_lines(key, _transformed(value, transform), width))
    for text in article.body_texts():
        lines.append("")
        lines.extend(wrap(_transformed(text, transform), width))
    return "\n".join(lines) + "\n"


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
    if display_width(lines[0]) > width and " " not in value:
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


#: Whitespace other than the space character.
_OTHER_SPACE = re.compile(r"[^\S ]")


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
    for word in text.split():
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


# --- Reading ---------------------------------------------------------------------------------


def is_record(header: Header) -> bool:
    """A header that states the Identifier is a complete record (our own text edition)."""
    return "identifier" in header.values


def read_record(
    header: Header,
    lines: list[str],
    body_start: int,
    path: str | None,
    read_from: Provenance | None,
    warnings: list[str],
    *,
    language_of: Callable[[list[Block]], str],
    title_of: Callable[[Paragraph, str], str],
) -> Article:
    """The article a complete record states. What it leaves out is absent: no date from the
    file's name, no dateline or agency from the lead, no title from the first line, no
    repaired paragraph breaks. Only a record that lacks its Title or Language (one made from
    a sparse ninjs document) has them completed by the caller's `title_of` and `language_of`.
    Without provenance lines the record itself is the source (`read_from`)."""
    values = {
        field.name: field.read(header.values[field.name], path, header.lines[field.name])
        for field in FIELDS
        if field.read is not None and field.name in header.values
    }
    derived = set(values.get("derived", ()))
    provenance = _provenance(header, path) or read_from
    blocks = split_blocks(lines, body_start)
    require_body(blocks, path, len(lines))
    language = values.get("language") or language_of(blocks)
    dateline, blocks = _stated_dateline(values.get("dateline"), blocks, path)
    body = paragraphs(blocks, warnings)
    title = values.get("title")
    if title is None:
        title = smarten(title_of(body[0], language))
        derived.add("title")
    date = values.get("date")
    article = Article(
        title=title,
        slug=values["slug"] if "slug" in values else make_slug(title, date),
        slug_given="slug" in values,
        paragraphs=body,
        date=date,
        dateline=dateline,
        author=values.get("author"),
        source=values.get("source"),
        language=language,
        source_path=path,
        derived=frozenset(derived),
        provenance=provenance,
    )
    if values["identifier"] != article.identifier:
        warnings.append(
            f"the Identifier header ({values['identifier']}) does not match the text: "
            f"the article changed since that edition was made"
        )
    return article


def _provenance(header: Header, path: str | None) -> Provenance | None:
    """A record's provenance lines, or None when it has none."""
    stated = {key: header.values[key] for key, _ in PROVENANCE_FIELDS if key in header.values}
    if not stated:
        return None
    try:
        return Provenance.from_fields(stated)
    except ValueError as error:
        line = min(header.lines[key] for key in stated)
        raise InputError(
            str(error), path=path, line=line, hint="restore the provenance lines the text edition was written with"
        ) from None


def _stated_dateline(given: str | None, blocks: list[Block], path: str | None) -> tuple[Dateline | None, list[Block]]:
    """A record's dateline: the header's, set in front of the lead, or none."""
    if not given:
        return None, blocks
    lead = blocks[0]
    for stop in DATELINE_STOPS:
        dateline = split_dateline(given, stop)
        prefix = dateline.lead_in + " "
        if lead.text.startswith(prefix) and len(lead.text) > len(prefix):
            return dateline, [Block(lead.line, lead.text[len(prefix) :]), *blocks[1:]]
    raise InputError(
        f"the lead does not begin with the stated dateline {given!r}",
        path=path,
        line=lead.line,
        hint="the body was edited: restore the dateline",
    )


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
    for number, line in enumerate(text.split("\n"), start=1):
        if line != line.rstrip():
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


def printed_words(text: str) -> list[str]:
    """The words of a text edition that its PDF prints: the body, not the header. For a
    digest: its contents list and every article's body."""
    header, _, rest = text.partition("\n\n")
    if _DIGEST_LINE.search(header) is None:
        return rest.split()
    sections = _RULE.split(rest)
    words = sections[0].split()
    for section in sections[1:]:
        words += section.strip("\n").partition("\n\n")[2].split()
    return words


def stated_identifier(record: str) -> str | None:
    """The Identifier a record's header states (None when it states none), read by the
    same header reader as the record itself; a header that cannot be read states none."""
    lines = [line.rstrip() for line in record.split("\n")]
    start = next((index for index, line in enumerate(lines) if line.strip()), 0)
    header = Header()
    try:
        read_header(lines, start, header, KEYS, None, [])
    except InputError:
        return None
    return header.values.get("identifier")
