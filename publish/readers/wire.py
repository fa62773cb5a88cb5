"""Wire copy (plain text) -> Draft.

Recognises three shapes of wire copy and the structure inside their bodies:

* the Trend shape: ` date YYYY-MM-DD ` running straight into the dateline and the lead;
* a header block of `key: value` lines, then a blank line, then the body;
* a title line, a blank line, then the body (a byline line may follow the title).

In the body: paragraphs (hard-wrapped lines joined), lists (`-`, `–`, `•`, `*`, `1.` or `1)`
items), block quotations (`> ` lines), separators (`___`, `***`, `---`, `* * *`) and
subheadings (a short unpunctuated line between paragraphs, or a line in capitals). What is
not recognised stays a paragraph, word for word. The text is never changed: quotes,
dashes and no-break spaces stay as the wire sent them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from publish import archival
from publish.errors import InputError
from publish.model import Provenance
from publish.readers.agencies import read_byline
from publish.readers.draft import Draft, DraftBlock, Given, Piece
from publish.readers.lexing import HEADER_LINE, ISO_DATE, Header, RawBlock, join_lines, raw_blocks, read_header
from publish.readers.source import clean_text

#: Header keys of wire copy (lower case) -> the fact each states.
HEADER_KEYS: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "subtitle": "subtitle",
    "date": "date",
    "dateline": "dateline",
    "located": "located",
    "author": "byline",
    "by": "byline",
    "byline": "byline",
    "source": "source",
    "agency": "source",
    "language": "language",
    "lang": "language",
    "slug": "slug",
    "correction": "correction",
    "note": "note",
    "keep-breaks": "keep-breaks",
    "keep_breaks": "keep-breaks",
}
#: Keys of the archival text edition that only a complete record (one with an Identifier)
#: may state; in wire copy they are reported and ignored.
RECORD_ONLY_KEYS = {key for key in archival.KEYS if key not in HEADER_KEYS}
#: Warnings about single lines stop after this many (then one line counts the rest).
MAX_LINE_WARNINGS = 20
_YES_NO: dict[str, bool] = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_SEED_FIRST_LINE = re.compile(r"\s*date\s+(?P<date>\S+)(?:\s+(?P<rest>.*))?", re.IGNORECASE)
#: A paragraph that ends like this has ended; one that does not may run on into the next.
_TERMINAL = re.compile(r"[.!?\u2026\u0589\u0964\u3002\uff01\uff1f:;][\"'\u201d\u2019\u00bb)\]]*$")
_TITLE_FINAL_PUNCTUATION = tuple(".,;:!\u2026")
#: A list item's start: a bullet (`-`, `–`, `•`, `*`) or a number and `.` or `)`, then a space.
ITEM = re.compile(
    r"[ \t]{0,3}(?:(?P<bullet>[-\u2013\u2022*])|(?P<number>\d{1,3})(?P<delimiter>[.)]))[ \t\u00a0]+(?=\S)"
)
#: Bullets whose items must stand on consecutive lines: across blank lines a paragraph that
#: opens with a dash is dialogue (`– Да, – сказал он.`), not a list.
DIALOGUE_DASHES = ("-", "\u2013")
#: A separator: three or more of one mark, spaces between them allowed.
SEPARATOR = re.compile(r"(?P<mark>[_*=~#-])(?: ?(?P=mark)){2,}")
_QUOTE_LINE = re.compile(r"[ \t]{0,3}>[ \t]?")
#: A subheading is at most this long (characters, words).
HEADING_MAX = (80, 12)
_HEADING_END = tuple(".,;:!?\u2026\u0589\u0964\u3002\"'\u201d\u2019\u00bb)]")


def read_wire(
    text: str,
    path: str | None,
    provenance: Provenance | None,
    *,
    keep_breaks: bool = False,
    warnings: list[str] | None = None,
) -> Draft:
    """The draft of one article of wire copy (clean text); `InputError` when it is none.
    `keep_breaks` keeps every paragraph break as written (a `keep-breaks: yes` header does
    too); otherwise a break inside a sentence is repaired, with a warning."""
    warnings = [] if warnings is None else warnings
    lines = [line.rstrip(" \t") for line in text.split("\n")]  # a no-break space at a line end is content
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise InputError("empty article: the file has no text", path=path, line=1)
    header = Header()
    first = _SEED_FIRST_LINE.fullmatch(lines[start])
    header_line = HEADER_LINE.fullmatch(lines[start])
    if (first and ISO_DATE.fullmatch(first["date"]) is not None) or (
        first and not header_line and re.match(r"\d", first["date"])
    ):
        header.values["date"], header.lines["date"] = first["date"], start + 1
        lines[start] = first["rest"] or ""
        body_start = start
    elif header_line and header_line["key"].lower() in HEADER_KEYS.keys() | archival.KEYS.keys():
        keys = {**{key: key for key in archival.KEYS}, **HEADER_KEYS}
        body_start = read_header(lines, start, header, keys, path, warnings, archival.REPEATED)
    else:
        body_start = start
    for key in sorted(RECORD_ONLY_KEYS & header.values.keys(), key=header.lines.__getitem__):
        if key != "words":  # written for the reader's eye in a text edition; means nothing here
            warnings.append(
                f"line {header.lines[key]}: header {header.written[key]!r} is only read in a text edition "
                "(one with an Identifier); ignored"
            )
    facts = {
        HEADER_KEYS[key]: Given(value, header.lines[key])
        for key, value in header.values.items()
        if key in HEADER_KEYS and HEADER_KEYS[key] != "keep-breaks"
    }
    notes = archival.stated_notes(header.repeated)
    raw = raw_blocks(lines, body_start)
    if "title" not in facts and len(raw) > 1 and _looks_like_title(raw[0].text):
        title = raw.pop(0)
        facts["title"] = Given(title.text, title.line)
    if raw and "byline" not in facts and len(raw) > 1 and len(raw[0].lines) == 1 and read_byline(raw[0].text):
        byline = raw.pop(0)
        facts["byline"] = Given(byline.text, byline.line)
    blocks, one_line = structure(raw)
    if not (keep_breaks or _keep_breaks(header, path)):
        blocks = _repair_breaks(blocks, one_line, warnings)
    blocks = _headings(blocks, one_line)
    return Draft(
        path=path,
        blocks=blocks,
        facts=facts,
        provenance=provenance,
        notes=notes,
        warnings=warnings,
        last_line=len(lines),
    )


def _looks_like_title(text: str) -> bool:
    return (
        len(text) <= 200
        and not text.endswith(_TITLE_FINAL_PUNCTUATION)
        and not (text.endswith(('"', "\u201d", "\u2019", "'")) and text[:-1].endswith(_TITLE_FINAL_PUNCTUATION))
    )


def _keep_breaks(header: Header, path: str | None) -> bool:
    value = header.values.get("keep-breaks")
    if value is None:
        return False
    if value.lower() not in _YES_NO:
        raise InputError(f"keep-breaks: {value!r} is not yes or no", path=path, line=header.lines["keep-breaks"])
    return _YES_NO[value.lower()]


# --- Structure ---------------------------------------------------------------------------------


@dataclass
class _Item:
    """A list item found in the copy: its bullet or number and delimiter, its lines."""

    bullet: str | None
    number: int | None
    delimiter: str | None
    line: int
    lines: list[str]
    #: The item's first line as written, marker included (what a paragraph keeps).
    source: str

    def continues(self, other: _Item) -> bool:
        """Whether this item can follow `other` in one list (same bullet, or the next number)."""
        if self.bullet is not None:
            return self.bullet == other.bullet
        return other.number is not None and self.delimiter == other.delimiter and self.number == other.number + 1


def structure(raw: list[RawBlock]) -> tuple[list[DraftBlock], set[int]]:
    """The body's blocks: separators, block quotations and lists recognised; every other
    block a paragraph (subheadings are found later, after broken paragraphs are mended).
    Also returns which paragraphs stand on one line (by `id`): only those can be subheadings."""
    out: list[DraftBlock] = []
    one_line: set[int] = set()
    run: list[_Item] = []  # list items that may be one list, across blank lines
    run_blocks: list[RawBlock] = []  # ... and the raw blocks they came from
    quoting = False  # the block before was a quotation

    def paragraph(block: RawBlock) -> None:
        draft = DraftBlock("paragraph", [Piece(block.text, line=block.line)])
        if len(block.lines) == 1:
            one_line.add(id(draft))
        out.append(draft)

    def flush() -> None:
        if len(run) >= 2:
            out.append(_list(run))
        else:
            for block in run_blocks:
                paragraph(block)
        run.clear()
        run_blocks.clear()

    for block in raw:
        lines = block.lines
        if len(lines) == 1 and SEPARATOR.fullmatch(lines[0].strip()):
            flush()
            out.append(DraftBlock("separator", [Piece(lines[0].strip(), line=block.line)]))
            quoting = False
            continue
        if all(_QUOTE_LINE.match(line) for line in lines):
            flush()
            piece = Piece(join_lines([_QUOTE_LINE.sub("", line, count=1) for line in lines]), line=block.line)
            if quoting and piece.text:
                out[-1].pieces.append(piece)
            elif piece.text:
                out.append(DraftBlock("quote", [piece]))
                quoting = True
            continue
        quoting = False
        leading, items = _items(block)
        if items and not all(item.continues(previous) for previous, item in pairwise(items)):
            flush()  # items of several lists in one block: each run its own list, or text
            if leading:
                paragraph(RawBlock(block.line, leading))
            for run_items in _consistent_runs(items):
                if len(run_items) >= 2:
                    out.append(_list(run_items))
                else:
                    paragraph(RawBlock(run_items[0].line, [run_items[0].source, *run_items[0].lines[1:]]))
            continue
        if not items or (leading and len(items) < 2):
            flush()
            paragraph(block)
            continue
        if leading:
            flush()
            out.append(DraftBlock("paragraph", [Piece(join_lines(leading), line=block.line)]))
        dialogue = items[0].bullet in DIALOGUE_DASHES
        if len(items) == 1 and dialogue:  # a lone dash item between blank lines: dialogue
            flush()
            paragraph(block)
            continue
        if not (run and not dialogue and items[0].continues(run[-1])):
            flush()
        run.extend(items)
        run_blocks.append(block)
        if dialogue:  # a dash list ends with its block
            flush()
    flush()
    return out, one_line


def _consistent_runs(items: list[_Item]) -> list[list[_Item]]:
    """Items split where one does not continue the one before (another bullet, a number
    out of sequence)."""
    runs: list[list[_Item]] = [[items[0]]]
    for previous, item in pairwise(items):
        if item.continues(previous):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _items(block: RawBlock) -> tuple[list[str], list[_Item]]:
    """A block's lines before its first list item, and its items (a line that opens no item
    continues the one before)."""
    leading: list[str] = []
    items: list[_Item] = []
    for offset, line in enumerate(block.lines):
        match = ITEM.match(line)
        if match is not None:
            number = int(match["number"]) if match["number"] else None
            item = _Item(match["bullet"], number, match["delimiter"], block.line + offset, [line[match.end() :]], line)
            items.append(item)
        elif items:
            items[-1].lines.append(line)
        else:
            leading.append(line)
    return leading, items


def _list(items: list[_Item]) -> DraftBlock:
    first = items[0]
    ordered = first.number is not None
    return DraftBlock(
        "list",
        [Piece(join_lines(item.lines), line=item.line) for item in items],
        ordered=ordered,
        marker=(first.delimiter or ".") if ordered else (first.bullet or "-"),
        start=first.number or 1,
    )


def _repair_breaks(blocks: list[DraftBlock], one_line: set[int], warnings: list[str]) -> list[DraftBlock]:
    """Join a paragraph that ends without terminal punctuation to the next paragraph when that
    one begins in lower case: a stray blank line inside a sentence, not a new paragraph.
    (The pieces of a joined paragraph are gathered and joined once: linear in the text.)"""
    repaired: list[tuple[DraftBlock, list[str]]] = []
    joined: list[int] = []
    for block in blocks:
        previous = repaired[-1] if repaired else None
        if (
            previous is not None
            and previous[0].kind == block.kind == "paragraph"
            and _is_lower(block.pieces[0].text[:1])
            and _TERMINAL.search(previous[1][-1]) is None
        ):
            joined.append(block.line or 0)
            previous[1].append(block.pieces[0].text)
            one_line.discard(id(previous[0]))  # no longer one line: never a subheading
        else:
            repaired.append((block, [block.pieces[0].text] if block.kind == "paragraph" else []))
    for block, texts in repaired:
        if len(texts) > 1:
            block.pieces[0] = Piece(" ".join(texts), line=block.pieces[0].line)
    why = (
        "joined to the paragraph before, which ends without punctuation while this one begins in lower "
        "case (a stray blank line?); `keep-breaks: yes` keeps such breaks"
    )
    warnings.extend(f"line {line}: {why}" for line in joined[:MAX_LINE_WARNINGS])
    if len(joined) > MAX_LINE_WARNINGS:
        warnings.append(f"{len(joined) - MAX_LINE_WARNINGS:,} more paragraphs {why.split(',')[0]}")
    return [block for block, _ in repaired]


def _headings(blocks: list[DraftBlock], one_line: set[int]) -> list[DraftBlock]:
    """Paragraphs that are subheadings: a short line between the lead and more text that
    does not end like a sentence, or that is written in capitals."""
    for index in range(1, len(blocks) - 1):
        block, following = blocks[index], blocks[index + 1]
        if (
            id(block) in one_line
            and following.kind in ("paragraph", "list", "quote")
            and _is_heading(block.pieces[0].text)
            and not (id(following) in one_line and _is_heading(following.pieces[0].text))
        ):
            block.kind = "heading"
    return blocks


def _is_heading(text: str) -> bool:
    if len(text) > HEADING_MAX[0]:  # most paragraphs: decided before their letters are listed
        return False
    letters = [char for char in text if char.isalpha()]
    if not letters or len(text.split()) > HEADING_MAX[1]:
        return False
    if text.startswith(("(", "[", '"', "\u201c", "\u00ab", "\u201e", "'")) or read_byline(text):
        return False
    capitals = len(letters) >= 2 and all(char.isupper() for char in letters if char.isupper() or char.islower())
    capitals = capitals and any(char.isupper() for char in letters)
    return capitals or not text.endswith(_HEADING_END)


def _is_lower(char: str) -> bool:
    """Lower case, not counting Georgian Mkhedruli, which news text uses as caseless."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


def plain_body(text: str) -> tuple[list[DraftBlock], list[str]]:
    """The blocks of a plain-text body in a structured item (ninjs `body_text`, NewsML-G2
    `inlineData`) by the wire copy's rules (lists, separators...), and what cleaning it
    removed; a body without blank lines has one paragraph a line."""
    cleaned, warnings = clean_text(text)
    lines = [line.rstrip(" \t") for line in cleaned.split("\n")]
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if filled and all(line.strip() for line in lines[filled[0] : filled[-1] + 1]):
        lines = [part for line in lines if line.strip() for part in (line, "")]
    return structure(raw_blocks(lines, 0))[0], warnings
