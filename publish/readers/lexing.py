"""Lexing shared by the readers: what every input format's text is made of.

The pieces the readers of wire copy, of the archival text edition and of ninjs all need,
and nothing that decides what an article means: a `key: value` header block, raw blocks at
blank lines, ISO dates, BCP 47 tags, and the inline runs of a paragraph (quotations and
editorial insertions found in its text, emphasis and links laid over them by position).
The text is never changed: a run's characters are the source's.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from itertools import groupby

from publish.errors import InputError
from publish.model import CONTAINERS, Editorial, Emphasis, Inline, Link, Quotation, Text, with_children
from publish.typography import CLOSING, OPENING, quote_role

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

#: One `key: value` header line.
HEADER_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*)")
ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][0-9:.+\-Z]*)?")

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


#: Runs of breaking whitespace inside a line (a no-break space is content, and stays).
_SPACES = re.compile(r"[ \t]+")


def join_lines(lines: list[str]) -> str:
    """Hard-wrapped lines as one text: each line's spaces and tabs collapsed to one space,
    the lines joined by one space; no-break spaces kept as written."""
    return _SPACES.sub(" ", " ".join(lines)).strip(" ")


@dataclass(slots=True)  # millions of them for an article of millions of one-line paragraphs
class RawBlock:
    """Lines between blank lines: the line number the first is on, the lines as written."""

    line: int
    lines: list[str]

    @property
    def text(self) -> str:
        return join_lines(self.lines)


@dataclass
class Header:
    """A header block: values by canonical name, the line each was given on, and its key as written."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    #: Facts a header may state on several lines: every (value, line), in order.
    repeated: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def read_header(
    lines: list[str],
    start: int,
    header: Header,
    keys: dict[str, str],
    path: str | None,
    warnings: list[str],
    repeated: frozenset[str] = frozenset(),
) -> int:
    """Read `key: value` lines (continuations indented) up to the first blank line into `header`,
    by the names `keys` gives the lower-cased keys (those of `repeated` facts may come again,
    each a value of its own); returns the index of the line after it."""
    key: str | None = None
    index = start
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        match = HEADER_LINE.fullmatch(line)
        if line[:1].isspace() and key is not None and key in repeated:
            value, number = header.repeated[key][-1]
            header.repeated[key][-1] = (join_lines([value, line]), number)
        elif line[:1].isspace() and key is not None:
            header.values[key] = join_lines([header.values[key], line])
        elif match:
            name = match["key"].lower()
            key = keys.get(name)
            if key is None:
                warnings.append(f"line {index + 1}: unknown header {match['key']!r} ignored")
            elif key in repeated:
                header.repeated.setdefault(key, []).append((join_lines([match["value"]]), index + 1))
            elif key in header.values:
                raise InputError(f"header {match['key']!r} is given twice", path=path, line=index + 1)
            else:
                header.values[key] = join_lines([match["value"]])
                header.lines[key] = index + 1
                header.written[key] = match["key"]
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
    for key, stated in header.repeated.items():
        header.repeated[key] = [(value, number) for value, number in stated if value]
    return index


def raw_blocks(lines: list[str], start: int) -> list[RawBlock]:
    """Split lines at blank ones (lines are right-stripped, so a blank one is empty;
    grouping runs in C, for millions of lines)."""
    blocks: list[RawBlock] = []
    number = start + 1
    for filled, group in groupby(lines[start:], key=lambda line: bool(line.strip())):
        run = list(group)
        if filled:
            blocks.append(RawBlock(number, run))
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


def iso_time(value: str, path: str | None = None, line: int | None = None) -> tuple[str, bool]:
    """A time a feed stamps (ISO 8601 in any of its forms: `2026-12-07T06:15:00-05:00`,
    NITF's `20261207T061500-0500`, `+0000`, a date alone) in one form, RFC 3339's, so that
    times compare and every edition can carry them: its offset kept as stamped (`Z` for
    UTC). A time without an offset is taken as UTC, and says so (the bool)."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{value!r} is not an ISO 8601 time", path=path, line=line) from None
    naive = moment.tzinfo is None
    if naive:
        moment = moment.replace(tzinfo=datetime.UTC)
    text = moment.isoformat(timespec="seconds" if not moment.microsecond else "microseconds")
    return (text[:-6] + "Z" if text.endswith("+00:00") else text), naive


def quote_marks(text: str) -> str:
    """`text` with each straight double quote replaced by the curly mark it stands for
    (opening or closing, by its neighbours, as the reading editions will curl it), so
    quotations typed on a typewriter keyboard are found as curly ones are. The same length:
    marks found here are sliced from the text as written."""
    return _STRAIGHT_QUOTE.sub(lambda match: _QUOTE_ROLE.get(quote_role(text, match.start()), '"'), text)


_STRAIGHT_QUOTE = re.compile('"')
#: What a straight double quote stands for -> the mark it counts as (a Hebrew gershayim: none).
_QUOTE_ROLE = {OPENING: "\u201c", CLOSING: "\u201d"}


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """Split a paragraph into text, quotations and editorial insertions; the text stays as
    written (straight quotes too: they are recognised by `quote_marks`).

    A closer only closes the innermost open run of its kind; an unclosed quotation runs
    to the end of the paragraph (news style for quotes spanning paragraphs); an unclosed
    bracket is plain text. One pass, no recursion: text is gathered in lists of pieces
    (joined once), so runs of unmatched marks stay linear; openers beyond `MAX_NESTING`
    levels are plain text.
    """
    marks = quote_marks(text) if '"' in text else text
    if _INLINE_MARK.search(marks) is None:
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

    for match in _INLINE_MARK.finditer(marks):
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
    stack = [(run, 1) for run in runs if isinstance(run, CONTAINERS)]
    while stack:
        run, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in run.children if isinstance(child, CONTAINERS))  # type: ignore[union-attr]
    return deepest


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a paragraph's text the sender marked up: `kind` is "emphasis", "strong"
    or "link" (with its `href`). Offsets count characters of the paragraph's text."""

    start: int
    end: int
    kind: str
    href: str = ""


def runs_of(text: str, spans: list[Span] | tuple[Span, ...] = ()) -> tuple[Inline, ...]:
    """A paragraph's runs: quotations and insertions found in its text, then the sender's
    emphasis and links laid over them (a span that crosses a quotation's edge is cut there)."""
    runs = parse_inlines(text)
    spans = sorted((span for span in spans if span.end > span.start), key=lambda span: (span.start, -span.end))
    return _overlay(runs, spans, 0)[0] if spans else runs


def _wrap(span: Span, children: tuple[Inline, ...]) -> Inline:
    if span.kind == "link":
        return Link(children, span.href)
    return Emphasis(children, strong=span.kind == "strong")


def _overlay(runs: tuple[Inline, ...], spans: list[Span], offset: int) -> tuple[tuple[Inline, ...], int]:
    """`runs` (starting at `offset` of the paragraph) with `spans` wrapped around the text
    they cover; returns the new runs and the offset after them."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Text):
            end = offset + len(run.text)
            out.extend(_cover(run.text, offset, [span for span in spans if span.start < end and span.end > offset]))
            offset = end
        else:
            children, offset = _overlay(run.children, spans, offset)
            out.append(with_children(run, children))
    return _merged(out), offset


def _cover(text: str, offset: int, spans: list[Span]) -> list[Inline]:
    """`text` (at `offset`) cut at the edges of `spans` (outermost first), each piece wrapped
    in the spans that cover it."""
    if not spans:
        return [Text(text)] if text else []
    outer, inner = spans[0], spans[1:]
    start, end = max(outer.start - offset, 0), min(outer.end - offset, len(text))
    if end <= start:
        return _cover(text, offset, inner)
    pieces: list[Inline] = [Text(text[:start])] if start > 0 else []
    covered = [span for span in inner if span.start < offset + end and span.end > offset + start]
    pieces.append(_wrap(outer, tuple(_cover(text[start:end], offset + start, covered))))
    rest = [span for span in inner if span.end > offset + end]
    pieces.extend(_cover(text[end:], offset + end, rest))
    return pieces


def _merged(runs: list[Inline]) -> tuple[Inline, ...]:
    """Neighbouring text runs joined, and neighbouring emphasis or links of one kind, so a
    span cut by the runs' edges is one run again wherever it can be."""
    out: list[Inline] = []
    for run in runs:
        last = out[-1] if out else None
        if isinstance(run, Text) and isinstance(last, Text):
            out[-1] = Text(last.text + run.text)
        elif isinstance(run, (Emphasis, Link)) and type(run) is type(last) and _same_kind(run, last):
            out[-1] = with_children(run, _merged([*last.children, *run.children]))  # type: ignore[union-attr]
        else:
            out.append(run)
    return tuple(out)


def _same_kind(run: Inline, other: Inline | None) -> bool:
    if isinstance(run, Emphasis) and isinstance(other, Emphasis):
        return run.strong == other.strong
    return isinstance(run, Link) and isinstance(other, Link) and run.href == other.href


def nesting_warning(runs: tuple[Inline, ...], line: int | None) -> str | None:
    """The warning for runs whose marks nest `MAX_NESTING` deep (deeper ones are plain text)."""
    if nesting_depth(runs) < MAX_NESTING:
        return None
    where = f"line {line}: " if line is not None else ""
    return f"{where}quotations or brackets nested {MAX_NESTING} deep; marks opened deeper are read as plain text"


def require_body(blocks: list[RawBlock], path: str | None, last_line: int) -> None:
    """An article has at least one paragraph; the error says how a header is separated."""
    if not blocks:
        raise InputError(
            "no paragraphs: the article has no body text",
            path=path,
            line=last_line,
            hint="separate the header from the body with one blank line",
        )
