"""IPTC ninjs ("News in JSON") -> Draft: what newsroom systems and agencies send.

One `.json` file holds one ninjs document of any version an agency sends: 1.x (`headline`,
`body_text`, `body_html`, `byline`), 2.x (`headlines`, `bodies`, `by`, `infosources`) or 3.x
(the 2.x names in camelCase, so keys are compared in lower case). The reader picks the facts
(names from `publish.metadata`, plus the 1.x spellings) and reads the richer of the item's
bodies into blocks: HTML (`h1`-`h6`, `p`, `ul`/`ol`/`li`, `blockquote`, `hr`, and `b`, `i`,
`a` inside) with lxml's HTML parser, which is linear in its input whatever it holds; plain
text by the same structure rules as wire copy. With no body, a `descriptions` entry of role
`text` is the body.

A document written by publish (profile `publish-article`) is read as a complete record, as
the text edition with an `Identifier` is: nothing is guessed from the body, so it reads back
to the same article.
"""

from __future__ import annotations

import codecs
import datetime
import json
import re
import sys
from dataclasses import replace
from typing import Any

from publish.errors import InputError, OptionsError
from publish.language import normalise_tag
from publish.metadata import NINJS_ITEM_ID_ROLE as ITEM_ID_ROLE
from publish.metadata import NINJS_PROFILE as PROFILE
from publish.metadata import field, ninjs_lookup
from publish.model import ITEM_STATUS_WORDS, ITEM_STATUSES, Creator, Item, Note, Provenance, make_slug
from publish.readers.agencies import ROLE_NAMES, is_correction
from publish.readers.draft import Draft, DraftBlock, Given
from publish.readers.lexing import iso_time, parse_date
from publish.readers.markup import html_blocks
from publish.readers.source import clean_text
from publish.readers.wire import plain_body
from publish.version import __version__

#: Top-level properties and list items whose keys are compared in lower case (3.x camelCase).
_LISTS = ("headlines", "bodies", "infosources", "people", "authors", "descriptions")
#: 1.x (and Superdesk/TT) spellings, read after the metadata table's 2.x paths.
_LEGACY: dict[str, tuple[str, ...]] = {
    "title": ("headline", "title"),
    "author": ("byline",),
    "source": ("source",),
}
_PLAIN_BODIES = ("body_text",)
_HTML_BODIES = ("body_html", "body_xhtml", "body_html5")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
#: `headlines[].role` values of a second headline under the main one.
_SUBTITLE_ROLES = ("sub", "subtitle", "subheadline", "subhead", "deck", "standfirst")
#: How a ninjs item states a fact it lacks, for the warnings.
ADVICE = {
    "date": "no contentcreated, firstcreated or versioncreated",
    "language": "the item has no `language`",
    "body": "give the item a body (`bodies`, `body_text` or `body_html`)",
}


def read(data: bytes, path: str | None = None, encoding: str | None = None) -> Draft:
    """Read one ninjs document; `InputError` naming the file (and line) when it is not one."""
    text, used, how = _decode(data, path, encoding)
    facts = _Facts(_load(text, path), text, path)
    warnings: list[str] = []
    kind = facts.string("type")
    if kind == "composite":
        raise InputError(
            "a ninjs package (type composite), not one article",
            path=path,
            hint="give publish one article per .json file",
        )
    if kind not in (None, "text"):
        raise InputError(f"a ninjs {kind} item, not a text article", path=path, line=facts.line("type"))
    record = facts.string("profile") == PROFILE
    blocks, dateline, lost = facts.body()
    warnings += lost
    stated: dict[str, str | None] = {
        "title": facts.first("title"),
        "subtitle": facts.subtitle(),
        "date": facts.date(),
        "language": facts.language(),
        "source": facts.first("source"),
        "located": facts.first("place"),
        "dateline": dateline,
        "slug": facts.first("slug"),
        "identifier": facts.first("identifier") if record else None,
    }
    if record and stated["slug"] == make_slug(stated["title"] or "", _day(stated["date"])):
        # publish's own ninjs always names the slug; one made from the title was not
        # chosen, and the article read back must say so (its text edition has no Slug line).
        stated["slug"] = None
    creators = facts.creators()
    stated["byline"] = facts.first("author")
    stated = {name: _clean(value, warnings) if value else value for name, value in stated.items()}
    return Draft(
        path=path,
        blocks=blocks,
        facts={name: Given(value, facts.line(_PROPERTY.get(name, name))) for name, value in stated.items() if value},
        creators=creators,
        provenance=Provenance.of(data, path, used, how, __version__),
        item=facts.recorded_item() if record else facts.item(),
        notes=facts.notes(record, warnings),
        record=record,
        dated_slug=not record,
        warnings=warnings,
        advice=ADVICE,
        last_line=text.count("\n") + 1,
    )


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _day(date: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(date) if date else None


#: A fact -> the property a message about it names.
_PROPERTY = {"title": "headlines", "located": "located", "slug": "slugline", "source": "infosources"}


def _clean(value: str, warnings: list[str]) -> str:
    """A value on one line, cleaned as text files are (controls, stray zero-widths)."""
    cleaned, removed = clean_text(value.replace("\r", " ").replace("\n", " "))
    warnings.extend(removed)
    return " ".join(part for part in cleaned.split(" ") if part)


def _decode(data: bytes, path: str | None, encoding: str | None) -> tuple[str, str, str]:
    """JSON is UTF-8 (RFC 8259); a BOM, UTF-16 or UTF-32 is recognised, --encoding obeyed.
    The text, the codec and how it was settled (as provenance says it)."""
    chosen = encoding or json.detect_encoding(data)
    how = "declared" if encoding else "byte order mark" if data.startswith(_BOMS) else "detected"
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise OptionsError(f"unknown encoding {encoding!r}", hint="use a name such as utf-8") from None
    try:
        return data.decode(chosen), codecs.lookup(chosen).name, how
    except UnicodeDecodeError as error:
        raise InputError(
            f"not {chosen} text at byte {error.start}: a ninjs file is JSON in UTF-8",
            path=path,
            line=data.count(b"\n", 0, error.start) + 1,
        ) from None


def _load(text: str, path: str | None) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg} (column {error.colno})", path=path, line=error.lineno) from None
    except RecursionError:
        raise InputError("not a ninjs document: the JSON is nested too deeply", path=path) from None
    except ValueError:  # a number of thousands of digits: Python refuses to convert it
        raise InputError(
            f"cannot be read: it holds a number of more than {sys.get_int_max_str_digits():,} digits", path=path
        ) from None
    if not isinstance(document, dict):
        raise InputError(f"not a ninjs document: the JSON is {_kind(document)}, not an object", path=path, line=1)
    if "uri" not in document and "guid" not in document:
        raise InputError(
            "not a ninjs document: it has no `uri`",
            path=path,
            line=1,
            hint="every ninjs item has a uri; is this the right file?",
        )
    return document


class _Facts:
    """Typed access to a ninjs document's properties, errors naming the property and its line."""

    def __init__(self, document: dict[str, Any], text: str, path: str | None) -> None:
        self.original: dict[str, str] = {key.lower(): key for key in document}
        self.document: dict[str, Any] = {key.lower(): value for key, value in document.items()}
        for name in _LISTS:
            items = self.document.get(name)
            if isinstance(items, list):
                self.document[name] = [
                    {key.lower(): value for key, value in item.items()} if isinstance(item, dict) else item
                    for item in items
                ]
        self.text = text
        self.path = path

    def line(self, name: str) -> int | None:
        """The line of the first `"name":` in the file (close enough for a message); one
        search, however often the name occurs as a value."""
        key = self.original.get(name.split("[")[0].split(".")[0], name)
        found = re.search(re.escape(json.dumps(key)) + r"\s*:", self.text)
        return self.text.count("\n", 0, found.start()) + 1 if found else None

    def error(self, path: str, message: str, hint: str | None = None) -> InputError:
        return InputError(f"`{path}` {message}", path=self.path, line=self.line(path), hint=hint)

    def string(self, path: str) -> str | None:
        """The first value at `path`; a string, or None when absent or blank."""
        for value in ninjs_lookup(self.document, path):
            if value is None:
                continue
            if not isinstance(value, str):
                raise self.error(path, f"must be a string, not {_kind(value)}")
            if value.strip():
                return value
        return None

    def first(self, fact: str) -> str | None:
        """A fact from the metadata table's paths, then the 1.x spellings."""
        paths = [path.lower() for path in field(fact).ninjs] + list(_LEGACY.get(fact, ()))
        if fact == "title":  # a headline of any role when none is the main one
            paths.insert(1, "headlines[].value")
        for path in paths:
            self._check_list(path)
            value = self.string(path)
            if value is not None:
                return value
        return None

    def _check_list(self, path: str) -> None:
        name = path.split("[")[0]
        if "[" in path and name in self.document and not isinstance(self.document[name], list):
            raise self.error(name, f"must be a list, not {_kind(self.document[name])}")

    def subtitle(self) -> str | None:
        """The first headline of a subtitle's role, when a main one is there too."""
        self._check_list("headlines[]")
        headlines = [item for item in self.document.get("headlines") or [] if isinstance(item, dict)]
        if not any(item.get("role") in (None, "main") for item in headlines):
            return None
        return next(
            (item["value"] for item in headlines if item.get("role") in _SUBTITLE_ROLES and _filled(item.get("value"))),
            None,
        )

    def item(self) -> Item:
        """The agency item this document is a version of: its `uri` (or 1.x `guid`), version,
        first and version times, status and embargo."""
        version = self.document.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)
        if version is not None and not (isinstance(version, str) and version.strip().isdigit()):
            raise self.error("version", f"must be a whole number, not {version!r}")
        stated = self.string("pubstatus") or "usable"
        status = ITEM_STATUS_WORDS.get(stated.lower())
        if status is None:
            raise self.error("pubstatus", f"{stated!r} is not a status", f"use one of {', '.join(ITEM_STATUSES)}")
        return Item(
            id=self.string("uri") or self.string("guid") or "",
            version=int(version) if version is not None else None,
            created=self.time("firstcreated"),
            updated=self.time("versioncreated"),
            status=status,
            embargo=self.time("embargoed") or self.time("embargoeduntil"),
        )

    def time(self, name: str) -> str | None:
        """A time the item stamps, in RFC 3339 (`iso_time`); one without offset is UTC."""
        value = self.string(name)
        if value is None:
            return None
        try:
            return iso_time(value)[0]
        except InputError as error:
            raise self.error(self.original.get(name, name), error.message) from None

    def recorded_item(self) -> Item | None:
        """The agency item publish's own ninjs names (`altids` of role `agency-item`): its
        first and version times are those that are not the article's day."""
        ids = [entry for entry in self.document.get("altids") or [] if isinstance(entry, dict)]
        given = next((entry.get("value") for entry in ids if entry.get("role") == ITEM_ID_ROLE), None)
        if not isinstance(given, str):
            return None
        item = self.item()
        day = self.time("contentcreated")
        return replace(
            item,
            id=given,
            created=item.created if item.created != day else None,
            updated=item.updated if item.updated != day else None,
        )

    def notes(self, record: bool, warnings: list[str]) -> list[Note]:
        """Editors' notes: publish's own corrections (`descriptions` of role `correction`), and
        the `ednote`, one note a line; an agency's ednote is a correction when it says so."""
        notes = [
            Note(_clean(item["value"], warnings), "correction")
            for item in self.document.get("descriptions") or []
            if isinstance(item, dict) and item.get("role") == "correction" and _filled(item.get("value"))
        ]
        for line in (self.string("ednote") or "").splitlines():
            text = _clean(line, warnings)
            if text:
                notes.append(Note(text, "editorial" if record or not is_correction(text) else "correction"))
        return notes

    def date(self) -> str | None:
        """The article's day as written, from firstcreated, versioncreated or contentcreated."""
        for path in field("date").ninjs:
            value = self.string(path)
            if value is not None:
                try:
                    return parse_date(value).isoformat()
                except InputError as error:
                    raise self.error(self.original.get(path, path), error.message) from None
        return None

    def language(self) -> str | None:
        value = self.string("language")
        if value is None:
            return None
        try:
            return normalise_tag(value)
        except InputError as error:
            raise self.error(
                self.original.get("language", "language"), f"{value!r} is not a BCP 47 tag", error.hint
            ) from None

    def creators(self) -> tuple[Creator, ...] | None:
        """The people who made the item, with their roles, when it lists them (Superdesk's
        `authors`, ninjs 2.x `people` with a creator `rel`); else None (the `by` line says)."""
        for name, role_key in (("authors", "role"), ("people", "rel")):
            self._check_list(f"{name}[]")
            listed = []
            for item in self.document.get(name) or []:
                if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                    continue
                role = str(item.get(role_key) or "author").lower().rsplit(":", 1)[-1].rsplit("/", 1)[-1]
                if name == "people" and role not in ROLE_NAMES:
                    continue  # a person the story is about, not one who made it
                listed.append(Creator(" ".join(item["name"].split()), ROLE_NAMES.get(role, "contributor")))
            if listed:
                return tuple(listed)
        return None

    def body(self) -> tuple[list[DraftBlock], str | None, list[str]]:
        """The blocks of the richer body (the HTML one unless the plain text has more
        blocks), the dateline an HTML body marks with `<span class="dateline">`, and
        warnings for text an unclosed element swallowed. Bodies with the role `main` (or
        none) come before the others; `descriptions` of role `text` when there is no body."""
        self._check_list("bodies[]")
        plain: list[tuple[bool, str]] = []
        html: list[tuple[bool, str]] = []
        entries = list(self.document.get("bodies") or [])
        for item in entries:
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                raise self.error("bodies", "must hold objects with a string `value`")
        if not any(isinstance(item, dict) and str(item.get("value", "")).strip() for item in entries):
            self._check_list("descriptions[]")
            entries = [
                item
                for item in self.document.get("descriptions") or []
                if isinstance(item, dict) and item.get("role") == "text" and isinstance(item.get("value"), str)
            ]
        for item in entries:
            secondary = item.get("role") not in (None, "main", "body", "text")
            kind = str(item.get("contenttype") or "")
            is_html = "html" in kind or (not kind and item["value"].lstrip().startswith("<"))
            (html if is_html else plain).append((secondary, item["value"]))
        plain += [(True, value) for name in _PLAIN_BODIES if (value := self.string(name))]
        html += [(True, value) for name in _HTML_BODIES if (value := self.string(name))]
        plain.sort(key=lambda body: body[0])
        html.sort(key=lambda body: body[0])
        blocks: list[DraftBlock] = []
        dateline = None
        warnings: list[str] = []
        if html:
            reduced = html_blocks(html[0][1])
            blocks, dateline, warnings = reduced.blocks, reduced.dateline, reduced.warnings
        if plain:
            plain_blocks, cleaned = plain_body(plain[0][1])
            if len(plain_blocks) > len(blocks):
                blocks, dateline, warnings = plain_blocks, None, cleaned
        if not blocks:
            raise InputError(
                "no body text: the ninjs has no `bodies` (or `body_text`, `body_html`) with text",
                path=self.path,
                line=self.line("bodies") or self.line("body_html"),
            )
        return blocks, dateline, warnings


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true or false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
