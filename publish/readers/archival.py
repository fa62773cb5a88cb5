"""The archival text edition (a complete record) -> Draft.

A text edition whose header states its Identifier is a record: every fact is read as
stated, nothing guessed, and its blocks are read by their plain forms (`publish.archival`
documents them and writes them), so reading an edition back gives the article it was
written from, and its EPUB and PDF again, byte for byte.
"""

from __future__ import annotations

import re

from publish import archival
from publish.errors import InputError
from publish.model import ITEM_FIELDS, PROVENANCE_FIELDS, Item, Provenance
from publish.readers.draft import Draft, DraftBlock, Given, Piece
from publish.readers.lexing import HEADER_LINE, Header, RawBlock, Span, join_lines, raw_blocks, read_header

#: Lines a record's header states that are read apart from its facts (provenance, item).
_PROVENANCE_KEYS = {key.lower() for key, _ in PROVENANCE_FIELDS}
_ITEM_KEYS = {key.lower() for key, _ in ITEM_FIELDS}
#: A link: its text (any `[` or `]` in it escaped) and its address.
_LINK = re.compile(r"\[(?P<inner>(?:\\.|[^\[\]\\])*)\]\((?P<href>[^\s()]+)\)")


def looks_like_record(text: str) -> bool:
    """Whether `text` opens with a header block that states an Identifier (our own text edition)."""
    head = text.lstrip("\ufeff \t\n").partition("\n\n")[0]
    first = head.split("\n", 1)[0]
    return HEADER_LINE.fullmatch(first) is not None and re.search(r"^Identifier:", head, re.MULTILINE) is not None


def read_record(text: str, path: str | None, read_from: Provenance | None, warnings: list[str]) -> Draft:
    """The draft of a complete record. Without provenance lines the record itself is the
    source (`read_from`)."""
    lines = [line.rstrip(" \t") for line in text.split("\n")]  # a no-break space at a line end is content
    start = next((index for index, line in enumerate(lines) if line.strip()), 0)
    header = Header()
    body_start = read_header(lines, start, header, archival.KEYS, path, warnings, archival.REPEATED)
    facts = {
        name: Given(value, header.lines[name])
        for name, value in header.values.items()
        if name not in _PROVENANCE_KEYS | _ITEM_KEYS and name != "words"
    }
    author = facts.pop("author", None)
    return Draft(
        path=path,
        blocks=[record_block(block) for block in raw_blocks(lines, body_start)],
        facts=facts,
        creators=archival.read_creators(author.value) if author else None,
        provenance=_provenance(header, path) or read_from,
        item=_item(header, path),
        notes=archival.stated_notes(header.repeated),
        record=True,
        warnings=warnings,
        last_line=len(lines),
    )


def _provenance(header: Header, path: str | None) -> Provenance | None:
    """A record's provenance lines, or None when it has none."""
    stated = {key: header.values[key.lower()] for key, _ in PROVENANCE_FIELDS if key.lower() in header.values}
    if not stated:
        return None
    try:
        return Provenance.from_fields(stated)
    except ValueError as error:
        line = min(header.lines[key.lower()] for key in stated)
        raise InputError(
            str(error), path=path, line=line, hint="restore the provenance lines the text edition was written with"
        ) from None


def _item(header: Header, path: str | None) -> Item | None:
    """A record's item lines, or None when it has none."""
    stated = {key: header.values[key.lower()] for key, _ in ITEM_FIELDS if key.lower() in header.values}
    if not stated:
        return None
    try:
        return Item.from_fields(stated)
    except ValueError as error:
        line = min(header.lines[key.lower()] for key in stated)
        raise InputError(
            str(error), path=path, line=line, hint="restore the item lines the text edition was written with"
        ) from None


def record_block(block: RawBlock) -> DraftBlock:
    """One block of a record, by its plain form; what matches no other form is a paragraph."""
    lines = block.lines
    heading = archival.HEADING.match(lines[0])
    if heading is not None:
        text = join_lines([lines[0][heading.end() :], *lines[1:]])
        return DraftBlock("heading", [_piece(text, block.line)], level=len(heading["hashes"]))
    if archival.RECORD_ITEM.match(lines[0]):
        return _record_list(block)
    if all(line.startswith(">") for line in lines):
        return _record_quote(block)
    if len(lines) == 1 and archival.SEPARATOR.fullmatch(lines[0]):
        return DraftBlock("separator", [Piece(lines[0], line=block.line)])
    return DraftBlock("paragraph", [_piece(block.text, block.line)])


def _record_list(block: RawBlock) -> DraftBlock:
    items: list[tuple[int, list[str]]] = []
    first = archival.RECORD_ITEM.match(block.lines[0])
    assert first is not None
    for offset, line in enumerate(block.lines):
        item = archival.RECORD_ITEM.match(line)
        if item is not None:
            items.append((block.line + offset, [line[item.end() :]]))
        else:
            items[-1][1].append(line)
    ordered = first["number"] is not None
    return DraftBlock(
        "list",
        [_piece(join_lines(lines), line) for line, lines in items],
        ordered=ordered,
        marker=first["delimiter"] if ordered else first["bullet"],
        start=int(first["number"]) if ordered else 1,
    )


def _record_quote(block: RawBlock) -> DraftBlock:
    paragraphs: list[tuple[int, list[str]]] = [(block.line, [])]
    for offset, line in enumerate(block.lines):
        text = line[len(archival.QUOTE_PREFIX) :] if line.startswith(archival.QUOTE_PREFIX) else line[1:]
        if not text.strip() and paragraphs[-1][1]:
            paragraphs.append((block.line + offset + 1, []))
        elif text.strip():
            paragraphs[-1][1].append(text)
    return DraftBlock("quote", [_piece(join_lines(lines), line) for line, lines in paragraphs if lines])


def _piece(notation: str, line: int) -> Piece:
    text, spans = read_notation(notation)
    return Piece(text, tuple(spans), line)


def read_notation(notation: str) -> tuple[str, list[Span]]:
    """A block's text and the sender's markup over it, from the record's notation: `\\x`
    is the character x, `_..._` emphasis, `**...**` strong emphasis, `[...](address)` a
    link. A delimiter left open is read as the character it is."""
    out: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str, int, int]] = []  # (kind, where in `out`, plain offset)
    length = 0
    index = 0
    while index < len(notation):
        char = notation[index]
        if char == "\\" and index + 1 < len(notation):
            out.append(notation[index + 1])
            length += 1
            index += 2
            continue
        kind = "strong" if notation.startswith("**", index) else "emphasis" if char == "_" else None
        if kind is not None:
            if opened and opened[-1][0] == kind:
                _, _, start = opened.pop()
                spans.append(Span(start, length, kind))
            else:
                opened.append((kind, len(out), length))
            index += 2 if kind == "strong" else 1
            continue
        link = _LINK.match(notation, index) if char == "[" else None
        if link is not None:
            inner, inner_spans = read_notation(link["inner"])
            spans += [Span(s.start + length, s.end + length, s.kind, s.href) for s in inner_spans]
            spans.append(Span(length, length + len(inner), "link", link["href"]))
            out.append(inner)
            length += len(inner)
            index = link.end()
            continue
        out.append(char)
        length += 1
        index += 1
    for kind, where, start in reversed(opened):  # never closed: the characters they are
        mark = "**" if kind == "strong" else "_"
        out.insert(where, mark)
        spans = [
            Span(s.start + len(mark) if s.start >= start else s.start, s.end + len(mark), s.kind, s.href)
            if s.end > start
            else s
            for s in spans
        ]
    return "".join(out), spans
