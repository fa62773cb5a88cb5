"""The print edition, typeset with reportlab's platypus.

Article text reaches reportlab's paragraph markup only through `escape`, so text such
as `<font>` or `&` is printed, never interpreted. Fonts are TrueType files embedded as
subsets. A character the main family lacks is set in the first family of the declared
fallback chain that has it (`publish.fonts`); one that no font of the chain has is
reported by `preflight` (an error under --strict), never left out silently.

The package's rooms: `document` (the two entry points, the page template, the canvas),
`story` (an article as flowables), `flowables`, `furniture` (running heads, credit,
folio), `fonts`, `hyphenation`, `metadata` (Info and XMP).
"""

from publish.render.pdf import internals  # noqa: F401 (reportlab's behaviour, set once)
from publish.render.pdf.document import paper_for, render_collection_pdf, render_pdf
from publish.render.pdf.flowables import Para
from publish.render.pdf.fonts import MAX_WORD, FontSet, font_set, inline_markup, missing_glyphs_message, preflight
from publish.render.pdf.hyphenation import hyphenator
from publish.render.pdf.metadata import keywords_text, xmp_packet

__all__ = [
    "MAX_WORD",
    "FontSet",
    "Para",
    "font_set",
    "hyphenator",
    "inline_markup",
    "keywords_text",
    "missing_glyphs_message",
    "paper_for",
    "preflight",
    "render_collection_pdf",
    "render_pdf",
    "xmp_packet",
]
