"""The ninjs edition: the article as IPTC "News in JSON" 2.2, for the next system in the newsroom.

Why 2.2 and not 3.x: ninjs 3 renamed every property to camelCase, so a 3.x document is
unreadable to the 1.x/2.x consumers newsrooms run today (Superdesk and the agency feeds
built on it), while 2.2 keeps the 1.3 names and shapes that 1.x readers understand.
`publish.readers.ninjs` reads 1.x to 3.x alike.

The names of the facts come from `publish.metadata`. The body is written twice: plain text
(the text of every block, a list item with its marker, the dateline as filed; one blank
line between blocks) and HTML with the story's structure (`<p>`, `<h2>`, `<ul>`/`<ol>`
with `<li>`, `<blockquote>`, `<hr>`, `<em>`, `<strong>`, `<a>`, and `<span class="dateline">`,
`<span class="quotation">`, `<span class="editorial">`; everything escaped), which is what
publish reads back. The bytes are reproducible: a fixed key
order, UTF-8, two-space indent, one final newline, and no clock (the dates are the
article's own).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from publish.metadata import NINJS_ITEM_ID_ROLE as ITEM_ID_ROLE
from publish.metadata import NINJS_PROFILE as PROFILE
from publish.metadata import article_metadata, field
from publish.model import (
    Article,
    Block,
    BlockQuote,
    Collection,
    Editorial,
    Emphasis,
    Heading,
    Inline,
    Item,
    Link,
    ListBlock,
    Paragraph,
    Quotation,
    Separator,
    Text,
)
from publish.options import RenderOptions

#: The schema this edition is valid against.
STANDARD: dict[str, str] = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
}
#: `profile` of a digest: a `composite` item whose `associations` are the articles.
DIGEST_PROFILE = "publish-digest"
#: `class` of the HTML spans, as in the EPUB.
_SPAN_CLASSES: dict[type, str] = {Quotation: "quotation", Editorial: "editorial"}


def render_ninjs(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """One ninjs 2.2 document for one article."""
    return _dump(article_document(article))


def render_collection_ninjs(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest as a ninjs package: a `composite` item with each article in `associations`
    (named by its slug), in the digest's order."""
    document: dict[str, Any] = {
        "uri": collection.identifier,
        "standard": STANDARD,
        "type": "composite",
        "representationtype": "full",
        "profile": DIGEST_PROFILE,
        "language": collection.language,
        **_dates(collection.date_iso),
        "headlines": [{"role": "main", "value": collection.title}],
        "slugline": collection.slug,
        "associations": [
            {"name": article.slug, **_without_standard(article_document(article))} for article in collection.articles
        ],
    }
    return _dump(document)


def article_document(article: Article) -> dict[str, Any]:
    """The ninjs object of one article, keys in the order they are written."""
    facts = article_metadata(article)
    document: dict[str, Any] = {
        _name("identifier"): facts["identifier"],
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full",
        "profile": PROFILE,
        _name("language"): facts["language"],
        **_dates(facts.get("date"), article.item),
        **_item(article.item),
        "headlines": [
            {"role": "main", "value": facts["title"]},
            *([{"role": "sub", "value": article.subtitle}] if article.subtitle else []),
        ],
        _name("slug"): facts["slug"],
    }
    # Corrections are for readers (a description of role `correction`); an `ednote` is for
    # editors only, as ninjs defines it (one note a line).
    editorial = [note.text for note in article.notes if note.kind == "editorial"]
    if editorial:
        document["ednote"] = "\n".join(editorial)
    if article.corrections:
        document["descriptions"] = [
            {"role": "correction", "contenttype": "text/plain", "value": note.text} for note in article.corrections
        ]
    if article.creators:
        # `by` is the byline as filed (one name is its own byline); `people` names everyone.
        single = article.creators[0].name if len(article.creators) == 1 else None
        if article.byline or single:
            document[_name("author")] = article.byline or single
        document["people"] = [{"name": creator.name, "rel": creator.role} for creator in article.creators]
    if "place" in facts:
        document[_name("place")] = facts["place"]
    if "source" in facts:
        document["copyrightholder"] = facts["source"]
        document["infosources"] = [{"name": facts["source"]}]
    counts = {"charcount": facts["characters"], "wordcount": facts["words"]}
    document["bodies"] = [
        {"role": "main", "contenttype": "text/plain", **counts, "value": body_text(article)},
        {"role": "main", "contenttype": "text/html", **counts, "value": body_html(article)},
    ]
    return document


def body_text(article: Article) -> str:
    """The plain body: each block's text (a list item behind its marker, the lead behind
    its dateline as filed), blocks split by one blank line."""
    texts: list[str] = []
    for index, block in enumerate(article.blocks):
        if isinstance(block, ListBlock):
            texts.append("\n".join(f"{marker} {item.text}" for marker, item in zip(block.markers(), block.items)))
        elif isinstance(block, Separator):
            texts.append(block.mark)
        elif index == 0 and isinstance(block, Paragraph) and article.dateline:
            texts.append(f"{article.dateline.filed} {block.text}")
        else:
            texts.append("\n\n".join(block.texts()))
    return "\n\n".join(texts)


def body_html(article: Article) -> str:
    """HTML of the story's structure; the dateline, quotations and editorial insertions as
    classed spans; every character of the text escaped."""
    return "\n".join(_block_html(block, article if index == 0 else None) for index, block in enumerate(article.blocks))


def _block_html(block: Block, lead_of: Article | None) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_runs_html(block.runs)}</h{block.level}>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = "".join(f"<li>{_runs_html(item.runs)}</li>" for item in block.items)
        return f'<{tag}{start} data-marker="{escape(block.marker)}">{items}</{tag}>'
    if isinstance(block, BlockQuote):
        return "<blockquote>" + "".join(f"<p>{_runs_html(p.runs)}</p>" for p in block.paragraphs) + "</blockquote>"
    if isinstance(block, Separator):
        return f'<hr data-mark="{escape(block.mark)}"/>'
    lead = ""
    if lead_of is not None and lead_of.dateline is not None:
        lead = f'<span class="dateline">{escape(lead_of.dateline.filed)}</span> '
    return f"<p>{lead}{_runs_html(block.runs)}</p>"


def _runs_html(runs: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(escape(run.text, quote=False))
        elif isinstance(run, Emphasis):
            tag = "strong" if run.strong else "em"
            parts.append(f"<{tag}>{_runs_html(run.children)}</{tag}>")
        elif isinstance(run, Link):
            parts.append(f'<a href="{escape(run.href)}">{_runs_html(run.children)}</a>')
        else:
            parts.append(f'<span class="{_SPAN_CLASSES[type(run)]}">{_runs_html(run.children)}</span>')
    return "".join(parts)


def _name(fact: str) -> str:
    """The flat ninjs 2.x property of a fact, from the metadata table."""
    return field(fact).ninjs[0]


def _dates(date_iso: str | int | None, item: Item | None = None) -> dict[str, str]:
    """contentcreated, firstcreated and versioncreated from the article's date (00:00 UTC, as
    the EPUB's and PDF's dates), the agency item's own first and version times where it
    states them; nothing when it is undated."""
    if not date_iso:
        return {}
    stamps = dict.fromkeys(field("date").ninjs, f"{date_iso}T00:00:00Z")
    if item is not None and item.created:
        stamps["firstcreated"] = item.created
    if item is not None and item.updated:
        stamps["versioncreated"] = item.updated
    return stamps


def _item(item: Item | None) -> dict[str, Any]:
    """The agency item the article is a version of, in ninjs's own properties."""
    if item is None:
        return {}
    stated = {
        "version": str(item.version) if item.version is not None else None,
        "pubstatus": item.status,
        "embargoed": item.embargo,
        "altids": [{"role": ITEM_ID_ROLE, "value": item.id}],
    }
    return {key: value for key, value in stated.items() if value is not None}


def _without_standard(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "standard"}


def _dump(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
