"""The article model: the one thing every renderer sees.

Frozen dataclasses with no I/O. Parsing builds them, renderers read them, and whatever
two renderers both need to know about an article (its plain text, word count, stable
identifier, dateline wording) is computed here, once, so the editions cannot disagree.

Inline text is a small tree: plain `Text`, a `Quotation` (its quotation marks stay in
the text, as written) and an `Editorial` insertion (its brackets stay in the text).
Concatenating the text of every leaf gives back the paragraph exactly.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import Any, TypeAlias

from anyascii import anyascii

from publish.language.tables import DEFAULT

#: Longest slug, so file names stay portable.
SLUG_MAX = 80
#: Namespace for content-derived identifiers: same article text -> same urn:uuid.
IDENTIFIER_NAMESPACE = uuid.UUID("6f1c1e0a-5b7e-4d1e-9a57-2f0c8d3b9e41")


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text."""

    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted speech, marks included. `closed` is False when the quote runs on into the
    next paragraph, as news style does for quotes of several paragraphs."""

    children: tuple[Inline, ...]
    closed: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"type": "quotation", "closed": self.closed, "children": [child.to_dict() for child in self.children]}


@dataclass(frozen=True, slots=True)
class Editorial:
    """An editor's insertion into the reporter's text, brackets included."""

    children: tuple[Inline, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "editorial", "children": [child.to_dict() for child in self.children]}


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Text the sender set in italics (`<i>`, `<em>`) or, `strong`, in bold (`<b>`, `<strong>`)."""

    children: tuple[Inline, ...]
    strong: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"type": "strong" if self.strong else "emphasis", "children": [c.to_dict() for c in self.children]}


@dataclass(frozen=True, slots=True)
class Link:
    """Text that links to `href` (an absolute http, https or mailto address)."""

    children: tuple[Inline, ...]
    href: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "link", "href": self.href, "children": [child.to_dict() for child in self.children]}


Inline: TypeAlias = Text | Quotation | Editorial | Emphasis | Link
#: Inline runs that hold other runs.
CONTAINERS = (Quotation, Editorial, Emphasis, Link)


def with_children(run: Quotation | Editorial | Emphasis | Link, children: tuple[Inline, ...]) -> Inline:
    """`run` holding `children` instead of its own (what a transform of the text rebuilds)."""
    return replace(run, children=children)


def make_slug(text: str, date: datetime.date | None, undated_prefix: bool = True) -> str:
    """`YYYY-MM-DD-words-of-title` (`undated-...` without a date): ASCII, at most
    `SLUG_MAX` characters, no path syntax."""
    ascii_text = re.sub(r"['\u2019`]", "", anyascii(text.replace("\u2019", "'")))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "article"
    prefix = f"{date.isoformat()}-" if date else "undated-" if undated_prefix else ""
    room = SLUG_MAX - len(prefix)
    if len(words) > room:
        cut = words.rfind("-", 0, room + 1)
        words = words[: cut if cut > 0 else room].strip("-")
    return prefix + words


def iso_date(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def plain_text(runs: tuple[Inline, ...]) -> str:
    """The exact characters of a run tree, markup dropped."""
    parts: list[str] = []
    stack: list[Inline] = list(reversed(runs))
    while stack:
        run = stack.pop()
        if isinstance(run, Text):
            parts.append(run.text)
        else:
            stack.extend(reversed(run.children))
    return "".join(parts)


#: Spaces a line may not break at: they join what they stand between (`12\u00a0000`, `M.\u202fDupont`).
NO_BREAK_SPACES = "\u00a0\u2007\u202f"
#: Whitespace that separates words (every kind but the no-break spaces).
_WORD_BREAK = re.compile(rf"[^\S{NO_BREAK_SPACES}]+")


def words_of(text: str) -> list[str]:
    """The words of `text`: split at breaking whitespace, so `12\u00a0000` is one word."""
    if not any(space in text for space in NO_BREAK_SPACES):
        return text.split()  # the same split (both take `str.isspace`'s whitespace), several times faster
    return [word for word in _WORD_BREAK.split(text) if word]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of body text."""

    runs: tuple[Inline, ...]

    @property
    def text(self) -> str:
        return plain_text(self.runs)

    def texts(self) -> tuple[str, ...]:
        return (self.text,)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "paragraph", "runs": [run.to_dict() for run in self.runs]}


@dataclass(frozen=True, slots=True)
class Heading:
    """A subheading inside the story ("WHAT'S CLOSED"); `level` 2 is the highest (1 is the headline)."""

    runs: tuple[Inline, ...]
    level: int = 2

    @property
    def text(self) -> str:
        return plain_text(self.runs)

    def texts(self) -> tuple[str, ...]:
        return (self.text,)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "heading", "level": self.level, "runs": [run.to_dict() for run in self.runs]}


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list."""

    runs: tuple[Inline, ...]

    @property
    def text(self) -> str:
        return plain_text(self.runs)

    def to_dict(self) -> list[dict[str, Any]]:
        return [run.to_dict() for run in self.runs]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A list, with its marker as filed: for a bulleted list the bullet (`-`, `•`, `*`, `–`),
    for a numbered (`ordered`) one what follows each number (`.` or `)`), counting from `start`."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    marker: str = "-"
    start: int = 1

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text for item in self.items)

    def markers(self) -> list[str]:
        """Each item's marker as filed: the bullet, or its number and what follows it."""
        if not self.ordered:
            return [self.marker] * len(self.items)
        return [f"{self.start + index}{self.marker}" for index in range(len(self.items))]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "list",
            "ordered": self.ordered,
            "marker": self.marker,
            "start": self.start,
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A passage quoted at length, set apart from the story's own paragraphs."""

    paragraphs: tuple[Paragraph, ...]

    def texts(self) -> tuple[str, ...]:
        return tuple(paragraph.text for paragraph in self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "blockquote", "paragraphs": [paragraph.to_dict() for paragraph in self.paragraphs]}


@dataclass(frozen=True, slots=True)
class Separator:
    """A break between parts of the story, with its mark as filed (`___`, `***`, `* * *`)."""

    mark: str

    def texts(self) -> tuple[str, ...]:
        return ()

    def to_dict(self) -> dict[str, Any]:
        return {"type": "separator", "mark": self.mark}


Block: TypeAlias = Paragraph | Heading | ListBlock | BlockQuote | Separator


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where (and when, and for which agency) the story was filed, exactly as it opens the
    lead (`BAKU, Azerbaijan, September 21.`, `NEW ORLEANS (AP) —`, `Երևան, 12 ապրիլի։`),
    with what was read from it. The lead paragraph's runs begin after it and one space."""

    filed: str
    place: str
    date_text: str | None = None
    #: The agency the dateline names, as written there (`AP`, `dpa`, `ТАСС`).
    agency: str | None = None

    @property
    def lead_in(self) -> str:
        """What every edition sets in front of the lead: the dateline as filed."""
        return self.filed

    def to_dict(self) -> dict[str, Any]:
        return {"filed": self.filed, "place": self.place, "date_text": self.date_text, "agency": self.agency}


#: The roles a creator can have (IPTC's creator roles, as ninjs and NewsML-G2 name them).
CREATOR_ROLES: tuple[str, ...] = ("writer", "editor", "photographer", "translator", "contributor")


@dataclass(frozen=True, slots=True)
class Creator:
    """A person who made the story, and how."""

    name: str
    role: str = "writer"

    def __post_init__(self) -> None:
        if self.role not in CREATOR_ROLES:
            raise ValueError(f"creator role {self.role!r}: expected one of {CREATOR_ROLES}")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role}


#: What an agency says of an item's state (ninjs `pubstatus`, NewsML-G2 `pubStatus`): usable,
#: withheld (not to be published now), canceled (killed: withdrawn from publication).
ITEM_STATUSES: tuple[str, ...] = ("usable", "withheld", "canceled")
#: The words feeds use for them (lower case; ninjs `pubstatus`, G2 `stat:` codes, NITF
#: `management-status`): British "cancelled", and "withdrawn", which some ninjs feeds send
#: for a kill.
ITEM_STATUS_WORDS: dict[str, str] = {
    **{status: status for status in ITEM_STATUSES},
    "cancelled": "canceled",
    "withdrawn": "canceled",
}
#: How the archival text header writes the item, in order: (header key, `Item` attribute).
ITEM_FIELDS: tuple[tuple[str, str], ...] = (
    ("Item", "id"),
    ("Item-Version", "version"),
    ("Item-Created", "created"),
    ("Item-Updated", "updated"),
    ("Item-Status", "status"),
    ("Item-Embargo", "embargo"),
)


@dataclass(frozen=True, slots=True)
class Item:
    """The agency's item an article is one version of, as the sender states it: its id
    (NewsML-G2 `guid`, ninjs `uri`), version, when it was first made and when this version
    was, its status and the time it is embargoed until (ISO 8601, as written). Not content:
    the same words sent again as version 3 are the same article."""

    id: str
    version: int | None = None
    created: str | None = None
    updated: str | None = None
    status: str = "usable"
    embargo: str | None = None

    def __post_init__(self) -> None:
        if self.status not in ITEM_STATUSES:
            raise ValueError(f"item status {self.status!r}: expected one of {ITEM_STATUSES}")
        if self.version is not None and self.version < 0:
            raise ValueError(f"item version {self.version}: expected a whole number from 0")

    @property
    def withdrawn(self) -> bool:
        """Whether the sender says the story must not stand: killed or withheld."""
        return self.status != "usable"

    def fields(self) -> list[tuple[str, str]]:
        """The header lines, in `ITEM_FIELDS` order (a usable status goes without saying)."""
        values = {attribute: getattr(self, attribute) for _, attribute in ITEM_FIELDS}
        values["status"] = None if self.status == "usable" else self.status
        return [(key, str(values[attribute])) for key, attribute in ITEM_FIELDS if values[attribute] is not None]

    @classmethod
    def from_fields(cls, values: dict[str, str]) -> Item:
        """Read back what `fields` wrote (keys as in `ITEM_FIELDS`); `ValueError` names what is wrong."""
        if "Item" not in values:
            raise ValueError("the item's lines lack the Item line (its id)")
        version = values.get("Item-Version")
        if version is not None and not version.isdigit():
            raise ValueError(f"Item-Version {version!r} is not a whole number")
        return cls(
            id=values["Item"],
            version=int(version) if version is not None else None,
            created=values.get("Item-Created"),
            updated=values.get("Item-Updated"),
            status=values.get("Item-Status", "usable"),
            embargo=values.get("Item-Embargo"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {attribute: getattr(self, attribute) for _, attribute in ITEM_FIELDS}


#: The kinds of editor's note: a correction (shown to readers: "Correction: ..."), or an
#: editorial note, which agencies address to editors and never to readers (NewsML-G2
#: `edNote`, ninjs `ednote`, NITF `ed-msg`): kept in the archival text, never printed.
NOTE_KINDS: tuple[str, ...] = ("correction", "editorial")


@dataclass(frozen=True, slots=True)
class Note:
    """An editor's note that is not the story, in the order the item gives them."""

    text: str
    kind: str = "editorial"

    def __post_init__(self) -> None:
        if self.kind not in NOTE_KINDS:
            raise ValueError(f"note kind {self.kind!r}: expected one of {NOTE_KINDS}")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


#: Fields the parser may have derived or guessed rather than read, in the order editions list them.
DERIVABLE_FIELDS: tuple[str, ...] = ("title", "date", "source", "language")

#: How the archival text header writes provenance, in order: (header key, `Provenance` attribute).
#: The text edition writes these lines and the parser reads them back from the same table.
PROVENANCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Source-File", "name"),
    ("Source-SHA256", "sha256"),
    ("Source-Encoding", "encoding_text"),
    ("Publish-Version", "version"),
)
#: How the encoding was settled, as the Source-Encoding line says it.
ENCODING_HOW: tuple[str, ...] = ("declared", "byte order mark", "detected", "guessed")
_ENCODING_TEXT = re.compile(r"(?P<encoding>[A-Za-z0-9_.:-]+) \((?P<how>[a-z ]+)\)")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an article came from (PREMIS/BagIt style): the source file's name as given, the
    SHA-256 of its original bytes, the encoding used and how it was settled, and the publish
    version that read it. Only the archival text edition shows it; it is not content, so it
    never changes the identifier, and EPUB and PDF never see it."""

    name: str | None
    sha256: str
    encoding: str
    how: str
    version: str

    def __post_init__(self) -> None:
        if self.how not in ENCODING_HOW:
            raise ValueError(f"encoding settled by {self.how!r}: expected one of {ENCODING_HOW}")
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError(f"not a SHA-256 in hexadecimal: {self.sha256!r}")

    @classmethod
    def of(cls, data: bytes, name: str | None, encoding: str, how: str, version: str) -> Provenance:
        """Provenance of `data` read from a file called `name` (made printable)."""
        return cls(
            printable_name(name) if name is not None else None, hashlib.sha256(data).hexdigest(), encoding, how, version
        )

    @property
    def encoding_text(self) -> str:
        return f"{self.encoding} ({self.how})"

    def fields(self) -> list[tuple[str, str]]:
        """The header lines, in `PROVENANCE_FIELDS` order; an unknown name is left out."""
        return [(key, value) for key, attribute in PROVENANCE_FIELDS if (value := getattr(self, attribute)) is not None]

    @classmethod
    def from_fields(cls, values: dict[str, str]) -> Provenance:
        """Read back what `fields` wrote (keys as in `PROVENANCE_FIELDS`); `ValueError` names
        what is missing or malformed."""
        missing = [key for key, attribute in PROVENANCE_FIELDS if attribute != "name" and key not in values]
        if missing:
            raise ValueError(f"incomplete provenance: no {', '.join(missing)}")
        encoding = _ENCODING_TEXT.fullmatch(values["Source-Encoding"])
        if encoding is None:
            raise ValueError(f"Source-Encoding {values['Source-Encoding']!r} is not `codec (how)`")
        return cls(
            values.get("Source-File"),
            values["Source-SHA256"],
            encoding["encoding"],
            encoding["how"],
            values["Publish-Version"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "how": self.how,
            "version": self.version,
        }


def printable_name(name: str) -> str:
    """A file name as one header value that reads back unchanged: NFC, and every character a
    text edition may not carry (controls, invisible and odd spaces, undecodable bytes, a
    space next to another or at either end) written as a `\\xNN`/`\\uNNNN` escape."""
    name = unicodedata.normalize("NFC", name)

    def escape(index: int, char: str) -> str:
        if char == " ":
            if 0 < index < len(name) - 1 and name[index - 1] != " " and name[index + 1] != " ":
                return char
        elif char.isprintable():
            return char
        if "\udc80" <= char <= "\udcff":  # an undecodable byte (surrogateescape)
            return f"\\x{ord(char) - 0xDC00:02x}"
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return "".join(escape(index, char) for index, char in enumerate(name))


@dataclass(frozen=True)
class Article:
    """One news article, ready to render."""

    title: str
    slug: str
    blocks: tuple[Block, ...]
    date: datetime.date | None = None
    #: The dateline that opens the lead, as filed (None when the lead has none).
    dateline: Dateline | None = None
    #: Where the story was filed, from the sender's metadata (ninjs `located`, a `dateline:`
    #: header line that the lead does not open with): set before a lead without a dateline.
    located: str | None = None
    creators: tuple[Creator, ...] = ()
    #: The byline as filed ("By Maria Gonzalez and Tom Becker", "Von Christian Hollmann, dpa").
    byline: str | None = None
    source: str | None = None
    language: str = DEFAULT
    #: Where it was read from; for messages only, never part of an edition.
    source_path: str | None = field(default=None, compare=False)
    #: Which of `DERIVABLE_FIELDS` the parser derived or guessed instead of reading them.
    derived: frozenset[str] = frozenset()
    #: Where the bytes came from; shown by the archival text edition only (not content).
    provenance: Provenance | None = None
    #: Whether the slug was given (a `slug:` header) rather than made from the title and date:
    #: the parser's decision, recorded so the text edition writes a Slug line exactly then.
    slug_given: bool = False
    #: The agency item this article is a version of (ninjs, NewsML-G2), if it came as one.
    item: Item | None = None
    #: Editors' notes: corrections (printed for readers) and editorial notes (archived only).
    notes: tuple[Note, ...] = ()
    #: A second headline under the first (NewsML-G2 and ninjs subheadlines, NITF `hl2` in the hedline).
    subtitle: str | None = None

    def __post_init__(self) -> None:
        if self.dateline is not None and not (self.blocks and isinstance(self.blocks[0], Paragraph)):
            raise ValueError("a dateline opens the lead: the first block must be a paragraph")

    @property
    def corrections(self) -> tuple[Note, ...]:
        """The notes readers are shown."""
        return tuple(note for note in self.notes if note.kind == "correction")

    @cached_property
    def identifier(self) -> str:
        """A `urn:uuid` derived from the content, so rebuilding never changes it."""
        content = self.content_dict()
        digest = json.dumps(content, ensure_ascii=False, sort_keys=True)
        return uuid.uuid5(IDENTIFIER_NAMESPACE, digest).urn

    @property
    def lead_in(self) -> str | None:
        """Text set before the first paragraph: the dateline as filed, else the place the
        metadata names, closed by a full stop (unless it ends in punctuation already)."""
        if self.dateline is not None:
            return self.dateline.lead_in
        if self.located is not None and self.blocks and isinstance(self.blocks[0], Paragraph):
            return self.located if self.located.endswith((".", "\u0589", "\u3002")) else f"{self.located}."
        return None

    @property
    def place(self) -> str | None:
        """Where the story was filed: the metadata's place, else the dateline's."""
        return self.located or (self.dateline.place if self.dateline else None)

    @property
    def writers(self) -> list[str]:
        """The byline's names: the creators who wrote it (an editor or a photographer is a
        creator, named in the metadata, not in the byline)."""
        return [creator.name for creator in self.creators if creator.role == "writer"]

    @property
    def author(self) -> str | None:
        """The writers' names as one phrase for metadata that holds one ("A; B"), else None."""
        names = [creator.name for creator in self.creators]
        return "; ".join(names) if names else None

    def body_texts(self) -> Iterator[str]:
        """The body as the reader meets it: the dateline with the lead, then every block's text."""
        lead_in = self.lead_in
        for index, block in enumerate(self.blocks):
            for text in block.texts():
                yield f"{lead_in} {text}" if index == 0 and lead_in else text

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every word of the body, in order (split at breaking whitespace)."""
        return tuple(chain.from_iterable(words_of(text) for text in self.body_texts()))

    @property
    def date_iso(self) -> str | None:
        return iso_date(self.date)

    def content_dict(self) -> dict[str, Any]:
        """Everything that makes the article what it is (no path, no slug)."""
        return {
            "title": self.title,
            # Only when there is one (as notes): the identifiers of articles without stay what they were.
            **({"subtitle": self.subtitle} if self.subtitle else {}),
            "date": self.date_iso,
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "located": self.located,
            "creators": [creator.to_dict() for creator in self.creators],
            "byline": self.byline,
            "source": self.source,
            "language": self.language,
            **({"notes": [note.to_dict() for note in self.notes]} if self.notes else {}),
            "blocks": [block.to_dict() for block in self.blocks],
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by `publish inspect`."""
        return {
            "source_path": self.source_path,
            "slug": self.slug,
            "identifier": self.identifier,
            "words": len(self.words),
            **self.content_dict(),
            "derived": [name for name in DERIVABLE_FIELDS if name in self.derived],
            "item": self.item.to_dict() if self.item else None,
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }


@dataclass(frozen=True)
class Collection:
    """Several articles published as one book: a daily digest."""

    title: str
    slug: str
    articles: tuple[Article, ...]
    date: datetime.date | None = None
    language: str = DEFAULT

    @cached_property
    def identifier(self) -> str:
        """A `urn:uuid` from the title, date and the articles' own identifiers."""
        key = json.dumps(
            [
                self.title,
                self.date.isoformat() if self.date else None,
                [article.identifier for article in self.articles],
            ]
        )
        return uuid.uuid5(IDENTIFIER_NAMESPACE, key).urn

    @property
    def date_iso(self) -> str | None:
        return iso_date(self.date)

    @cached_property
    def words(self) -> int:
        return sum(len(article.words) for article in self.articles)
