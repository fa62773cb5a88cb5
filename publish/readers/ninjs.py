"""IPTC ninjs ("News in JSON") -> `Article`: what newsroom systems and agencies send.

One `.json` file holds one ninjs document of any version an agency sends: 1.x (`headline`,
`body_text`, `body_html`, `byline`), 2.x (`headlines`, `bodies`, `by`, `infosources`) or 3.x
(the 2.x names in camelCase, so keys are compared in lower case). The reader picks the facts
(names from `publish.metadata`, plus the 1.x spellings), reduces an HTML body to paragraphs
with the standard library's `html.parser`, and writes them as publish's own header-block text
(`title:`, `date:`...), which `publish.parse` reads: the one parser then applies the same
typography, quotations, editorial insertions, dateline and slug rules as to any wire copy.

A document written by publish (profile `publish-article`) is read as a complete record, as
the text edition with an `Identifier` is: nothing is guessed from the body, so it reads back
to the same article.
"""

from __future__ import annotations

import codecs
import datetime
import json
from html.parser import HTMLParser
from typing import Any

from publish.errors import InputError, OptionsError
from publish.metadata import field, ninjs_lookup
from publish.model import make_slug
from publish.parse import DATELINE_STOPS, Parsed, normalise_language, parse, parse_date
from publish.render.ninjs import PROFILE
from publish.source import clean_text

#: Top-level properties and list items whose keys are compared in lower case (3.x camelCase).
_LISTS = ("headlines", "bodies", "infosources", "people", "authors")
#: 1.x (and Superdesk/TT) spellings, read after the metadata table's 2.x paths.
_LEGACY: dict[str, tuple[str, ...]] = {
    "title": ("headline", "title"),
    "author": ("byline", "authors[].name", "people[rel=author].name"),
    "source": ("source",),
}
_PLAIN_BODIES = ("body_text",)
_HTML_BODIES = ("body_html", "body_xhtml", "body_html5")
#: `pubstatus` values that mean the sender says: do not publish.
_WITHDRAWN = ("canceled", "withheld")


def read_ninjs(
    data: bytes, path: str | None = None, encoding: str | None = None, default_language: str = "en"
) -> Parsed:
    """Parse one ninjs document; raise `InputError` naming the file (and line) when it is not one."""
    text = _decode(data, path, encoding)
    document = _load(text, path)
    facts = _Facts(document, text, path)
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
    status = facts.string("pubstatus")
    if status in _WITHDRAWN:
        raise InputError(
            f"the item is withdrawn (pubstatus {status}): it must not be published",
            path=path,
            line=facts.line("pubstatus"),
        )
    embargo = facts.string("embargoed") or facts.string("embargoeduntil")
    if embargo:
        warnings.append(f"embargoed until {embargo}: publish does not check the clock, do not release it earlier")

    record = facts.string("profile") == PROFILE
    paragraphs, dateline = facts.body()
    place = facts.first("place")
    if not record:
        dateline = None
        # The wire's `located` becomes the dateline unless the lead already begins with one.
        city = (place or "").split(",")[0].strip()
        if city and not paragraphs[0].casefold().startswith(city.casefold()):
            dateline = place
    elif dateline is None and place and paragraphs[0].startswith(f"{place}. "):
        dateline = place
    date = facts.date()
    slug = facts.first("slug")
    day = datetime.date.fromisoformat(date) if date else None
    if slug and not record:  # an agency's slugline names a topic, so its day is added
        slug = make_slug(slug, day)
    elif slug and slug == make_slug(facts.first("title") or "", day):
        # publish's own ninjs always names the slug; one made from the title was not
        # chosen, and the article read back must say so (its text edition has no Slug line).
        slug = None
    header = [
        ("title", facts.first("title")),
        ("date", date),
        ("author", facts.first("author")),
        ("source", facts.first("source")),
        ("language", facts.language()),
        ("slug", slug),
        ("dateline", dateline),
        ("identifier", facts.first("identifier") if record else None),
    ]
    lines = [f"{key}: {_one_line(value)}" for key, value in header if value] or ["title:"]
    source_text, cleaned = clean_text("\n".join(lines) + "\n\n" + "\n\n".join(map(_one_line, paragraphs)) + "\n")
    try:
        parsed = parse(source_text, path, default_language)
    except InputError as error:  # its line is one of the text made here, not of the file
        raise InputError(error.message, path=path, hint=error.hint) from None
    if date is None and not record and parsed.article.date is None:  # the parser's advice is for text files
        warnings.append(
            "no date given (no firstcreated, versioncreated or contentcreated): the article is published undated"
        )
        return Parsed(
            parsed.article,
            tuple(cleaned + warnings)
            + tuple(warning for warning in parsed.warnings if not warning.startswith("no date given")),
        )
    return Parsed(parsed.article, tuple(cleaned + warnings) + parsed.warnings)


def _decode(data: bytes, path: str | None, encoding: str | None) -> str:
    """JSON is UTF-8 (RFC 8259); a BOM, UTF-16 or UTF-32 is recognised, --encoding obeyed."""
    chosen = encoding or json.detect_encoding(data)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise OptionsError(f"unknown encoding {encoding!r}", hint="use a name such as utf-8") from None
    try:
        return data.decode(chosen)
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
        """The line of the first `"name":` in the file (close enough for a message)."""
        key = f'"{self.original.get(name.split("[")[0].split(".")[0], name)}"'
        start = 0
        while (found := self.text.find(key, start)) >= 0:
            if self.text[found + len(key) :].lstrip().startswith(":"):
                return self.text.count("\n", 0, found) + 1
            start = found + 1
        return None

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

    def date(self) -> str | None:
        """The article's day as written, from firstcreated, versioncreated or contentcreated."""
        for path in (*field("date").ninjs, "contentcreated"):
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
            return normalise_language(value)
        except InputError as error:
            raise self.error(
                self.original.get("language", "language"), f"{value!r} is not a BCP 47 tag", error.hint
            ) from None

    def body(self) -> tuple[list[str], str | None]:
        """The paragraphs (plain text preferred: it is exact), and the dateline an HTML body
        marks with `<span class="dateline">`, if any. Bodies with the role `main` (or none)
        come before the others."""
        self._check_list("bodies[]")
        plain: list[tuple[bool, str]] = []
        html: list[tuple[bool, str]] = []
        for item in self.document.get("bodies") or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                raise self.error("bodies", "must hold objects with a string `value`")
            secondary = item.get("role") not in (None, "main", "body", "text")
            kind = str(item.get("contenttype") or "")
            is_html = "html" in kind or (not kind and item["value"].lstrip().startswith("<"))
            (html if is_html else plain).append((secondary, item["value"]))
        plain += [(True, value) for name in _PLAIN_BODIES if (value := self.string(name))]
        html += [(True, value) for name in _HTML_BODIES if (value := self.string(name))]
        plain.sort(key=lambda body: body[0])
        html.sort(key=lambda body: body[0])
        paragraphs: list[str] = []
        dateline = None
        if html:
            reduced = _HtmlParagraphs()
            reduced.feed(html[0][1])
            reduced.close()
            paragraphs, dateline = reduced.paragraphs, reduced.dateline
        if plain:
            paragraphs = _plain_paragraphs(plain[0][1])
        paragraphs = [paragraph for paragraph in paragraphs if paragraph.strip()]
        if not paragraphs:
            raise InputError(
                "no body text: the ninjs has no `bodies` (or `body_text`, `body_html`) with text",
                path=self.path,
                line=self.line("bodies") or self.line("body_html"),
            )
        return paragraphs, dateline


def _plain_paragraphs(text: str) -> list[str]:
    """Paragraphs split at blank lines; a body without blank lines has one paragraph a line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(not line.strip() for line in _trimmed(lines)):
        return [line for line in lines if line.strip()]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _trimmed(lines: list[str]) -> list[str]:
    """`lines` without blank lines at either end."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


class _HtmlParagraphs(HTMLParser):
    """An HTML body reduced to paragraphs: block elements and `<br><br>` end one; scripts,
    styles and figures (captions are not body text) are dropped; entities decoded."""

    BLOCKS = frozenset(
        {
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "blockquote",
            "pre",
            "table",
            "tr",
            "td",
            "th",
            "section",
            "article",
            "header",
            "footer",
            "aside",
            "hr",
            "address",
        }
    )
    SKIPPED = frozenset(
        {"script", "style", "figure", "template", "head", "iframe", "object", "svg", "math", "noscript"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.dateline: str | None = None
        self._parts: list[str] = []
        self._breaks = 0
        self._skipping = 0
        self._spans: list[bool] = []  # for each open span: is it the dateline?
        self._dateline_parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping or tag in self.SKIPPED:
            self._skipping += tag in self.SKIPPED
            return
        if tag in self.BLOCKS:
            self._flush()
        elif tag == "br":
            self._breaks += 1
            if self._breaks >= 2:
                self._flush()
            else:
                self._parts.append(" ")
        elif tag == "span":
            classes = next((value or "" for name, value in attrs if name == "class"), "").split()
            is_dateline = "dateline" in classes and self.dateline is None and self._dateline_parts is None
            if is_dateline:
                self._dateline_parts = []
            self._spans.append(is_dateline)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skipping -= tag in self.SKIPPED
            return
        if tag in self.BLOCKS:
            self._flush()
        elif tag == "span" and self._spans and self._spans.pop() and self._dateline_parts is not None:
            text = " ".join("".join(self._dateline_parts).split())
            # The dateline's own full stop ("." or the Armenian "։") is not part of it.
            self.dateline = (text[:-1] if text.endswith(DATELINE_STOPS) else text) or None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if data.strip():
            self._breaks = 0
        self._parts.append(data)
        if self._dateline_parts is not None and self.dateline is None:
            self._dateline_parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._parts).strip()
        if text:
            self.paragraphs.append(text)
        self._parts = []
        self._breaks = 0


def _one_line(value: str) -> str:
    """A value on one line of the header-block text (line breaks are spaces there)."""
    return value.replace("\r", " ").replace("\n", " ").strip()


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
