"""Every reportlab internal the print edition relies on, in one place.

reportlab is pinned (pyproject.toml); `RELIED_ON` lists what the renderer reads, sets or
overrides beyond reportlab's documented API, and tests/test_pdf_conformance.py fails
when any of it is gone or changed, so an upgrade fails loudly. The changes publish
makes to reportlab's own behaviour are made here, once, at import:

- hyphenation: reportlab's letter and quotation-mark patterns widened (`hyphenation`);
- kinsoku: its table of characters a line may not begin with (`hyphenation._NoStart`);
- PDF/A: an end-of-line before every `endstream` of a publish document (reportlab
  writes `...~>endstream`), and ToUnicode maps without the unused code 0 (reportlab maps
  it to U+0000, which PDF/UA and PDF/A forbid), and the advance of a glyph past a
  font's `numberOfHMetrics` in font units (reportlab kept it in thousandths of an em,
  so the CJK face, of 256 units an em, embedded 1,000 for 256: PDF/A forbids an
  embedded width that differs from /Widths).

The complex-script shaper's own internals (a font's glyph maps, `splitString`,
`getSubsetInternalName`) are listed in `publish.render.shaping` and checked by
tests/test_shaping.py.
"""

from __future__ import annotations

import importlib
from typing import Any

from reportlab.pdfbase import pdfdoc, ttfonts

from publish.render.shaping import text_of_code

#: (module, dotted attribute, what publish does with it).
RELIED_ON: tuple[tuple[str, str, str], ...] = (
    ("reportlab.platypus.paragraph", "_hy_pfx_pat", "hyphenation: widened to guillemets and low quotes"),
    ("reportlab.platypus.paragraph", "_hy_sfx_pat", "hyphenation: widened"),
    ("reportlab.platypus.paragraph", "_hy_letters_pat", "hyphenation: every letter, apostrophes"),
    ("reportlab.platypus.paragraph", "_hy_shy_letters_pat", "hyphenation: every letter, soft hyphens"),
    ("reportlab.platypus.paragraph", "ALL_CANNOT_START", "kinsoku: replaced by linebreak.no_start"),
    ("reportlab.platypus.paragraph", "cjkFragSplit", "kinsoku: CJK lines laid out again after a cut"),
    ("reportlab.platypus.paragraph", "ParaLines", "kinsoku: the lines handed back"),
    ("reportlab.platypus.paragraph", "_handleBulletWidth", "kinsoku: a bullet's room, as reportlab counts it"),
    ("reportlab.platypus.paragraph", "Paragraph.breakLinesCJK", "kinsoku: overridden"),
    ("reportlab.platypus.paragraph", "Paragraph._get_split_blParaFunc", "CJK split: overridden"),
    ("reportlab.platypus.paragraph", "Paragraph.beginText", "tagging: lines end with a space"),
    ("reportlab.pdfgen.textobject", "PDFTextObject._textOut", "tagging: lines end with a space"),
    ("reportlab.platypus.tableofcontents", "TableOfContents._lastEntries", "contents: entries of the last pass"),
    ("reportlab.platypus.tableofcontents", "TableOfContents._notifyKind", "contents: its notification"),
    ("reportlab.platypus.tableofcontents", "drawPageNumbers", "contents: dot leaders and page numbers"),
    ("reportlab.platypus.frames", "Frame.add", "tagging: a flowable's marked content"),
    ("reportlab.platypus.frames", "Frame.split", "tagging: split pieces keep their element"),
    ("reportlab.platypus.doctemplate", "BaseDocTemplate.handle_flowable", "the story taken from its front"),
    ("reportlab.pdfgen.canvas", "Canvas._addAnnotation", "tagging: every link annotation"),
    ("reportlab.pdfgen.canvas", "Canvas._setAnnotations", "tagging: the page object being made"),
    ("reportlab.pdfgen.canvas", "Canvas._startPage", "deferred pages: furniture drawn at the end"),
    ("reportlab.pdfgen.canvas", "Canvas.addLiteral", "tagging: marked-content operators"),
    ("reportlab.pdfbase.pdfdoc", "PDFCatalog.__NoDefault__", "PDF/A: OutputIntents added to the catalog's keys"),
    ("reportlab.pdfbase.pdfdoc", "PDFPage.__NoDefault__", "tagging: StructParents and Tabs added"),
    ("reportlab.pdfbase.pdfdoc", "PDFStream.format", "PDF/A: an EOL before endstream"),
    ("reportlab.pdfbase.pdfdoc", "PDFDocument.thisPageRef", "tagging: a page's reference before it exists"),
    ("reportlab.pdfbase.pdfdoc", "LinkAnnotation.permitted", "tagging: StructParent permitted"),
    ("reportlab.pdfbase.pdfdoc", "PDFInfo", "metadata: Info without empty entries"),
    ("reportlab.pdfbase.ttfonts", "makeToUnicodeCMap", "PDF/A: no code 0 in ToUnicode"),
    ("reportlab.pdfbase.ttfonts", "TTFontFile.extractInfo", "PDF/A: trailing advances in font units"),
    ("reportlab.lib.utils", "TimeStamp", "reproducible dates: the edition's own time"),
)


def missing() -> list[str]:
    """The internals of `RELIED_ON` this reportlab lacks ([] for the pinned version)."""
    gone = []
    for module_name, dotted, _ in RELIED_ON:
        value: Any = importlib.import_module(module_name)
        for part in dotted.split("."):
            found = getattr(value, part, None)
            if found is None and isinstance(value, type):  # an instance's own attribute
                found = getattr(value(), part, None)
            value = found
            if value is None:
                gone.append(f"{module_name}.{dotted}")
                break
    return gone


_STREAM_FORMAT = pdfdoc.PDFStream.format


def _stream_format(self: Any, document: Any) -> bytes:
    """reportlab's stream, with an end-of-line before `endstream` in a publish document
    (PDF/A-2, 6.1.7.1); /Length still counts the data alone. Data that ends in a carriage
    return (compressed bytes may) gets CR LF: a lone LF after it would read as one CR LF
    marker, and the data one byte short of its /Length."""
    out: bytes = _STREAM_FORMAT(self, document)
    if getattr(document, "archival", False) and out.endswith(b"endstream\n"):
        data = out[: -len(b"endstream\n")]
        out = data + (b"\r\n" if data.endswith(b"\r") else b"\n") + b"endstream\n"
    return out


def _to_unicode(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map of a subset, without code 0: no text shows it (a
    character no font has is left out), and PDF/UA forbids mapping it to U+0000; each
    code says its text in UTF-16 (a glyph drawn by the shaper for a joined form or a
    conjunct, a character beyond the BMP as its surrogate pair)."""
    mapped = [(code, value) for code, value in enumerate(subset) if value]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(mapped)} beginbfchar",
            *(f"<{code:02X}> <{text_of_code(value).encode('utf-16-be').hex().upper()}>" for code, value in mapped),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


_EXTRACT_INFO = ttfonts.TTFontFile.extractInfo


def _extract_info(self: Any, *args: Any, **kwargs: Any) -> None:
    """reportlab's reading of a font, with each glyph past `numberOfHMetrics` given the
    last advance as the font stores it (an int, font units), not reportlab's scaled float;
    its subsets embed these advances."""
    _EXTRACT_INFO(self, *args, **kwargs)
    stored: int | None = None
    metrics = []
    for advance, bearing in self.hmetrics:
        if isinstance(advance, int):
            stored = advance
        metrics.append((advance if stored is None else stored, bearing))
    self.hmetrics = metrics


pdfdoc.PDFStream.format = _stream_format
ttfonts.TTFontFile.extractInfo = _extract_info
ttfonts.makeToUnicodeCMap = _to_unicode
