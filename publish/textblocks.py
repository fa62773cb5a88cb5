"""Lexing shared by the wire-copy parser and the archival text format.

The pieces both readers of plain text need, and nothing that decides what an article
means: a `key: value` header block, paragraphs at blank lines, ISO dates, BCP 47 tags,
a stated dateline and the inline runs (quotations, editorial insertions) of a paragraph.
`publish.parse` (wire copy) and `publish.archival` (our own text edition) both build on
it, so neither imports the other's rules.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from itertools import groupby

from publish.errors import InputError
from publish.model import Dateline, Editorial, Inline, Paragraph, Quotation, Text
from publish.typography import smarten

#: Dates outside this range are refused as typos (documented in the README).
YEAR_RANGE = (1800, 2199)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
#: Combining marks that belong inside a word (Devanagari vowel signs and virama, Arabic and
#: Hebrew points): `\w` does not match them.
_WORD_MARKS = "\u0591-\u05c7\u064b-\u065f\u0670\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
DAY_MONTH = (
    rf"(?:{_MONTH}\.? ?\d{{1,2}}(?:, \d{{4}})?"
    rf"|\d{{1,2}} [^\W\d_](?:[^\W\d_]|[{_WORD_MARKS}]){{2,11}}\.?(?: \d{{4}})?)"
)

#: What closes a dateline: a full stop (Latin or Armenian "։"), a dash or a colon.
DATELINE_STOPS: tuple[str, ...] = (".", "\u0589")

#: One `key: value` header line.
HEADER_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*)")
ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][0-9:.+\-Z]*)?")

#: A BCP 47 language tag (RFC 5646, section 2.1): language, then optional script, region,
#: variants, extensions and a private-use part, each subtag of its own shape.
_LANGUAGE_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{5,8})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
)

_INLINE_MARK = re.compile(r"[\u201c\u201d\u00ab\u00bb\u201e\[\]]")
_OPENERS: dict[str, tuple[str, str]] = {  # opener -> (closer, kind)
    "\u201c": ("\u201d", "quotation"),
    "\u00ab": ("\u00bb", "quotation"),
    "\u201e": ("\u201c", "quotation"),
    "[": ("]", "editorial"),
}

#: Quotations and insertions nested deeper than this are read as plain text (with a
#: warning from `parse`): real copy nests two or three levels, and every stage after the
#: parser (model, renderers, templates) then walks a tree of bounded depth.
MAX_NESTING = 24


@dataclass(slots=True)  # millions of them for an article of millions of one-line paragraphs
class Block:
    """One paragraph of the body: the line it starts on, its hard-wrapped lines joined."""

    line: int
    text: str


@dataclass
class Header:
    """A header block: values by canonical name, and the line each was given on."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def read_header(
    lines: list[str], start: int, header: Header, keys: dict[str, str], path: str | None, warnings: list[str]
) -> int:
    """Read `key: value` lines (continuations indented) up to the first blank line into `header`,
    by the names `keys` gives the lower-cased keys; returns the index of the line after it."""
    key: str | None = None
    index = start
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        match = HEADER_LINE.fullmatch(line)
        if line[:1].isspace() and key is not None:
            header.values[key] = f"{header.values[key]} {line.strip()}".strip()
        elif match:
            name = match["key"].lower()
            key = keys.get(name)
            if key is None:
                warnings.append(f"line {index + 1}: unknown header {match['key']!r} ignored")
            elif key in header.values:
                raise InputError(f"header {match['key']!r} is given twice", path=path, line=index + 1)
            else:
                header.values[key] = " ".join(match["value"].split())
                header.lines[key] = index + 1
        else:
            raise InputError(
                "expected a `key: value` header line or a blank line",
                path=path,
                line=index + 1,
                hint="put one blank line between the header and the body",
            )
        index += 1
    for key in [key for key, value in header.values.items() if not value]:
        del header.values[key]  # `author:` with nothing after it gives no author
    return index


def split_blocks(lines: list[str], start: int) -> list[Block]:
    """Split lines into paragraphs at blank lines; join hard-wrapped lines. (Lines are
    right-stripped, so a blank one is empty; grouping runs in C, for millions of lines.)"""
    blocks: list[Block] = []
    number = start + 1
    for filled, group in groupby(lines[start:], key=bool):
        run = list(group)
        if filled:
            blocks.append(Block(number, " ".join(" ".join(run).split())))
        number += len(run)
    return blocks


def parse_date(value: str, path: str | None = None, line: int | None = None) -> datetime.date:
    """An ISO 8601 calendar date (a time part is ignored: the wire's own day counts)."""
    match = ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise InputError(f"malformed date {value!r}: expected YYYY-MM-DD", path=path, line=line)
    try:
        date = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise InputError(f"date {value} does not exist ({error})", path=path, line=line) from None
    if not YEAR_RANGE[0] <= date.year <= YEAR_RANGE[1]:
        raise InputError(
            f"date {value} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}: probably a typo", path=path, line=line
        )
    return date


def split_dateline(text: str, stop: str = ".") -> Dateline:
    """A dateline phrase as a header states it (`BAKU, Azerbaijan, September 21`)."""
    found = re.fullmatch(rf"(?P<place>.+?),? (?P<date>{DAY_MONTH})\.?", text)
    if found:
        return Dateline(place=found["place"], date_text=found["date"], end=stop)
    return Dateline(place=text.rstrip("."), end=stop)


def normalise_language(value: str, path: str | None = None, line: int | None = None) -> str:
    """Check a BCP 47 tag and give it its conventional case (`en-GB`, `sr-Latn`)."""
    tag = value.strip().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise InputError(
            f"language {value!r} is not a BCP 47 tag",
            path=path,
            line=line,
            hint="use a tag such as en, az, ru, hy or ka",
        )
    match = _LANGUAGE_TAG.fullmatch(tag)
    assert match is not None
    out = [match["language"].lower()]
    if match["script"]:
        out.append(match["script"].title())
    if match["region"]:
        out.append(match["region"].upper())
    rest = tag[
        match.end("region") if match["region"] else match.end("script") if match["script"] else match.end("language") :
    ]
    return "-".join(out) + rest.lower()


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """Split a paragraph into text, quotations and editorial insertions.

    A closer only closes the innermost open run of its kind; an unclosed quotation runs
    to the end of the paragraph (news style for quotes spanning paragraphs); an unclosed
    bracket is plain text. One pass, no recursion: text is gathered in lists of pieces
    (joined once), so runs of unmatched marks stay linear; openers beyond `MAX_NESTING`
    levels are plain text.
    """
    if _INLINE_MARK.search(text) is None:
        return (Text(text),) if text else ()
    # A level: (closer, kind, finished children, pieces of the text run being gathered).
    Level = tuple[str, str, list[Inline], list[str]]
    root: Level = ("", "root", [], [])
    stack: list[Level] = [root]
    position = 0

    def flush(level: Level) -> None:
        joined = "".join(level[3])
        level[3].clear()
        if joined:
            level[2].append(Text(joined))

    for match in _INLINE_MARK.finditer(text):
        mark = match[0]
        top = stack[-1]
        if mark == top[0]:  # closes the innermost open run (the root's closer is "")
            top[3].append(text[position : match.end()])
            position = match.end()
            stack.pop()
            flush(top)
            node: Inline = Quotation(tuple(top[2])) if top[1] == "quotation" else Editorial(tuple(top[2]))
            flush(stack[-1])
            stack[-1][2].append(node)
        elif mark in _OPENERS and len(stack) <= MAX_NESTING:
            top[3].append(text[position : match.start()])
            position = match.start()
            closer, kind = _OPENERS[mark]
            stack.append((closer, kind, [], []))
        # any other mark is plain text: it stays in the span still to be taken
    stack[-1][3].append(text[position:])
    while len(stack) > 1:
        level = stack.pop()
        parent = stack[-1]
        if level[1] == "quotation":
            flush(level)
            flush(parent)
            parent[2].append(Quotation(tuple(level[2]), closed=False))
        else:  # an unclosed bracket is text: its pieces join the parent's
            for child in level[2]:
                if isinstance(child, Text):
                    parent[3].append(child.text)
                else:
                    flush(parent)
                    parent[2].append(child)
            parent[3].extend(level[3])
    flush(root)
    return tuple(root[2])


def nesting_depth(runs: tuple[Inline, ...]) -> int:
    """How deeply quotations and insertions nest in `runs` (iteratively)."""
    deepest = 0
    stack = [(run, 1) for run in runs if not isinstance(run, Text)]
    while stack:
        run, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in run.children if not isinstance(child, Text))  # type: ignore[union-attr]
    return deepest


def paragraphs(blocks: list[Block], warnings: list[str]) -> tuple[Paragraph, ...]:
    """The body's paragraphs: typography, then inline runs; a warning for each paragraph whose
    marks nest deeper than `MAX_NESTING` (those are read as plain text)."""
    result = tuple(Paragraph(parse_inlines(smarten(block.text))) for block in blocks)
    for block, paragraph in zip(blocks, result):
        if nesting_depth(paragraph.runs) >= MAX_NESTING:
            warnings.append(
                f"line {block.line}: quotations or brackets nested {MAX_NESTING} deep; "
                f"marks opened deeper are read as plain text"
            )
    return result


def require_body(blocks: list[Block], path: str | None, last_line: int) -> None:
    """An article has at least one paragraph; the error says how a header is separated."""
    if not blocks:
        raise InputError(
            "no paragraphs: the article has no body text",
            path=path,
            line=last_line,
            hint="separate the header from the body with one blank line",
        )
