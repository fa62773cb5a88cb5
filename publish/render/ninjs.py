"""The ninjs edition: the article as IPTC "News in JSON" 2.2, for the next system in the newsroom.

Why 2.2 and not 3.x: ninjs 3 renamed every property to camelCase, so a 3.x document is
unreadable to the 1.x/2.x consumers newsrooms run today (Superdesk and the agency feeds
built on it), while 2.2 keeps the 1.3 names and shapes that 1.x readers understand.
`publish.readers.ninjs` reads 1.x to 3.x alike.

The names of the facts come from `publish.metadata`. The body is written twice: plain text
(exactly the text edition's paragraphs, dateline included; what the reader reads back) and
minimal HTML (`<p>`, with `<span class="dateline">`, `<span class="quotation">` and
`<span class="editorial">`, everything escaped). The bytes are reproducible: a fixed key
order, UTF-8, two-space indent, one final newline, and no clock (the dates are the
article's own).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from publish.metadata import article_metadata, field
from publish.model import Article, Collection, Editorial, Inline, Quotation, Text
from publish.options import RenderOptions

#: The schema this edition is valid against.
STANDARD: dict[str, str] = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
}
#: `profile` of an article written by publish: such a document is read back as a complete
#: record (nothing guessed from the body), as the text edition with an Identifier is.
PROFILE = "publish-article"
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
        **_dates(facts.get("date")),
        "headlines": [{"role": "main", "value": facts["title"]}],
        _name("slug"): facts["slug"],
    }
    if "author" in facts:
        document[_name("author")] = facts["author"]
    if "place" in facts:
        document[_name("place")] = facts["place"]
    if "source" in facts:
        document["copyrightholder"] = facts["source"]
        document["infosources"] = [{"name": facts["source"]}]
    counts = {"charcount": facts["characters"], "wordcount": facts["words"]}
    document["bodies"] = [
        {"role": "main", "contenttype": "text/plain", **counts, "value": "\n\n".join(article.body_texts())},
        {"role": "main", "contenttype": "text/html", **counts, "value": body_html(article)},
    ]
    return document


def body_html(article: Article) -> str:
    """Minimal HTML: one `<p>` per paragraph, dateline, quotations and editorial insertions
    as classed spans; every character of the text escaped."""
    paragraphs: list[str] = []
    for index, paragraph in enumerate(article.paragraphs):
        lead = f'<span class="dateline">{escape(article.lead_in)}</span> ' if index == 0 and article.lead_in else ""
        paragraphs.append(f"<p>{lead}{_runs_html(paragraph.runs)}</p>")
    return "\n".join(paragraphs)


def _runs_html(runs: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(escape(run.text))
        else:
            parts.append(f'<span class="{_SPAN_CLASSES[type(run)]}">{_runs_html(run.children)}</span>')
    return "".join(parts)


def _name(fact: str) -> str:
    """The flat ninjs 2.x property of a fact, from the metadata table."""
    return field(fact).ninjs[0]


def _dates(date_iso: str | int | None) -> dict[str, str]:
    """firstcreated and versioncreated from the article's date (00:00 UTC, as the EPUB's and
    PDF's dates); nothing when it is undated."""
    if not date_iso:
        return {}
    stamp = f"{date_iso}T00:00:00Z"
    return dict.fromkeys(field("date").ninjs, stamp)


def _without_standard(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "standard"}


def _dump(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
