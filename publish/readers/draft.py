"""What a reader found in its input, before the facts every format shares are settled.

A reader (wire copy, the archival text, ninjs...) turns its format into a `Draft`: the
body's blocks as the sender wrote them (text, markup spans, line numbers) and the facts the
input states, each with the line it was stated on. `publish.readers.assemble` then settles
what all formats share (date, language, dateline, source, creators, headline, slug) in one
place, so no reader writes text for another to re-parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publish.model import Creator, Item, Note, Provenance
from publish.readers.lexing import Span

#: The kinds of block a reader can find.
BLOCK_KINDS = ("paragraph", "heading", "list", "quote", "separator")


@dataclass
class Piece:
    """A stretch of body text as sent: its characters, the sender's markup over them, the line."""

    text: str
    spans: tuple[Span, ...] = ()
    line: int | None = None


@dataclass
class DraftBlock:
    """A block of the body: one piece for a paragraph, heading or separator (its mark), one
    per item for a list, one per paragraph for a quotation."""

    kind: str
    pieces: list[Piece]
    #: A heading's level (2 is the highest inside a story).
    level: int = 2
    #: A list: numbered, its marker as filed (a bullet, or "." / ")" after the numbers), its first number.
    ordered: bool = False
    marker: str = "-"
    start: int = 1

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"block kind {self.kind!r}: expected one of {BLOCK_KINDS}")

    @property
    def line(self) -> int | None:
        return self.pieces[0].line if self.pieces else None


@dataclass(frozen=True)
class Given:
    """A fact the input states, and the line it states it on (None when the format has no lines)."""

    value: str
    line: int | None = None


#: Facts a reader may state. `dateline` is a dateline that should open the lead (it is
#: looked for there); `located` a place from metadata that is not in the lead.
FACTS = (
    "title",
    "subtitle",
    "date",
    "language",
    "dateline",
    "located",
    "byline",
    "author",
    "source",
    "slug",
    "identifier",
    "derived",
)


@dataclass
class Draft:
    """An article as its reader found it."""

    path: str | None
    blocks: list[DraftBlock]
    facts: dict[str, Given] = field(default_factory=dict)
    #: People with their roles, when the format lists them (ninjs `authors`, NewsML-G2 creators).
    creators: tuple[Creator, ...] | None = None
    provenance: Provenance | None = None
    #: The agency item this is a version of, and the editors' notes, as the input states them.
    item: Item | None = None
    notes: list[Note] = field(default_factory=list)
    #: A complete record (the archival text with its Identifier, publish's own ninjs): every
    #: fact is as stated, nothing is guessed from the body or the file's name.
    record: bool = False
    #: A slug the sender gave names a topic, not a story: the article's day goes in front.
    dated_slug: bool = False
    #: What the reader warns about (decoding, unknown fields, repaired breaks...).
    warnings: list[str] = field(default_factory=list)
    #: How the format states a fact the input lacks, for the warning: fact -> advice.
    advice: dict[str, str] = field(default_factory=dict)
    #: The last line of the input, for an error about a missing body.
    last_line: int | None = None

    def __post_init__(self) -> None:
        unknown = set(self.facts) - set(FACTS)
        if unknown:
            raise ValueError(f"unknown facts {sorted(unknown)}")

    def value(self, name: str) -> str | None:
        given = self.facts.get(name)
        return given.value if given is not None else None

    def line(self, name: str) -> int | None:
        given = self.facts.get(name)
        return given.line if given is not None else None
