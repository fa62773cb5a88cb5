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
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any, TypeAlias

from anyascii import anyascii

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
        return {"type": "quotation", "closed": self.closed,
                "children": [child.to_dict() for child in self.children]}


@dataclass(frozen=True, slots=True)
class Editorial:
    """An editor's insertion into the reporter's text, brackets included."""

    children: tuple[Inline, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "editorial", "children": [child.to_dict() for child in self.children]}


Inline: TypeAlias = Text | Quotation | Editorial


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


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of body text."""

    runs: tuple[Inline, ...]

    @property
    def text(self) -> str:
        return plain_text(self.runs)

    def to_dict(self) -> list[dict[str, Any]]:
        return [run.to_dict() for run in self.runs]


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where and when the story was filed, as the wire wrote it (`BAKU, Azerbaijan`,
    `September 21`)."""

    place: str
    date_text: str | None = None

    @property
    def text(self) -> str:
        """The dateline as one phrase, without its closing full stop."""
        return f"{self.place}, {self.date_text}" if self.date_text else self.place

    @property
    def lead_in(self) -> str:
        """How every edition sets the dateline in front of the lead paragraph."""
        return f"{self.text}."

    def to_dict(self) -> dict[str, Any]:
        return {"place": self.place, "date_text": self.date_text}


@dataclass(frozen=True)
class Article:
    """One news article, ready to render."""

    title: str
    slug: str
    paragraphs: tuple[Paragraph, ...]
    date: datetime.date | None = None
    dateline: Dateline | None = None
    author: str | None = None
    source: str | None = None
    language: str = "en"
    #: Where it was read from; for messages only, never part of an edition.
    source_path: str | None = field(default=None, compare=False)

    @cached_property
    def identifier(self) -> str:
        """A `urn:uuid` derived from the content, so rebuilding never changes it."""
        content = self.content_dict()
        digest = json.dumps(content, ensure_ascii=False, sort_keys=True)
        return uuid.uuid5(IDENTIFIER_NAMESPACE, digest).urn

    @property
    def lead_in(self) -> str | None:
        """Text set before the first paragraph (the dateline), if any."""
        return self.dateline.lead_in if self.dateline else None

    def body_texts(self) -> Iterator[str]:
        """The body as the reader meets it: dateline, then each paragraph's text."""
        for index, paragraph in enumerate(self.paragraphs):
            if index == 0 and self.lead_in:
                yield f"{self.lead_in} {paragraph.text}"
            else:
                yield paragraph.text

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every word of the body, in order (whitespace-separated)."""
        return tuple(chain.from_iterable(text.split() for text in self.body_texts()))

    @property
    def date_iso(self) -> str | None:
        return iso_date(self.date)

    def content_dict(self) -> dict[str, Any]:
        """Everything that makes the article what it is (no path, no slug)."""
        return {
            "title": self.title,
            "date": self.date_iso,
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "author": self.author,
            "source": self.source,
            "language": self.language,
            "paragraphs": [paragraph.to_dict() for paragraph in self.paragraphs],
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by `publish inspect`."""
        return {
            "source_path": self.source_path,
            "slug": self.slug,
            "identifier": self.identifier,
            "words": len(self.words),
            **self.content_dict(),
        }


@dataclass(frozen=True)
class Collection:
    """Several articles published as one book: a daily digest."""

    title: str
    slug: str
    articles: tuple[Article, ...]
    date: datetime.date | None = None
    language: str = "en"

    @cached_property
    def identifier(self) -> str:
        """A `urn:uuid` from the title, date and the articles' own identifiers."""
        key = json.dumps([self.title, self.date.isoformat() if self.date else None,
                          [article.identifier for article in self.articles]])
        return uuid.uuid5(IDENTIFIER_NAMESPACE, key).urn

    @property
    def date_iso(self) -> str | None:
        return iso_date(self.date)

    @cached_property
    def words(self) -> int:
        return sum(len(article.words) for article in self.articles)
