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
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from publish.errors import InputError, OptionsError
from publish.language import normalise_tag
from publish.metadata import field, ninjs_lookup
from publish.model import CREATOR_ROLES, Creator, make_slug
from publish.readers.draft import Draft, DraftBlock, Given, Piece
from publish.readers.lexing import Span, parse_date, raw_blocks
from publish.readers.source import clean_text
from publish.readers.wire import structure
from publish.render.ninjs import PROFILE

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
#: `pubstatus` values that mean the sender says: do not publish.
_WITHDRAWN = ("canceled", "withheld")
#: How a ninjs item states a fact it lacks, for the warnings.
ADVICE = {
    "date": "no firstcreated, versioncreated or contentcreated",
    "language": "the item has no `language`",
    "body": "give the item a body (`bodies`, `body_text` or `body_html`)",
}
#: ninjs `authors[].role` (and `people[].rel`) values -> the model's creator roles.
_ROLES: dict[str, str] = {
    "author": "writer",
    "writer": "writer",
    "reporter": "writer",
    "correspondent": "writer",
    "editor": "editor",
    "photographer": "photographer",
    "translator": "translator",
    **{role: role for role in CREATOR_ROLES},
}


def read(data: bytes, path: str | None = None, encoding: str | None = None) -> Draft:
    """Read one ninjs document; `InputError` naming the file (and line) when it is not one."""
    text = _decode(data, path, encoding)
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
    blocks, dateline, lost = facts.body()
    warnings += lost
    stated: dict[str, str | None] = {
        "title": facts.first("title"),
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
        record=record,
        dated_slug=not record,
        warnings=warnings,
        advice=ADVICE,
        last_line=text.count("\n") + 1,
    )


def _day(date: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(date) if date else None


#: A fact -> the property a message about it names.
_PROPERTY = {"title": "headlines", "located": "located", "slug": "slugline", "source": "infosources"}


def _clean(value: str, warnings: list[str]) -> str:
    """A value on one line, cleaned as text files are (controls, stray zero-widths)."""
    cleaned, removed = clean_text(value.replace("\r", " ").replace("\n", " "))
    warnings.extend(removed)
    return " ".join(part for part in cleaned.split(" ") if part)


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
    except ValueError as error:  # a number of thousands of digits: Python refuses to convert it
        raise InputError(f"not a ninjs document: {error}", path=path) from None
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
                if name == "people" and role not in _ROLES:
                    continue  # a person the story is about, not one who made it
                listed.append(Creator(" ".join(item["name"].split()), _ROLES.get(role, "contributor")))
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
            plain_blocks, cleaned = _plain_blocks(plain[0][1])
            if len(plain_blocks) > len(blocks):
                blocks, dateline, warnings = plain_blocks, None, cleaned
        if not blocks:
            raise InputError(
                "no body text: the ninjs has no `bodies` (or `body_text`, `body_html`) with text",
                path=self.path,
                line=self.line("bodies") or self.line("body_html"),
            )
        return blocks, dateline, warnings


def _plain_blocks(text: str) -> tuple[list[DraftBlock], list[str]]:
    """A plain-text body's blocks by the wire copy's rules (lists, separators...), and what
    cleaning it removed; a body without blank lines has one paragraph a line."""
    cleaned, warnings = clean_text(text)
    lines = [line.rstrip(" \t") for line in cleaned.split("\n")]
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if filled and all(line.strip() for line in lines[filled[0] : filled[-1] + 1]):
        lines = [part for line in lines if line.strip() for part in (line, "")]
    return structure(raw_blocks(lines, 0))[0], warnings


# --- HTML bodies -------------------------------------------------------------------------------

#: Elements that end a paragraph, and the kind of block each opens.
_HEADINGS = {f"h{level}": max(level, 2) for level in range(1, 7)}
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "aside", "address", "pre", "dl", "dt", "dd", "table"}
    | {"tr", "td", "th", "caption", "main", "center", "body", "html"}
)
#: Elements whose content is not body text: scripts, styles, figures with their captions...
_SKIPPED = frozenset(
    {"script", "style", "figure", "template", "head", "iframe", "object", "svg", "math", "noscript", "title"}
)
#: ...unless an element that should hold none holds paragraphs: an unclosed one swallowed
#: the rest of the body. Then its paragraphs are read, with a warning.
_BODY_INSIDE = (
    ".//*[self::p or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::li"
    " or self::blockquote][not(ancestor::figcaption)]"
)
_INLINE_SPANS = {"b": "strong", "strong": "strong", "i": "emphasis", "em": "emphasis", "cite": "emphasis"}
_LINK_TARGET = re.compile(r"(?:https?://|mailto:)[^\s<>\"]+", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def html_blocks(markup: str) -> HtmlBody:
    """An HTML body reduced to blocks (see `HtmlBody`)."""
    return HtmlBody(markup)


class HtmlBody:
    """An HTML body reduced to blocks, walked without recursion (any depth, linear time):
    its `blocks`, the `dateline` a `<span class="dateline">` marks, and `warnings` about
    text an unclosed element swallowed or characters no edition may carry."""

    def __init__(self, markup: str) -> None:
        self.blocks: list[DraftBlock] = []
        self.dateline: str | None = None
        self.warnings: list[str] = []
        self._parts: list[str] = []
        self._length = 0
        self._spans: list[Span] = []
        self._open: list[tuple[str, int, str]] = []  # (kind, start, href) of open inline spans
        self._list: DraftBlock | None = None
        self._list_depth = 0  # lists inside lists are read into the outermost one
        self._quote: DraftBlock | None = None
        self._heading = 0
        self._dateline_start: int | None = None
        root = _parse_html(markup)
        if root is not None:
            self._walk(root)
        self._flush()

    def _walk(self, root: Any) -> None:
        skipping: Any = None
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = element.tag.lower() if isinstance(element.tag, str) else None
            if skipping is not None:
                if event == "end" and element is skipping:
                    skipping = None
                    self._text(element.tail)
                continue
            if event == "start":
                if tag in _SKIPPED or tag is None:
                    swallowed = element.xpath(_BODY_INSIDE) if tag is not None else []
                    if not swallowed:
                        skipping = element
                        continue
                    self.warnings.append(
                        f"a <{tag}> holds {len(swallowed)} paragraphs of the body (is it closed?): "
                        "they are read as text"
                    )
                self._start(tag or "", element)
                self._text(element.text)
            else:
                self._end(tag or "", element)
                self._text(element.tail)

    def _start(self, tag: str, element: Any) -> None:
        if tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self._flush()
            self._heading = _HEADINGS.get(tag, 0)
        elif tag in ("ul", "ol"):
            self._flush()
            self._list_depth += 1
            if self._list is None:
                ordered = tag == "ol"
                start = element.get("start", "1")
                marker = element.get("data-marker") or ("." if ordered else "-")
                number = int(start) if start.isdigit() and len(start) < 10 else 1
                self._list = DraftBlock("list", [], ordered=ordered, marker=marker, start=number)
        elif tag == "blockquote":
            self._flush()
            self._quote = DraftBlock("quote", [])
        elif tag == "hr":
            self._flush()
            self.blocks.append(DraftBlock("separator", [Piece(element.get("data-mark") or "***")]))
        elif tag == "br":
            self._add(" ")
            if _next_is_br(element):
                self._flush()
        elif tag in _INLINE_SPANS:
            self._open.append((_INLINE_SPANS[tag], self._length, ""))
        elif tag == "a":
            href = (element.get("href") or "").strip()
            self._open.append(("link" if _LINK_TARGET.fullmatch(href) else "", self._length, href))
        elif tag == "span" and "dateline" in (element.get("class") or "").split() and self.dateline is None:
            self._dateline_start = self._length

    def _end(self, tag: str, element: Any) -> None:
        if tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self._flush()
            self._heading = 0
        elif tag in ("ul", "ol"):
            self._flush()
            self._list_depth -= 1
            if self._list_depth == 0 and self._list is not None:
                if self._list.pieces:
                    self.blocks.append(self._list)
                self._list = None
        elif tag == "blockquote":
            self._flush()
            if self._quote is not None and self._quote.pieces:
                self.blocks.append(self._quote)
            self._quote = None
        elif (tag in _INLINE_SPANS or tag == "a") and self._open:
            kind, start, href = self._open.pop()
            if kind:
                self._spans.append(Span(start, self._length, kind, href))
        elif tag == "span" and self._dateline_start is not None:
            text = "".join(self._parts)[self._dateline_start :].strip(" ")
            self.dateline = text or None
            self._dateline_start = None

    def _text(self, text: str | None) -> None:
        if text:
            cleaned, removed = clean_text(_HTML_SPACE.sub(" ", text))
            self.warnings += [warning for warning in removed if warning not in self.warnings]
            self._add(cleaned)

    def _add(self, text: str) -> None:
        if (not self._parts or self._parts[-1].endswith(" ")) and text.startswith(" "):
            text = text[1:]
        if text:
            self._parts.append(text)
            self._length += len(text)

    def _flush(self) -> None:
        text = "".join(self._parts).rstrip(" ")
        self._parts, self._length = [], 0
        spans, self._spans = self._spans, []
        self._open = [(kind, 0, href) for kind, _, href in self._open]  # still open: go on in the next block
        if not text:
            return
        spans = [_trimmed(span, text) for span in spans]
        piece = Piece(text, tuple(span for span in spans if span.end > span.start))
        if self._list is not None:  # an item (text in a list outside any <li> is an item of its own)
            self._list.pieces.append(piece)
        elif self._quote is not None:
            self._quote.pieces.append(piece)
        elif self._heading:
            self.blocks.append(DraftBlock("heading", [piece], level=self._heading))
        else:
            self.blocks.append(DraftBlock("paragraph", [piece]))


def _trimmed(span: Span, text: str) -> Span:
    """A span without the spaces at its edges (`<b> bold </b>`), inside the text."""
    start, end = span.start, min(span.end, len(text))
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return Span(start, end, span.kind, span.href)


def _next_is_br(element: Any) -> bool:
    """`<br>` followed (after nothing but spaces) by another: a paragraph break."""
    following = element.getnext()
    return (
        following is not None
        and isinstance(following.tag, str)
        and following.tag.lower() == "br"
        and not (element.tail or "").strip()
    )


def _parse_html(markup: str) -> Any:
    """The body's element tree (lxml's HTML parser: no network, no entities beyond HTML's
    own, linear in its input), or None for a body with no markup at all."""
    if not markup.strip():
        return None
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        return lxml_html.fragment_fromstring(markup, create_parent="div", parser=parser)
    except etree.ParserError:
        return None


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
