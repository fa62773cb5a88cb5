"""What the PDF says about itself: the Info dictionary and the XMP packet, both from the
edition's own time, never the clock; and what makes it archival (PDF/A-2a): the sRGB
output intent, the PDF/A and PDF/UA identification in the XMP, with an extension schema
for the one property no predefined schema has (IPTC Core's Location), and a metadata
stream written as it is."""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDate,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfbase.pdfdoc import format as pdf_format

from publish.metadata import NAMESPACES, terms
from publish.model import (
    Article,
)


def _subject(article: Article) -> str:
    """Where and for whom: the dateline as filed (without its closing mark), else the place."""
    where = article.dateline.filed.rstrip(" .\u0589\u0964:\u2014\u2013-") if article.dateline else article.located
    return " — ".join(part for part in (where, article.source) if part)


def _keywords(article: Article) -> list[str]:
    """What a catalogue can search by: the source and the place (the language and the
    identifier have fields of their own)."""
    return [part for part in (article.source, article.place) if part]


def keywords_text(keywords: list[str]) -> str:
    """Keywords as one string; ";" separates them, since a place holds commas ("BAKU, Azerbaijan")."""
    return "; ".join(keywords)


#: PDF/A-2 (6.1.8) allows a string of at most 32,767 bytes; a character may take up to
#: 16 of them in the file (UTF-16, escaped), so a text of more characters than this is
#: cut where it goes into a string: an outline entry, the Info title. The XMP packet,
#: which has no such limit, keeps the headline whole.
STRING_CHARACTERS = 2000


def fitting_string(text: str) -> str:
    """`text`, cut at a space before `STRING_CHARACTERS` and ended with an ellipsis when
    longer (a runaway headline of thousands of words), so PDF/A accepts its string."""
    if len(text) <= STRING_CHARACTERS:
        return text
    cut = text[: STRING_CHARACTERS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "\u2026"


class _Info(PDFInfo):  # type: ignore[misc]
    """The Info dictionary without empty entries: an article with no source or place has
    no Keywords at all rather than an empty one (reportlab writes every key)."""

    def format(self, document: Any) -> bytes:
        # A text too long for a PDF/A string (a runaway headline) is left to the XMP
        # packet, whole: an Info entry must say what the XMP says, not a part of it.
        entries: dict[str, Any] = {}
        for key, value in (
            ("Title", self.title),
            ("Author", self.author),
            ("Subject", self.subject),
            ("Keywords", self.keywords),
        ):
            if value and fitting_string(value) == value:
                entries[key] = PDFString(value)
        entries["ModDate"] = entries["CreationDate"] = PDFDate(
            ts=document._timeStamp, dateFormatter=self._dateFormatter
        )
        entries.update(
            Producer=PDFString(self.producer), Creator=PDFString(self.creator), Trapped=PDFName(self.trapped)
        )
        return PDFDictionary(entries).format(document)  # type: ignore[no-any-return]


#: XMP namespaces (ISO 16684-1; Dublin Core, Adobe PDF, XMP basic; PDF/A and PDF/UA identification).
_XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
#: PDF/A-2 accepts only the properties of the schemas XMP predefined (Dublin Core, XMP,
#: Adobe PDF, Photoshop...) and of schemas declared in the packet: PDF/UA's
#: identification and IPTC Core are declared, each with the property publish writes.
_EXTENSIONS = {
    "pdfuaid": ("PDF/UA identification", "part", "Integer", "internal", "The part of ISO 14289 followed"),
    "Iptc4xmpCore": ("IPTC Core", "Location", "Text", "external", "Where the story was filed from"),
}


def _xml_text(value: str) -> str:
    """A value as XML text for the XMP packet, whose stream PDF/A keeps unfiltered: the
    keyword `endstream` in an article's words is written with a character reference
    (`&#x65;ndstream`, the same text to an XML reader), since readers that look for the
    end of a stream by its keyword, not its /Length, cut the packet there."""
    return escape(value).replace("endstream", "&#x65;ndstream")


def xmp_packet(info: dict[str, Any], stamp: datetime.datetime, creator_tool: str, producer: str) -> bytes:
    """A Dublin Core XMP packet saying what the Info dictionary says (title, creator,
    description, keywords, dates) plus language, identifier, date and publisher; built from
    the edition's own time, never the clock, so it is byte-reproducible."""
    when = stamp.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(value)}</rdf:li></rdf:Alt>'

    def listed(kind: str, values: list[str]) -> str:
        return f"<rdf:{kind}>" + "".join(f"<rdf:li>{_xml_text(v)}</rdf:li>" for v in values) + f"</rdf:{kind}>"

    fields = [
        ("dc:format", "application/pdf"),
        ("dc:title", alt(info["title"])),
        ("dc:creator", listed("Seq", info["creators"]) if info["creators"] else ""),
        ("dc:description", alt(info["subject"]) if info["subject"] else ""),
        ("dc:date", listed("Seq", [info["date"]]) if info["date"] else ""),
        ("dc:language", listed("Bag", [info["lang"]])),
        ("dc:identifier", _xml_text(info["identifier"])),
        ("dc:publisher", listed("Bag", [info["publisher"]]) if info["publisher"] else ""),
        ("dc:source", _xml_text(info["source"]) if info["source"] else ""),
        ("pdf:Keywords", _xml_text(keywords_text(info["keywords"])) if info["keywords"] else ""),
        ("pdf:Producer", _xml_text(producer)),
        ("xmp:CreatorTool", _xml_text(creator_tool)),
        ("xmp:CreateDate", when),
        ("xmp:ModifyDate", when),
        ("xmp:MetadataDate", when),
        ("pdfaid:part", "2"),
        ("pdfaid:conformance", "A"),
        ("pdfuaid:part", "1"),
    ]
    # The news facts of the one mapping table (publish.metadata) that the fields above do
    # not already say: where it was filed, its credit, its creation date.
    said = {name for name, _ in fields}
    facts = info.get("facts", {})
    fields += [
        (term, _xml_text(str(facts[item.name])))
        for item, term in terms("xmp")
        if term not in said and item.name in facts
    ]
    prefixes = {name.split(":")[0] for name, value in fields if value}
    namespaces = " ".join(
        f'xmlns:{prefix}="{uri}"' for prefix, uri in {**_XMP_NAMESPACES, **NAMESPACES}.items() if prefix in prefixes
    )
    body = "\n".join(f"   <{name}>{value}</{name}>" for name, value in fields if value)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" {namespaces}>\n{body}\n  </rdf:Description>\n'
        f"{_extension_schemas(prefixes)}"
        ' </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def _extension_schemas(prefixes: set[str]) -> str:
    """The PDF/A extension schema container declaring the non-predefined schemas used."""
    schemas = []
    for prefix, (name, prop, kind, category, description) in _EXTENSIONS.items():
        if prefix not in prefixes:
            continue
        uri = {**_XMP_NAMESPACES, **NAMESPACES}[prefix]
        schemas.append(
            '     <rdf:li rdf:parseType="Resource">\n'
            f"      <pdfaSchema:schema>{name}</pdfaSchema:schema>\n"
            f"      <pdfaSchema:namespaceURI>{uri}</pdfaSchema:namespaceURI>\n"
            f"      <pdfaSchema:prefix>{prefix}</pdfaSchema:prefix>\n"
            '      <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\n'
            f"       <pdfaProperty:name>{prop}</pdfaProperty:name>\n"
            f"       <pdfaProperty:valueType>{kind}</pdfaProperty:valueType>\n"
            f"       <pdfaProperty:category>{category}</pdfaProperty:category>\n"
            f"       <pdfaProperty:description>{description}</pdfaProperty:description>\n"
            "      </rdf:li></rdf:Seq></pdfaSchema:property>\n"
            "     </rdf:li>\n"
        )
    return (
        '  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\n'
        "   <pdfaExtension:schemas><rdf:Bag>\n"
        f"{''.join(schemas)}"
        "   </rdf:Bag></pdfaExtension:schemas>\n"
        "  </rdf:Description>\n"
    )


class MetadataStream(PDFStream):  # type: ignore[misc]
    """The XMP packet as a stream written as it is, without a /Filter key (PDF/A-2,
    6.6.2.1: reportlab writes `/Filter []` for a stream it is told not to filter)."""

    def __init__(self, packet: bytes) -> None:
        super().__init__(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), packet)

    def format(self, document: Any) -> bytes:
        dictionary = PDFDictionary({**self.dictionary.dict, "Length": len(self.content)})
        return pdf_format(dictionary, document) + b"\nstream\n" + self.content + b"\nendstream\n"  # type: ignore[no-any-return]


#: The output intent's profile: Little CMS's sRGB (ICC v4), its bytes fixed by
#: tools/srgb_profile.py (see the README's "Licences").
SRGB = Path(__file__).resolve().parents[2] / "data" / "sRGB.icc"


@lru_cache(maxsize=1)
def _srgb() -> bytes:
    return SRGB.read_bytes()


def output_intents(document: Any) -> PDFArray:
    """The catalog's /OutputIntents: colours are sRGB (PDF/A: device colour spaces are
    allowed only with an output intent)."""
    profile = PDFStream(PDFDictionary({"N": 3}), _srgb(), filters=[PDFZCompress])
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
            "RegistryName": PDFString("http://www.color.org"),
            "Info": PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": document.Reference(profile, "OutputProfile"),
        }
    )
    return PDFArray([document.Reference(intent, "OutputIntent")])
