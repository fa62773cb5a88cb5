"""An article as a story of flowables: headline, subtitle, byline, notices and the
model's blocks, each set by its language's rules (`Kit`)."""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from publish.language import of
from publish.model import (
    Article,
    Block,
    BlockQuote,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Separator,
    Text,
    plain_text,
    with_children,
)
from publish.render import shaping
from publish.render.pdf.flowables import Para, _BodyPara, _Headline, _Separator, _ShapedHeadline
from publish.render.pdf.fonts import _palette
from publish.render.pdf.kit import Kit
from publish.render.pdf.tagging import ARTIFACT, Node, tag
from publish.typography import block_for_reading, reader_notices, reading_text, smarten

#: Paragraphs longer than twice this are laid out in pieces of about this many characters.
CHUNK = 4000
#: ...of prose whose words average this many characters (space included); a piece of shorter
#: words is shorter in proportion (to a quarter), since layout costs per word and a piece that
#: crosses a page is laid out three times: 4,000 characters of "a a a" would cross every page.
CHUNK_WORD = 6


def _article_story(
    article: Article,
    kit: Kit,
    key: str,
    in_contents: bool = False,
    headline_style: str = "headline",
    parent: Node | None = None,
    level: int = 1,
) -> Iterator[Any]:
    """The article's flowables, made as they are asked for: a story of a million
    paragraphs is typeset without holding a million paragraphs at once. Each carries its
    structure element under `parent` (the document, or a digest's article), the headline
    a heading of `level`, its subheadings one level below."""
    kit = kit.for_language(article.language)  # a digest's article is set by its own language's rules
    markup, language = kit.markup, article.language
    parent = parent if parent is not None else Node("Document", lang=language)
    title = reading_text(article.title, language)
    plain = smarten(article.title)  # for the outline and the contents: quotes, not no-break spaces
    heading = parent.child(f"H{level}")
    shaped = _shaped_headline(title, language, kit, key, in_contents, plain=plain)
    if shaped is not None:
        heading.actual_text = title
        yield tag(shaped, heading)
    else:
        # A runaway title is set in pieces, as a long paragraph is: one paragraph split at
        # every page is laid out again whole on each (a 16,000-word title took minutes).
        pieces = _layout_chunks((Text(title),))
        style = kit.styles[headline_style]
        yield tag(_Headline(markup(pieces[0], face="bold"), style, plain, key, in_contents), heading)
        yield from (tag(Para(markup(piece, face="bold"), style), heading) for piece in pieces[1:])
    if article.subtitle:
        subtitle = reading_text(article.subtitle, language)
        yield _furniture(subtitle, kit, language, "subtitle", "regular", parent)
    writers = of(language).join(article.writers)
    byline = " · ".join(part for part in (writers, _reader_date(article.date, language), article.source) if part)
    if byline:
        yield _furniture(reading_text(byline, language), kit, language, "byline", "italic", parent)
    for notice in reader_notices(article):
        yield _furniture(notice, kit, language, "byline", "italic", parent)
    lead_in = reading_text(article.lead_in, language) if article.lead_in else None
    for index, block in enumerate(article.blocks):
        # The first paragraph after a subheading, a list, a quotation or a break starts flush.
        flush = index > 0 and not isinstance(article.blocks[index - 1], Paragraph)
        yield from _block_story(
            block_for_reading(block, language), kit, language, index == 0, lead_in, flush, parent, level + 1
        )


def _block_story(
    block: Block,
    kit: Kit,
    language: str,
    lead: bool,
    lead_in: str | None,
    flush: bool = False,
    parent: Node | None = None,
    subheading: int = 2,
) -> list[Any]:
    """The flowables of one block: a paragraph (the `lead` with its dateline), a subheading
    kept with what follows, a list's items with hanging bullets or numbers, a quotation
    set in, a separator as a short centred rule (an artifact); each with its element
    under `parent`: P, H`subheading`, L of LI (Lbl and LBody), BlockQuote of P."""
    parent = parent if parent is not None else Node("Document", lang=language)
    if isinstance(block, Heading):
        return [_paragraph(block.runs, kit, language, "subheading", parent.child(f"H{subheading}"), face="bold")]
    if isinstance(block, ListBlock):
        bullets = [f"{index + block.start}{block.marker}" for index in range(len(block.items))] if block.ordered else []
        items = parent.child("L", attributes={"O": "List", "ListNumbering": "Decimal" if bullets else "Disc"})
        story = []
        for index, item in enumerate(block.items):
            entry = items.child("LI")
            body = entry.child("LBody", label=entry.child("Lbl"))
            bullet = bullets[index] if bullets else "\u2022"
            story.append(_paragraph(item.runs, kit, language, "item", body, bullet=bullet))
        return story
    if isinstance(block, BlockQuote):
        quotation = parent.child("BlockQuote")
        return [
            _paragraph(paragraph.runs, kit, language, "quote", quotation.child("P")) for paragraph in block.paragraphs
        ]
    if isinstance(block, Separator):
        return [tag(_Separator(kit.style["body"]["leading"]), ARTIFACT)]
    story = []
    node = parent.child("P")  # one element, however many pieces a long paragraph is laid out in
    for part, runs in enumerate(_layout_chunks(block.runs)):
        style_name = "continued" if part or flush else "lead" if lead else "body"
        story.append(_paragraph(runs, kit, language, style_name, node, lead_in=lead_in if lead and part == 0 else None))
    return story


def _paragraph(
    runs: tuple[Inline, ...],
    kit: Kit,
    language: str,
    style_name: str,
    node: Node,
    *,
    lead_in: str | None = None,
    bullet: str | None = None,
    face: str = "regular",
) -> Any:
    """One paragraph flowable, the content of `node`: shaped where the script needs it,
    else reportlab's own."""
    shaped = _shaped(runs, kit, language, style_name, face, lead_in=lead_in, bullet=bullet)
    if shaped is not None:
        return _tag_shaped(shaped, node)
    text = kit.markup(runs)
    if lead_in:
        text = f"<b>{kit.markup((Text(lead_in),), face='bold')}</b> {text}"
    return tag(_BodyPara(text, kit.styles[style_name], bulletText=bullet), node)


def _tag_shaped(paragraph: shaping.ShapedParagraph, node: Node) -> shaping.ShapedParagraph:
    """A shaped paragraph is drawn glyph by glyph in visual order: its element carries the
    logical text (all of it, however many pieces a long paragraph is cut into)."""
    text = "".join(span.text for span in paragraph.text_spans)
    node.actual_text = (node.actual_text or "") + text
    return tag(paragraph, node)


def _reader_date(date: datetime.date | None, language: str) -> str:
    """The date as the article's readers write it (CLDR), "" for an undated article."""
    return of(language).date(date) if date is not None else ""


def _furniture(text: str, kit: Kit, language: str, style_name: str, face: str, parent: Node) -> Any:
    """A line over the story (subtitle, byline, notice), shaped where its script needs it:
    a paragraph of `parent`."""
    runs = (Text(text),)
    node = parent.child("P")
    shaped = _shaped(runs, kit, language, style_name, face)
    if shaped is not None:
        return _tag_shaped(shaped, node)
    return tag(Para(kit.markup(runs, face=face), kit.styles[style_name]), node)


def _shaped(
    runs: tuple[Inline, ...],
    kit: Kit,
    language: str,
    style_name: str,
    face: str = "regular",
    lead_in: str | None = None,
    bullet: str | None = None,
) -> shaping.ShapedParagraph | None:
    """The paragraph laid out by `publish.render.shaping` when reportlab alone would set
    it wrongly (Arabic, Hebrew, Devanagari) or the article runs right to left; else None."""
    rtl = of(language).rtl
    if not rtl and not shaping.needs_shaping(plain_text(runs) + (lead_in or "")):
        return None
    spans = [shaping.Span(lead_in, "bold"), shaping.Span(" ")] if lead_in else []
    spans += shaping.spans(runs, face, kit.style["editorial"]["colour"])
    return shaping.ShapedParagraph(
        spans, kit.styles[style_name], _palette(kit.fonts), language, "R" if rtl else None, bullet=bullet
    )


def _shaped_headline(
    title: str, language: str, kit: Kit, key: str, in_contents: bool, article: bool = True, plain: str | None = None
) -> _ShapedHeadline | None:
    """The headline set by the shaper when its script or its language needs it (an
    article's, or with `article` False a digest's title), else None."""
    if not of(language).rtl and not shaping.needs_shaping(title):
        return None
    return _ShapedHeadline(
        [shaping.Span(title, "bold")],
        kit.styles["headline"],
        _palette(kit.fonts),
        language,
        "R" if of(language).rtl else None,
        plain=plain or title,
        key=key,
        in_contents=in_contents,
        article=article,
    )


def _layout_chunks(runs: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    """Very long paragraphs, cut into pieces of about `CHUNK` characters at sentence ends.

    reportlab re-wraps the rest of a paragraph at every page break, which makes one
    paragraph of many pages quadratic; pieces keep layout linear. The price is a short,
    unjustified line at each cut, only in paragraphs longer than a page or two.
    """
    text = plain_text(runs)
    if len(text) <= CHUNK * 2:
        return [runs]
    size = max(CHUNK // 4, min(CHUNK, CHUNK * len(text) // (CHUNK_WORD * (text.count(" ") + 1))))
    cuts: list[int] = []
    position = 0
    while len(text) - position > size * 2:
        window_start, target = position + size // 2, position + size
        cut = text.rfind(". ", window_start, target)
        cut = cut + 2 if cut >= 0 else text.rfind(" ", window_start, target) + 1
        cut = cut if cut > position else target
        cuts.append(cut)
        position = cut
    pieces, _ = _cut(runs, 0, cuts)
    return [tuple(pieces.get(index, ())) for index in range(len(cuts) + 1)]


def _cut(runs: tuple[Inline, ...], offset: int, cuts: list[int]) -> tuple[dict[int, list[Inline]], int]:
    """The run tree (starting at character `offset`) cut at the sorted offsets `cuts`, in one walk
    (nesting kept): {piece index: its runs}, and the tree's length. One walk, not one per piece,
    keeps a paragraph of thousands of pieces linear."""
    pieces: dict[int, list[Inline]] = {}
    start = offset
    for run in runs:
        if isinstance(run, Text):
            end, position = offset + len(run.text), offset
            index = bisect_right(cuts, position)
            while position < end:
                stop = min(end, cuts[index]) if index < len(cuts) else end
                pieces.setdefault(index, []).append(Text(run.text[position - offset : stop - offset]))
                position, index = stop, index + 1
            offset = end
            continue
        inner, length = _cut(run.children, offset, cuts)
        for index, children in inner.items():
            pieces.setdefault(index, []).append(with_children(run, tuple(children)))
        offset += length
    return pieces, offset - start
