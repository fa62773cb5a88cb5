"""Marked-up bodies -> blocks: HTML (ninjs `body_html`, XHTML in NewsML-G2) and NITF.

One walker for both: block elements end a paragraph, headings, lists, quotations, rules
and tables are the story's structure, `b`/`strong`, `i`/`em` and `a href` are spans over
the text; scripts, styles, figures and the like are not body text. The tree is walked
without recursion (any depth, linear time); the text is cleaned as text files are and its
whitespace collapsed as HTML's is (a no-break space stays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from publish.readers.draft import DraftBlock, Piece
from publish.readers.lexing import Span
from publish.readers.source import clean_text


@dataclass(frozen=True)
class Dialect:
    """How a markup language names the story's structure: element -> heading level, block
    elements, list elements, quotation, rule, inline spans, elements that are not body."""

    headings: dict[str, int]
    blocks: frozenset[str]
    lists: dict[str, bool]  # element -> ordered
    items: frozenset[str]
    quotations: frozenset[str]
    rules: frozenset[str]
    cells: frozenset[str]
    spans: dict[str, str]
    links: frozenset[str]
    breaks: frozenset[str]
    skipped: frozenset[str]

    def ends_block(self, tag: str) -> bool:
        return tag in self.blocks or tag in self.headings or tag in self.items


#: HTML: `h1`-`h6` (an `h1` in a body is a subheading, level 2), block elements, lists,
#: `blockquote`, `hr`, table rows (a paragraph of its cells split by " | "), `b`/`strong`,
#: `i`/`em`/`cite`; scripts, styles, figures with their captions, frames, SVG and MathML
#: are not body text.
HTML = Dialect(
    headings={f"h{level}": max(level, 2) for level in range(1, 7)},
    blocks=frozenset(
        {"p", "div", "section", "article", "header", "footer", "aside", "address", "pre", "dl", "dt", "dd", "table"}
        | {"tr", "caption", "main", "center", "body", "html"}
    ),
    lists={"ul": False, "ol": True},
    items=frozenset({"li"}),
    quotations=frozenset({"blockquote"}),
    rules=frozenset({"hr"}),
    cells=frozenset({"td", "th"}),
    spans={"b": "strong", "strong": "strong", "i": "emphasis", "em": "emphasis", "cite": "emphasis"},
    links=frozenset({"a"}),
    breaks=frozenset({"br"}),
    skipped=frozenset(
        {"script", "style", "figure", "template", "head", "iframe", "object", "svg", "math", "noscript", "title"}
    ),
)
#: NITF's `body.content`: `hl2` subheadings, `p`, `block`, `ul`/`ol`/`li`, `bq` quotations,
#: table rows as in HTML, `em` emphasis, `a href` links (`lang`, `num`, `chron` and the
#: like mark meaning, not style: their text is read plain); `media`, `note` and `body.head`
#: are not the story's text, `body.end`'s tagline ("Reporting by ...") is.
NITF = Dialect(
    headings={"hl2": 2},
    blocks=frozenset(
        {
            "p",
            "block",
            "body.content",
            "body.end",
            "tagline",
            "table",
            "tr",
            "caption",
            "pre",
            "dl",
            "dt",
            "dd",
        }
    ),
    lists={"ul": False, "ol": True},
    items=frozenset({"li"}),
    quotations=frozenset({"bq"}),
    rules=frozenset(),
    cells=frozenset({"td", "th"}),
    spans={"em": "emphasis", "lang": "", "pronounce": "", "chron": "", "num": "", "money": ""},
    links=frozenset({"a"}),
    breaks=frozenset({"br"}),
    skipped=frozenset({"media", "note", "body.head", "bibliography"}),
)
#: ...unless an element that should hold none holds paragraphs: an unclosed one swallowed
#: the rest of the body. Then its paragraphs are read, with a warning.
#: Elements whose content an HTML parser reads as raw text, not tags (`script` and
#: `style` hold no story); an unclosed one holds the rest of the body. Each is parsed
#: again at most `_RAW_BODIES` times in a body (`<iframe>` x N stays linear), beyond
#: that its text is read with its tags as they are.
_RAW_TEXT = frozenset({"iframe", "noembed", "noframes", "xmp", "textarea", "title", "noscript"})
_RAW_BODIES = 8
_MARKUP_OF_BODY = re.compile(r"<(?:p|h[1-6]|li|blockquote|div)\b", re.IGNORECASE)
_BODY_INSIDE = (
    ".//*[self::p or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::li"
    " or self::blockquote][not(ancestor::figcaption)]"
)
_LINK_TARGET = re.compile(r"(?:https?://|mailto:)[^\s<>\"]+", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def html_blocks(markup: str) -> MarkupBody:
    """An HTML body (a string) reduced to blocks."""
    root = _parse_html(markup)
    return MarkupBody(root, HTML)


class MarkupBody:
    """A marked-up body reduced to blocks, walked without recursion (any depth, linear
    time): its `blocks`, the `dateline` a `<span class="dateline">` marks, and `warnings`
    about text an unclosed element swallowed or characters no edition may carry."""

    def __init__(self, root: Any, dialect: Dialect) -> None:
        self.dialect = dialect
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
        self._raw_bodies = 0
        if root is not None:
            self._walk(root)
        self._flush()

    def _walk(self, root: Any) -> None:
        skipping: Any = None
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = etree.QName(element).localname.lower() if isinstance(element.tag, str) else None
            if skipping is not None:
                if event == "end" and element is skipping:
                    skipping = None
                    self._text(element.tail)
                continue
            if event == "start":
                if tag in self.dialect.skipped or tag is None:
                    swallowed = element.xpath(_BODY_INSIDE) if tag is not None else []
                    if not swallowed and tag in _RAW_TEXT and _MARKUP_OF_BODY.search(element.text or ""):
                        # An unclosed <iframe> holds the rest of the body as raw text (HTML
                        # parsers read no tags inside it): read it as the body it was.
                        self.warnings.append(
                            f"a <{tag}> holds the rest of the body (is it closed?): it is read as text"
                        )
                        skipping = element
                        self._raw_bodies += 1
                        if self._raw_bodies <= _RAW_BODIES:
                            inner = _parse_html(element.text)
                            if inner is not None:
                                self._walk(inner)
                        else:
                            self._add(element.text_content())
                        continue
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
        dialect = self.dialect
        if dialect.ends_block(tag):
            self._flush()
            self._heading = dialect.headings.get(tag, 0)
        elif tag in dialect.lists:
            self._flush()
            self._list_depth += 1
            if self._list is None:
                ordered = dialect.lists[tag]
                start = element.get("start", "1")
                marker = element.get("data-marker") or ("." if ordered else "-")
                number = int(start) if start.isdigit() and len(start) < 10 else 1
                self._list = DraftBlock("list", [], ordered=ordered, marker=marker, start=number)
        elif tag in dialect.quotations:
            self._flush()
            self._quote = DraftBlock("quote", [])
        elif tag in dialect.rules:
            self._flush()
            self.blocks.append(DraftBlock("separator", [Piece(element.get("data-mark") or "***")]))
        elif tag in dialect.cells:
            # Until the model has tables, a row is a paragraph of its cells, split by " | ".
            if self._parts:
                self._add(" | ")
        elif tag in dialect.breaks:
            self._add(" ")
            if _next_is_break(element, tag):
                self._flush()
        elif tag in dialect.spans:
            self._open.append((dialect.spans[tag], self._length, ""))
        elif tag in dialect.links:
            href = (element.get("href") or "").strip()
            self._open.append(("link" if _LINK_TARGET.fullmatch(href) else "", self._length, href))
        elif tag == "span" and "dateline" in (element.get("class") or "").split() and self.dateline is None:
            self._dateline_start = self._length

    def _end(self, tag: str, element: Any) -> None:
        dialect = self.dialect
        if dialect.ends_block(tag):
            self._flush()
            self._heading = 0
        elif tag in dialect.lists:
            self._flush()
            self._list_depth -= 1
            if self._list_depth == 0 and self._list is not None:
                if self._list.pieces:
                    self.blocks.append(self._list)
                self._list = None
        elif tag in dialect.quotations:
            self._flush()
            if self._quote is not None and self._quote.pieces:
                self.blocks.append(self._quote)
            self._quote = None
        elif (tag in dialect.spans or tag in dialect.links) and self._open:
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


def _next_is_break(element: Any, tag: str) -> bool:
    """`<br>` followed (after nothing but spaces) by another: a paragraph break."""
    following = element.getnext()
    return (
        following is not None
        and isinstance(following.tag, str)
        and etree.QName(following).localname.lower() == tag
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
