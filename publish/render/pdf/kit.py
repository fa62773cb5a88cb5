"""What a document is set with, resolved once: its style, fonts and the paragraph styles
of each language it holds (hyphenation and justification are the language's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from publish.language import of
from publish.options import RenderOptions
from publish.render.pdf.fonts import FontSet, font_set, inline_markup
from publish.render.pdf.hyphenation import hyphenator
from publish.templates import load_style, pdf_font_family

#: How far a word space may shrink to fit one more word on a justified line: a third, as
#: TeX's interword glue allows; it takes about half of the loose lines away.
SPACE_SHRINK = 0.33


@dataclass(frozen=True)
class Kit:
    """Style, fonts and paragraph styles, resolved once per document; the styles are the
    language's (its hyphenation and justification): `for_language` gives an article of a
    digest its own."""

    style: dict[str, Any]
    fonts: FontSet
    styles: dict[str, ParagraphStyle]
    markup: Callable[..., str]
    language: str
    _others: dict[str, Kit] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def make(cls, language: str, options: RenderOptions) -> Kit:
        style = load_style(options.template_dirs)
        fonts = font_set(pdf_font_family(options.template_dirs, options.font))
        return cls(
            style,
            fonts,
            _paragraph_styles(style, fonts, language),
            partial(inline_markup, fonts=fonts, editorial_colour=style["editorial"]["colour"]),
            language,
        )

    def for_language(self, language: str) -> Kit:
        """This kit with the paragraph styles of `language` (made once per language)."""
        if language == self.language:
            return self
        if language not in self._others:
            styles = _paragraph_styles(self.style, self.fonts, language)
            self._others[language] = replace(self, styles=styles, language=language, _others={})
        return self._others[language]


def _paragraph_styles(style: dict[str, Any], fonts: FontSet, language: str) -> dict[str, ParagraphStyle]:
    """Justified and hyphenated where the lines stay even (the language's `justified`);
    ragged-right elsewhere, hyphenated where the language has patterns (justifying
    unhyphenated Armenian or Georgian opens gaps of three or four spaces). Chinese and
    Japanese break between characters and indent by whole characters."""
    body = style["body"]
    hyphenate = hyphenator(language)
    base = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=body["size"],
        leading=body["leading"],
        alignment=TA_JUSTIFY if hyphenate and of(language).justified else TA_LEFT,
        firstLineIndent=body["first_line_indent"],
        hyphenationLang=hyphenate or "",
        hyphenationMinWordLength=of(language).hyphenation_minima[2],
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
        spaceShrinkage=SPACE_SHRINK,
        allowWidows=0,
        allowOrphans=0,
        splitLongWords=1,
    )
    characters = of(language).character_indent
    if characters:  # Chinese and Japanese: lines break between characters, held to kinsoku (`Para`)
        base.wordWrap = "CJK"
        base.firstLineIndent = characters * body["size"]
    headline = ParagraphStyle(
        "headline",
        parent=base,
        fontName=fonts.bold,
        fontSize=style["headline"]["size"],
        leading=style["headline"]["leading"],
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        embeddedHyphenation=0,
        spaceAfter=8,
        keepWithNext=1,
    )
    styles = {
        "body": base,
        # Space above the lead, not a Spacer: headline and byline keep with the lead's
        # first lines (a Spacer between them would let a page end after the byline).
        "lead": ParagraphStyle("lead", parent=base, firstLineIndent=0, spaceBefore=body["leading"]),
        "continued": ParagraphStyle("continued", parent=base, firstLineIndent=0),
        "headline": headline,
        "next-headline": ParagraphStyle("next-headline", parent=headline, spaceBefore=body["leading"] * 2),
        "meta": ParagraphStyle(
            "meta",
            parent=base,
            fontName=fonts.italic,
            fontSize=style["meta"]["size"],
            leading=style["meta"]["leading"],
            alignment=TA_LEFT,
            firstLineIndent=0,
            hyphenationLang="",
            textColor=HexColor(style["meta"]["colour"]),
        ),
    }
    styles["byline"] = ParagraphStyle("byline", parent=styles["meta"], keepWithNext=1)
    # A second headline: the body's face, a size between it and the headline's.
    styles["subtitle"] = ParagraphStyle(
        "subtitle",
        parent=base,
        fontSize=body["size"] * 1.3,
        leading=body["size"] * 1.3 * 1.25,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceAfter=6,
        keepWithNext=1,
    )
    # The story's own structure: a subheading kept with what follows it, list items with
    # their bullet or number hanging in the margin of the text, a quotation set in.
    styles["subheading"] = ParagraphStyle(
        "subheading",
        parent=base,
        fontName=fonts.bold,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceBefore=body["leading"] / 2,
        keepWithNext=1,
    )
    indent = body["first_line_indent"] + body["size"]
    styles["item"] = ParagraphStyle(
        "item",
        parent=base,
        firstLineIndent=0,
        leftIndent=indent,
        bulletIndent=indent - body["size"] * 1.2,
        bulletFontName=fonts.regular,  # reportlab's default is Helvetica: not embedded
        bulletFontSize=body["size"],
    )
    styles["quote"] = ParagraphStyle(
        "quote", parent=base, firstLineIndent=0, leftIndent=indent, rightIndent=indent, spaceBefore=2, spaceAfter=2
    )
    styles["contents-label"] = ParagraphStyle(
        "contents-label",
        parent=base,
        fontName=fonts.bold,
        alignment=TA_LEFT,
        firstLineIndent=0,
        hyphenationLang="",
        spaceAfter=body["leading"] / 2,
    )
    return styles
