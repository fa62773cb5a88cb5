"""News metadata: one table of what an article says about itself, and its name in every vocabulary.

Each row is one fact of an article (`article_metadata` computes the values) and names it in
each vocabulary publish speaks: IPTC ninjs 2.x and 3.x (a path into the document, see
`ninjs_lookup`), the EPUB package document (OPF: a Dublin Core element `dc:x`, or a
`<meta property>` with a prefix EPUB 3 reserves, `schema:` or `dcterms:`), XMP (the PDF's
metadata packet) and schema.org's `NewsArticle`. `None` means the vocabulary has no fitting
term, so the fact is left out there. Writers and readers look names up here instead of
spelling them, so one fact cannot be called two things in two editions.

ninjs paths: `name` is a top-level property; `list[].name` is that property of every object
in the list; `list[role=main].name` only of the objects whose `role` is `main`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from publish.model import Article

#: ninjs `profile` of an article written by publish: such a document is read back as a
#: complete record (nothing guessed from the body), as the text edition with an Identifier is.
NINJS_PROFILE = "publish-article"
#: ninjs `altids` role of the agency item's id (the document's `uri` is the article's identifier).
NINJS_ITEM_ID_ROLE = "agency-item"


@dataclass(frozen=True, slots=True)
class MetadataField:
    """One fact of an article and its name in each vocabulary (`None`: no fitting term)."""

    #: Key in `article_metadata()`.
    name: str
    #: What the fact is, for people reading the table.
    meaning: str
    #: ninjs 2.x (also 1.3) paths, all written; the first is the one read.
    ninjs: tuple[str, ...]
    #: The same paths in ninjs 3.x, which renamed properties to camelCase.
    ninjs3: tuple[str, ...]
    #: OPF metadata: `dc:x` element, or a `prefix:term` meta property.
    opf: str | None
    #: XMP property (prefix in `NAMESPACES`).
    xmp: str | None
    #: schema.org `NewsArticle` property.
    schema_org: str | None
    #: NewsML-G2: XPaths from the `newsItem` (prefix `nar`), the first that has a value is read.
    newsml: tuple[str, ...] = ()
    #: NITF 3.x: XPaths from the `nitf` element (prefix `nitf`), the first with a value is read.
    nitf: tuple[str, ...] = ()


#: The table. Order is the order in which the facts are written.
FIELDS: tuple[MetadataField, ...] = (
    MetadataField(
        "identifier",
        "the article's urn:uuid, derived from its content",
        ("uri",),
        ("uri",),
        "dc:identifier",
        "dc:identifier",
        "identifier",
    ),
    MetadataField(
        "title",
        "the headline",
        ("headlines[role=main].value",),
        ("headlines[role=main].value",),
        "dc:title",
        "dc:title",
        "headline",
        newsml=("nar:contentMeta/nar:headline",),
        nitf=("nitf:body/nitf:body.head/nitf:hedline/nitf:hl1", "nitf:head/nitf:title"),
    ),
    MetadataField(
        "language",
        "BCP 47 language tag",
        ("language",),
        ("language",),
        "dc:language",
        "dc:language",
        "inLanguage",
        newsml=("nar:contentMeta/nar:language/@tag", "@xml:lang"),
        nitf=("@xml:lang", "nitf:body/@xml:lang", "nitf:head/@xml:lang"),
    ),
    MetadataField(
        "date",
        "publication date (ISO 8601; editions set the time to 00:00 UTC)",
        ("contentcreated", "firstcreated", "versioncreated"),
        ("contentCreated", "firstCreated", "versionCreated"),
        "dc:date",
        "photoshop:DateCreated",
        "datePublished",
        newsml=(
            "nar:contentMeta/nar:contentCreated",
            "nar:itemMeta/nar:firstCreated",
            "nar:itemMeta/nar:versionCreated",
        ),
        nitf=(
            "nitf:head/nitf:docdata/nitf:date.issue/@norm",
            "nitf:body/nitf:body.head/nitf:dateline/nitf:story.date/@norm",
        ),
    ),
    MetadataField(
        "place",
        "where the story was filed: the dateline's place",
        ("located",),
        ("located",),
        "schema:contentLocation",
        "Iptc4xmpCore:Location",
        "contentLocation",
        newsml=("nar:contentMeta/nar:located/nar:name",),
        nitf=("nitf:body/nitf:body.head/nitf:dateline/nitf:location",),
    ),
    MetadataField(
        "author",
        "the byline",
        ("by",),
        ("by",),
        "dc:creator",
        "dc:creator",
        "author",
        newsml=("nar:contentMeta/nar:by",),
        nitf=("nitf:body/nitf:body.head/nitf:byline",),
    ),
    MetadataField(
        "source",
        "the credit: the agency or publisher the story comes from",
        ("infosources[].name", "copyrightholder"),
        ("infoSources[].name", "copyrightHolder"),
        "dc:source",
        "photoshop:Credit",
        "sourceOrganization",
        newsml=(
            "nar:contentMeta/nar:infoSource/nar:name",
            "nar:itemMeta/nar:provider/nar:name",
            "nar:rightsInfo/nar:copyrightHolder/nar:name",
        ),
        nitf=("nitf:body/nitf:body.head/nitf:distributor", "nitf:head/nitf:docdata/nitf:doc.copyright/@holder"),
    ),
    MetadataField(
        "slug",
        "the short name of the story (and of its files)",
        ("slugline",),
        ("slugline",),
        None,
        None,
        None,
        newsml=("nar:contentMeta/nar:slugline",),
        nitf=("nitf:head/nitf:docdata/nitf:du-key/@key",),
    ),
    MetadataField(
        "words",
        "words of the body, dateline included",
        ("bodies[].wordcount",),
        ("bodies[].wordCount",),
        "schema:wordCount",
        None,
        "wordCount",
    ),
    MetadataField(
        "characters",
        "characters of the body's paragraphs, spaces included, breaks not",
        ("bodies[].charcount",),
        ("bodies[].charCount",),
        None,
        None,
        None,
    ),
)

#: Namespace of every prefix used in the table (OPF `prefix` attribute, XMP `xmlns:`).
NAMESPACES: dict[str, str] = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}

_BY_NAME: dict[str, MetadataField] = {item.name: item for item in FIELDS}


def field(name: str) -> MetadataField:
    """The row for `name`; KeyError for a fact the table does not have."""
    return _BY_NAME[name]


def article_metadata(article: Article) -> dict[str, str | int]:
    """The value of every fact of the table that `article` has (absent facts are left out)."""
    values: dict[str, str | int | None] = {
        "identifier": article.identifier,
        "title": article.title,
        "language": article.language,
        "date": article.date_iso,
        "place": article.place,
        "author": article.author,
        "source": article.source,
        "slug": article.slug,
        "words": len(article.words),
        "characters": sum(len(text) for text in article.body_texts()),
    }
    return {name: value for name, value in values.items() if value is not None and value != ""}


def terms(vocabulary: str) -> Iterator[tuple[MetadataField, str]]:
    """`(field, term)` for every fact that `vocabulary` ("opf", "xmp", "schema_org") can hold."""
    if vocabulary not in ("opf", "xmp", "schema_org"):
        raise ValueError(f"unknown vocabulary {vocabulary!r}")
    for item in FIELDS:
        term = getattr(item, vocabulary)
        if term is not None:
            yield item, term


def ninjs_lookup(document: dict[str, Any], path: str) -> list[Any]:
    """Every value at a ninjs `path` (see the module's docstring) in `document`, in order."""
    head, dot, tail = path.partition(".")
    if not dot:
        return [document[head]] if head in document else []
    name, _, condition = head.partition("[")
    key, _, wanted = condition.rstrip("]").partition("=")
    items = document.get(name)
    if not isinstance(items, list):
        return []
    return [
        item[tail] for item in items if isinstance(item, dict) and tail in item and (not key or item.get(key) == wanted)
    ]
