"""The print edition, typeset with reportlab's platypus.

Article text reaches reportlab's paragraph markup only through `escape`, so text such
as `<font>` or `&` is printed, never interpreted. Fonts are TrueType files embedded as
subsets, so every glyph travels with the file.
"""

from __future__ import annotations

import io
import tomllib
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import SimpleDocTemplate, Spacer

from publish.fonts import find_family
from publish.model import Article, Editorial, Inline, Quotation, Text
from publish.options import RenderOptions
from publish.templates import read_bytes

PAPER = {"A4": A4, "LETTER": LETTER}


def render_pdf(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A printable, font-embedded, reproducible PDF of one article."""
    style = load_style(options.template_dirs)
    family = register_family(options.font or style["fonts"]["family"])
    styles = _paragraph_styles(style, family, article.language)
    out = io.BytesIO()
    margins = style["page"]
    doc = SimpleDocTemplate(
        out, pagesize=PAPER[options.paper.upper()],
        leftMargin=margins["margin_inside"], rightMargin=margins["margin_outside"],
        topMargin=margins["margin_top"], bottomMargin=margins["margin_bottom"],
        title=article.title, author=article.author or article.source or "",
        subject=article.dateline.text if article.dateline else "",
        creator="publish", producer="publish (reportlab)", invariant=1, lang=article.language,
        initialFontName=family.name, initialFontSize=style["body"]["size"],
        initialLeading=style["body"]["leading"],
    )
    story: list[Any] = [Para(escape(article.title), styles["headline"])]
    meta = " · ".join(part for part in (article.author, article.date_iso, article.source) if part)
    if meta:
        story.append(Para(escape(meta), styles["meta"]))
    story.append(Spacer(1, style["body"]["leading"]))
    for index, paragraph in enumerate(article.paragraphs):
        markup = inline_markup(paragraph.runs, style)
        if index == 0 and article.dateline:
            markup = f"<b>{escape(article.dateline.lead_in)}</b> {markup}"
        story.append(Para(markup, styles["lead" if index == 0 else "body"]))
    footer = _footer_text(article, options)

    def furniture(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(family.name, style["meta"]["size"])
        canvas.setFillColor(HexColor(style["meta"]["colour"]))
        width = document.pagesize[0]
        canvas.drawCentredString(width / 2, margins["margin_bottom"] / 2, f"{document.page}")
        if footer:
            canvas.drawString(document.leftMargin, margins["margin_bottom"] / 2, footer)
        canvas.restoreState()

    rl_config.invariant = 1
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def _footer_text(article: Article, options: RenderOptions) -> str:
    return f"Source: {article.source}" if article.source else (options.publisher or "")


def inline_markup(runs: tuple[Inline, ...], style: dict[str, Any]) -> str:
    """reportlab paragraph markup for a run tree; all text escaped."""
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(escape(run.text))
        elif isinstance(run, Editorial):
            colour = style["editorial"]["colour"]
            parts.append(f'<font color="{colour}"><i>{inline_markup(run.children, style)}</i></font>')
        elif isinstance(run, Quotation):
            parts.append(inline_markup(run.children, style))
    return "".join(parts)


@lru_cache(maxsize=8)
def load_style(template_dirs: tuple[Any, ...] = ()) -> dict[str, Any]:
    return tomllib.loads(read_bytes("pdf/style.toml", template_dirs).decode("utf-8"))


@lru_cache(maxsize=8)
def register_family(name: str) -> Any:
    """Register a TrueType family with reportlab once per process."""
    family = find_family(name)
    base = "Publish-" + "".join(ch for ch in family.name if ch.isalnum())
    faces = {}
    for face in ("regular", "bold", "italic", "bolditalic"):
        font_name = base if face == "regular" else f"{base}-{face}"
        pdfmetrics.registerFont(TTFont(font_name, str(getattr(family, face))))
        faces[face] = font_name
    pdfmetrics.registerFontFamily(base, normal=faces["regular"], bold=faces["bold"],
                                  italic=faces["italic"], boldItalic=faces["bolditalic"])

    class Registered:
        pass

    registered = Registered()
    registered.name = base  # type: ignore[attr-defined]
    registered.faces = faces  # type: ignore[attr-defined]
    return registered


def hyphenation_language(language: str) -> str:
    """pyphen's dictionary for a BCP 47 tag, or "" (no hyphenation) when it has none."""
    import pyphen

    return pyphen.language_fallback(language.replace("-", "_")) or ""


def _paragraph_styles(style: dict[str, Any], family: Any, language: str) -> dict[str, ParagraphStyle]:
    body = style["body"]
    hyphenation = hyphenation_language(language)
    base = ParagraphStyle("body", fontName=family.name, fontSize=body["size"], leading=body["leading"],
                          alignment=TA_JUSTIFY, firstLineIndent=body["first_line_indent"],
                          hyphenationLang=hyphenation, embeddedHyphenation=1, uriWasteReduce=0.3)
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, firstLineIndent=0),
        "headline": ParagraphStyle("headline", parent=base, fontName=family.faces["bold"],
                                   fontSize=style["headline"]["size"], leading=style["headline"]["leading"],
                                   alignment=TA_LEFT, firstLineIndent=0, hyphenationLang="",
                                   spaceAfter=6),
        "meta": ParagraphStyle("meta", parent=base, fontName=family.faces["italic"],
                               fontSize=style["meta"]["size"], leading=style["meta"]["leading"],
                               alignment=TA_LEFT, firstLineIndent=0,
                               textColor=HexColor(style["meta"]["colour"])),
    }
