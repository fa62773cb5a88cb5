"""NewsML-G2 and NITF (XML) -> Draft: how agencies deliver text.

A `.xml` file holds a NewsML-G2 `newsItem`, a `newsMessage` with one text item in it, or
an NITF document on its own. The facts come from the paths `publish.metadata` names for
each (headline, language, dates, located, by, infoSource/provider, slugline); the item's
id, version, times, status and embargo from `ITEM_PATHS`; creators and contributors with
their roles; `edNote`s (NITF `ed-msg`) as editorial notes and corrections (`sig:correction`,
NITF `correction`) as corrections, never as body. The body is the item's NITF
`body.content` (`hl2`, `p`, `ul`/`ol`/`li`, `bq`, `block`, tables as text) with the
hedline's `hl2` as subtitle and the head's byline and dateline, or its XHTML body, or a
plain-text `inlineData`, read by `publish.readers.markup` as ninjs HTML is.

The XML is parsed with entity expansion, DTD loading and network access off: a document
that declares entities (a billion laughs, an external entity) is refused, as is one
nested deeper than libxml2's limit of 256 levels; nothing is fetched. XML that is neither
NewsML-G2 nor NITF is refused, never read as text.
"""

from __future__ import annotations

import codecs
import re
from html.entities import html5
from typing import Any

from lxml import etree

from publish.errors import InputError, OptionsError
from publish.language import normalise_tag
from publish.metadata import field
from publish.model import ITEM_STATUS_WORDS, Creator, Item, Note, Provenance
from publish.readers.agencies import ROLE_NAMES, is_correction
from publish.readers.draft import Draft, DraftBlock, Given
from publish.readers.lexing import iso_time, parse_date
from publish.readers.markup import HTML, NITF, MarkupBody
from publish.readers.source import clean_text
from publish.readers.wire import plain_body
from publish.version import __version__

#: The NewsML-G2 namespace (every G2 version since 2006 keeps it).
NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
#: The item's facts: name -> (NewsML-G2 paths from the `newsItem`, NITF paths from `nitf`).
ITEM_PATHS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id": (("@guid",), ("nitf:head/nitf:docdata/nitf:doc-id/@id-string",)),
    "version": (("@version",), ("nitf:head/nitf:docdata/nitf:du-key/@version",)),
    "created": (("nar:itemMeta/nar:firstCreated",), ("nitf:head/nitf:docdata/nitf:date.issue/@norm",)),
    "updated": (("nar:itemMeta/nar:versionCreated",), ()),
    "status": (("nar:itemMeta/nar:pubStatus/@qcode",), ("nitf:head/nitf:docdata/@management-status",)),
    "embargo": (("nar:itemMeta/nar:embargoed",), ("nitf:head/nitf:docdata/nitf:date.release/@norm",)),
}
#: `itemClass` QCodes of a text item (ninat: NewsML-G2's nature of the item).
_TEXT_CLASSES = ("text", "composite")
#: `headline` roles of a second headline.
_SUBTITLE_ROLES = ("sub", "subtitle", "subheadline", "subhead", "deck", "standfirst")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
#: How a NewsML-G2 item states a fact it lacks, for the warnings.
ADVICE = {
    "date": "no contentCreated, firstCreated or versionCreated",
    "language": "the item has no `language` (or xml:lang)",
    "body": "give the item an inlineXML body (NITF or XHTML)",
}


def read(data: bytes, path: str | None = None, encoding: str | None = None) -> Draft:
    """Read one NewsML-G2 item or NITF document; `InputError` naming the file (and line)
    when it is neither, or not safe to read."""
    root = _parse(data, path, encoding)
    name = etree.QName(root).localname
    namespace = etree.QName(root).namespace
    if name == "newsMessage" and namespace == NAR:
        root = _message_item(root, path)
        name = "newsItem"
    if name == "newsItem" and namespace == NAR:
        reader: _Reader = _NewsItem(root, path)
    elif name == "nitf":
        reader = _Nitf(root, path)
    else:
        raise InputError(
            f"XML that is neither NewsML-G2 nor NITF: its root is <{name}>",
            path=path,
            line=root.sourceline,
            hint="publish reads NewsML-G2 (newsItem, newsMessage) and NITF; other XML is not an article",
        )
    used, how = _encoding(root, data, encoding)
    return reader.draft(Provenance.of(data, path, used, how, __version__))


# --- Parsing -------------------------------------------------------------------------------------


def _parse(data: bytes, path: str | None, encoding: str | None) -> Any:
    """The document's root element, parsed safely (see the module's docstring)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise OptionsError(f"unknown encoding {encoding!r}", hint="use a name such as utf-8") from None
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(_syntax_message(error), path=path, line=error.lineno or None, hint=_hint(error)) from None
    except (LookupError, ValueError) as error:  # an encoding declared that Python does not know
        raise InputError(f"not readable XML: {error}", path=path, line=1) from None
    if root is None:
        raise InputError("not readable XML: the file has no root element", path=path, line=1)
    doctype = root.getroottree().docinfo.internalDTD
    entities = [entity.name for entity in doctype.iterentities()] if doctype is not None else []
    if entities:
        raise InputError(
            f"the XML declares entities ({', '.join(entities[:3])}): publish does not expand them",
            path=path,
            line=1,
            hint="agency feeds need none; an entity-declaring DOCTYPE is how XML bombs and file reads are made",
        )
    _named_characters(root, path)
    return root


def _named_characters(root: Any, path: str | None) -> None:
    """Each entity reference a DTD would define (NITF's `&nbsp;`, `&mdash;`: HTML's named
    characters) replaced by its character, so no no-break space or dash is lost; any other
    is refused, as publish loads no DTD to know it."""
    for entity in list(root.iter(etree.Entity)):
        name = entity.name
        character = html5.get(f"{name};")
        if character is None:
            raise InputError(
                f"entity &{name}; is not one of HTML's named characters, and publish loads no DTD",
                path=path,
                line=entity.sourceline,
                hint="write the character itself or a numeric reference (&#160;)",
            )
        text = character + (entity.tail or "")
        previous, parent = entity.getprevious(), entity.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(entity)


def _syntax_message(error: etree.XMLSyntaxError) -> str:
    message = str(error.msg or error).split(", line ")[0]
    if "Excessive depth" in message or "Maximum depth" in message:
        return "not readable XML: elements are nested more than 256 deep"
    if "Detected an entity reference loop" in message or "amplification" in message:
        return "not readable XML: entities expand without end"
    return f"not well-formed XML: {message}"


def _hint(error: etree.XMLSyntaxError) -> str | None:
    message = str(error.msg or error)
    if "Entity '" in message and "not defined" in message:
        return "declare the NITF DOCTYPE, or write the character itself or a numeric reference (&#160;)"
    return None


def _encoding(root: Any, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The codec the XML was read in and how it was settled, as provenance says it."""
    if encoding is not None:
        return encoding.lower(), "declared"
    stated = (root.getroottree().docinfo.encoding or "UTF-8").lower()
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return stated, "byte order mark"
    declared = data[:200].lstrip().startswith(b"<?xml") and b"encoding=" in data[: data.find(b"?>") + 1]
    return stated, "declared" if declared else "detected"


def _message_item(message: Any, path: str | None) -> Any:
    """The one text item of a `newsMessage`."""
    items = message.findall(f"{{{NAR}}}itemSet/{{{NAR}}}newsItem")
    texts = [item for item in items if _item_class(item) in _TEXT_CLASSES]
    if len(texts) == 1:
        return texts[0]
    if not texts:
        raise InputError(
            f"a newsMessage with no text item ({len(items)} news items of other kinds)",
            path=path,
            line=message.sourceline,
        )
    raise InputError(
        f"a newsMessage of {len(texts)} text items: publish reads one article a file",
        path=path,
        line=texts[1].sourceline,
        hint="split the message into one .xml file per newsItem",
    )


def _item_class(item: Any) -> str:
    classes = item.xpath("nar:itemMeta/nar:itemClass/@qcode", namespaces={"nar": NAR})
    return _code(classes[0]) if classes else "text"


def _code(qcode: str) -> str:
    """The code of a QCode or a scheme URI: `stat:usable`, `.../pubstatusg2/usable` -> `usable`."""
    return qcode.rsplit(":", 1)[-1].rsplit("/", 1)[-1].strip().lower()


def _text(element: Any) -> str:
    """An element's text on one line, its children's included: XML's white space collapsed,
    a no-break space kept."""
    text = element if isinstance(element, str) else "".join(element.itertext())
    return _XML_SPACE.sub(" ", text).strip(" ")


# --- Reading -------------------------------------------------------------------------------------


class _Reader:
    """What NewsML-G2 and NITF share: facts by the metadata table's paths, a body."""

    #: The metadata table's column for the format.
    column = ""

    def __init__(self, root: Any, path: str | None, namespaces: dict[str, str]) -> None:
        self.root = root
        self.path = path
        self.namespaces = namespaces
        self.warnings: list[str] = []

    def find(
        self, paths: tuple[str, ...], context: Any = None, namespaces: dict[str, str] | None = None
    ) -> tuple[str, int | None] | None:
        """The first of `paths` with a value (from `context`, else the root): its text and line."""
        namespaces = self.namespaces if namespaces is None else namespaces
        for path in paths:
            for found in (context if context is not None else self.root).xpath(path, namespaces=namespaces):
                value = self.clean(_text(found))
                if value:
                    parent = found.getparent() if isinstance(found, etree._ElementUnicodeResult) else found
                    return value, parent.sourceline if parent is not None else None
        return None

    def fact(self, name: str) -> tuple[str, int | None] | None:
        return self.find(getattr(field(name), self.column))

    def clean(self, value: str) -> str:
        cleaned, removed = clean_text(value)
        self.warnings += [warning for warning in removed if warning not in self.warnings]
        return _XML_SPACE.sub(" ", cleaned).strip(" ")

    def error(self, message: str, element: Any = None, hint: str | None = None) -> InputError:
        line = element.sourceline if element is not None else self.root.sourceline
        return InputError(message, path=self.path, line=line, hint=hint)

    def date(self) -> Given | None:
        found = self.fact("date")
        if found is None:
            return None
        value, line = found
        try:
            return Given(parse_date(iso_time(value, self.path, line)[0]).isoformat(), line)
        except InputError as error:
            raise InputError(error.message, path=self.path, line=line) from None

    def language(self) -> Given | None:
        found = self.fact("language")
        if found is None:
            return None
        value, line = found
        try:
            return Given(normalise_tag(value), line)
        except InputError as error:
            raise InputError(f"{value!r} is not a BCP 47 tag", path=self.path, line=line, hint=error.hint) from None

    def item(self, paths: int) -> Item | None:
        """The item's facts by `ITEM_PATHS` (column `paths`); None without an id."""
        stated = {name: self.find(columns[paths]) for name, columns in ITEM_PATHS.items()}
        for name in ("created", "updated", "embargo"):
            found = stated[name]
            if found is not None:
                stated[name] = (self.time(*found), found[1])
        if stated["id"] is None:
            return None
        version = stated["version"]
        if version is not None and not version[0].isdigit():
            raise InputError(
                f"the item's version {version[0]!r} is not a whole number", path=self.path, line=version[1]
            )
        status = stated["status"]
        code = _code(status[0]) if status else "usable"
        embargo = stated["embargo"][0] if stated["embargo"] else None
        if code == "embargoed":  # NITF: embargoed until date.release; with no time, held
            code = "usable" if embargo else "withheld"
        if code not in ITEM_STATUS_WORDS:
            raise InputError(
                f"the item's status {status[0] if status else code!r} is not usable, withheld or canceled",
                path=self.path,
                line=status[1] if status else None,
            )
        return Item(
            id=stated["id"][0],
            version=int(version[0]) if version else None,
            created=stated["created"][0] if stated["created"] else None,
            updated=stated["updated"][0] if stated["updated"] else None,
            status=ITEM_STATUS_WORDS[code],
            embargo=embargo,
        )

    def time(self, value: str, line: int | None) -> str:
        """A time the item stamps, in RFC 3339 (`iso_time`); one without offset is UTC, with a warning."""
        text, naive = iso_time(value, self.path, line)
        if naive:
            self.warnings.append(f"line {line}: the time {value} has no offset: read as UTC")
        return text

    def nitf_body(self, nitf: Any, facts: dict[str, Given]) -> list[DraftBlock]:
        """An NITF body's blocks; its head's hedline, byline and dateline into `facts`
        where the item did not state them."""
        namespaces = {"nitf": etree.QName(nitf).namespace} if etree.QName(nitf).namespace else {}
        head = _nitf_paths(namespaces)
        for name, path in _NITF_HEAD:
            if name not in facts:
                found = self.find((head(path),), nitf, namespaces)
                if found is not None:
                    facts[name] = Given(*found)
        contents = nitf.xpath(head(_NITF_CONTENT), namespaces=namespaces)
        blocks: list[DraftBlock] = []
        for content in contents:
            reduced = MarkupBody(content, NITF)
            blocks += reduced.blocks
            self.warnings += reduced.warnings
        return blocks


#: What an NITF body's head states (after the item's own metadata, which comes first).
_NITF_HEAD = (
    ("title", "nitf:body/nitf:body.head/nitf:hedline/nitf:hl1"),
    ("subtitle", "nitf:body/nitf:body.head/nitf:hedline/nitf:hl2"),
    ("byline", "nitf:body/nitf:body.head/nitf:byline"),
    ("dateline", "nitf:body/nitf:body.head/nitf:dateline"),
)
#: The story's text: the body's content, and its end (a tagline: "Reporting by ...").
_NITF_CONTENT = "nitf:body/nitf:body.content | nitf:body/nitf:body.end"


def _nitf_paths(namespaces: dict[str, str]) -> Any:
    """A path of the table as it reads in this NITF document: without the prefix when the
    document has no namespace (as most NITF from before 2006 has not)."""
    return (lambda path: path) if namespaces else (lambda path: path.replace("nitf:", ""))


class _NewsItem(_Reader):
    column = "newsml"

    def __init__(self, root: Any, path: str | None) -> None:
        super().__init__(root, path, {"nar": NAR})

    def draft(self, provenance: Provenance) -> Draft:
        kind = _item_class(self.root)
        if kind not in _TEXT_CLASSES:
            raise self.error(f"a NewsML-G2 {kind} item, not a text article")
        facts: dict[str, Given] = {}
        title, subtitle = self.headlines()
        for name, given in (
            ("title", title),
            ("subtitle", subtitle),
            ("date", self.date()),
            ("language", self.language()),
        ):
            if given is not None:
                facts[name] = given
        for name, fact in (("located", "place"), ("byline", "author"), ("source", "source"), ("slug", "slug")):
            found = self.fact(fact)
            if found is not None:
                facts[name] = Given(*found)
        dateline = self.find(("nar:contentMeta/nar:dateline",))
        if dateline is not None:
            facts["dateline"] = Given(*dateline)
        blocks = self.body(facts)
        return Draft(
            path=self.path,
            blocks=blocks,
            facts=facts,
            creators=self.creators(),
            provenance=provenance,
            item=self.item(0),
            notes=self.notes(),
            dated_slug=True,
            warnings=self.warnings,
            advice=ADVICE,
        )

    def headlines(self) -> tuple[Given | None, Given | None]:
        """The main headline (rank 1, else the first without a role or with a main one) and
        a second as subtitle (rank 2, or a `sub` role)."""
        listed = self.root.xpath("nar:contentMeta/nar:headline", namespaces=self.namespaces)
        texts = [(element, self.clean(_text(element))) for element in listed]
        texts = [(element, text) for element, text in texts if text]
        if not texts:
            return None, None

        def rank(element: Any) -> int:
            value = element.get("rank", "")
            role = _code(element.get("role", ""))
            return int(value) if value.isdigit() else 1000 + (role in _SUBTITLE_ROLES)

        ordered = sorted(texts, key=lambda pair: rank(pair[0]))
        main = ordered[0]
        rest = [pair for pair in ordered[1:] if pair[1] != main[1]]
        sub = next(
            (pair for pair in rest if _code(pair[0].get("role", "")) in _SUBTITLE_ROLES), rest[0] if rest else None
        )
        return Given(main[1], main[0].sourceline), Given(sub[1], sub[0].sourceline) if sub else None

    def creators(self) -> tuple[Creator, ...] | None:
        """Creators and contributors with a name, their roles by `ROLE_NAMES` (a creator
        without a role wrote it)."""
        listed = []
        for element in self.root.xpath(
            "nar:contentMeta/nar:creator | nar:contentMeta/nar:contributor", namespaces=self.namespaces
        ):
            found = self.find(("nar:name",), element)
            if found is None:
                continue
            role = _code(element.get("role", ""))
            creator = etree.QName(element).localname == "creator"
            listed.append(Creator(found[0], ROLE_NAMES.get(role, "writer" if creator and not role else "contributor")))
        return tuple(listed) or None

    def notes(self) -> list[Note]:
        """The item's `edNote`s: corrections where the item signals one (`sig:correction`) or
        the note says so, editorial notes otherwise."""
        signals = {
            _code(code) for code in self.root.xpath("nar:itemMeta/nar:signal/@qcode", namespaces=self.namespaces)
        }
        notes = []
        for element in self.root.xpath(
            "nar:itemMeta/nar:edNote | nar:contentMeta/nar:edNote", namespaces=self.namespaces
        ):
            text = self.clean(_text(element))
            if text:
                correction = "correction" in signals or is_correction(text)
                notes.append(Note(text, "correction" if correction else "editorial"))
        return notes

    def body(self, facts: dict[str, Given]) -> list[DraftBlock]:
        """The first body publish reads in the content set: NITF or XHTML in `inlineXML`,
        plain text in `inlineData`."""
        content = self.root.xpath(
            "nar:contentSet/nar:inlineXML | nar:contentSet/nar:inlineData", namespaces=self.namespaces
        )
        for element in content:
            kind = (element.get("contenttype") or "").split(";")[0].strip().lower()
            if etree.QName(element).localname == "inlineData":
                if kind in ("", "text/plain"):
                    blocks, warnings = plain_body(element.text or "")
                    self.warnings += warnings
                    if blocks:
                        return blocks
                continue
            children = [child for child in element if isinstance(child.tag, str)]
            if not children:
                continue
            markup = children[0]
            name = etree.QName(markup).localname
            if name == "nitf":
                blocks = self.nitf_body(markup, facts)
            elif name == "html" or etree.QName(markup).namespace == XHTML:
                bodies = markup.xpath("x:body", namespaces={"x": XHTML}) or markup.xpath("body") or [markup]
                reduced = MarkupBody(bodies[0], HTML)
                self.warnings += reduced.warnings
                if reduced.dateline and "dateline" not in facts:
                    facts["dateline"] = Given(reduced.dateline, markup.sourceline)
                blocks = reduced.blocks
            else:
                continue
            if blocks:
                return blocks
        remote = self.root.xpath("nar:contentSet/nar:remoteContent/@href", namespaces=self.namespaces)
        raise self.error(
            "no body text: the item's contentSet has no inlineXML (NITF or XHTML) or plain inlineData with text"
            + (f"; its content is remote ({remote[0]})" if remote else ""),
            self.root.find(f"{{{NAR}}}contentSet"),
            hint=ADVICE["body"],
        )


class _Nitf(_Reader):
    column = "nitf"

    def __init__(self, root: Any, path: str | None) -> None:
        namespace = etree.QName(root).namespace
        super().__init__(root, path, {"nitf": namespace} if namespace else {})
        self.paths = _nitf_paths(self.namespaces)

    def fact(self, name: str) -> tuple[str, int | None] | None:
        return self.find(tuple(self.paths(path) for path in field(name).nitf))

    def find(
        self, paths: tuple[str, ...], context: Any = None, namespaces: dict[str, str] | None = None
    ) -> tuple[str, int | None] | None:
        return super().find(tuple(self.paths(path) for path in paths), context, namespaces)

    def draft(self, provenance: Provenance) -> Draft:
        facts: dict[str, Given] = {}
        for name, given in (("date", self.date()), ("language", self.language())):
            if given is not None:
                facts[name] = given
        for name, fact in (("title", "title"), ("located", "place"), ("source", "source"), ("slug", "slug")):
            found = self.fact(fact)
            if found is not None:
                facts[name] = Given(*found)
        blocks = self.nitf_body(self.root, facts)
        if not blocks:
            raise self.error("no body text: the NITF has no body.content with text", hint=ADVICE["body"])
        return Draft(
            path=self.path,
            blocks=blocks,
            facts=facts,
            provenance=provenance,
            item=self.item(1),
            notes=self.notes(),
            dated_slug=True,
            warnings=self.warnings,
            advice=ADVICE,
        )

    def notes(self) -> list[Note]:
        """NITF's `correction` (its `info`) as corrections, `ed-msg` as editorial notes."""
        notes = []
        for path, kind in (
            ("nitf:head/nitf:docdata/nitf:correction/@info", "correction"),
            ("nitf:head/nitf:docdata/nitf:ed-msg/@info", "editorial"),
        ):
            for value in self.root.xpath(self.paths(path), namespaces=self.namespaces):
                text = self.clean(_text(value))
                if text:
                    notes.append(
                        Note(text, "correction" if kind == "correction" or is_correction(text) else "editorial")
                    )
        return notes
