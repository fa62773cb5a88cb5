"""Fonts of the print edition: the body family and the declared fallback chain, registered
with reportlab once per process; paragraph markup with every run in a font that has it; the
preflight that names characters no shipped font has."""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from publish.errors import EditionError, InputError
from publish.fonts import FontFamily, coverage, fallback_families, find_family
from publish.model import (
    Article,
    Editorial,
    Emphasis,
    Inline,
    Link,
    Text,
)
from publish.options import RenderOptions
from publish.render import linebreak, shaping
from publish.templates import pdf_font_family

#: Longer "words" cannot be laid out in sensible time (or sensibly at all) on a page.
MAX_WORD = 2000


_INVISIBLE = frozenset(" \n")


def preflight(article: Article, options: RenderOptions = RenderOptions()) -> tuple[str, ...]:
    """Warn about characters no font of the chain can print (found in one pass over the
    article's distinct characters); refuse words no page can hold."""
    for text in (article.title, *article.body_texts()):
        # Chinese and Japanese have no spaces: their "words" break between characters.
        longest = max(
            (len(part) for word in text.split() if len(word) > MAX_WORD for part in linebreak.parts(word)), default=0
        )
        if longest > MAX_WORD:
            raise InputError(
                f"a word of {longest:,} characters cannot be typeset (the limit is {MAX_WORD:,})",
                path=article.source_path,
                hint="break the text with spaces",
            )
    fonts = font_set(pdf_font_family(options.template_dirs, options.font))
    lacking = _lacking(fonts.main_coverage)
    outside_main: set[str] = set()
    for value in (article.title, *article.body_texts(), article.author, article.source, article.date_iso):
        outside_main.update(lacking.findall(value or ""))
    missing = sorted(ch for ch in outside_main if fonts.font_for(ch) is None)
    if not missing:
        return ()
    unprintable = _scripts_without_font(article, missing, outside_main, fonts)
    if unprintable:
        raise EditionError(
            f"no font of the PDF has the {' or '.join(unprintable)} script: this article's PDF cannot be "
            "made (its other editions are written)",
            path=article.source_path,
            hint="give --font a .ttf file that has the script",
        )
    message = missing_glyphs_message(missing)
    if options.strict:
        raise InputError(
            message,
            path=article.source_path,
            hint="use --font with a .ttf file that has them, or drop --strict to accept the gap",
        )
    return (message,)


#: A warning names at most this many missing characters, then counts the rest.
MISSING_NAMED = 12


#: An article is written in a script when at least this share of its letters are in it.
WRITTEN_IN_SHARE = 0.1


def _scripts_without_font(article: Article, missing: list[str], outside_main: set[str], fonts: FontSet) -> list[str]:
    """The scripts (by name) the article is written in (`WRITTEN_IN_SHARE` of its letters)
    that no font of the chain has any letter of: its PDF would print as gaps. A few letters
    of another script (a Gothic word in an English text), letters missing from a script
    that prints (an astral ideograph in Chinese), symbols (emoji) are named in a warning."""
    from fontTools.unicodedata import script, script_name

    lacking = {script(ch) for ch in missing if unicodedata.category(ch).startswith("L")}
    lacking -= {script(ch) for ch in outside_main if fonts.font_for(ch) is not None} | {"Zyyy", "Zinh", "Zzzz"}
    if not lacking:
        return []
    letters = [ch for text in (article.title, *article.body_texts()) for ch in text if ch.isalpha()]
    counts: dict[str, int] = {}
    for ch in letters:
        if ch in outside_main:
            code = script(ch)
            counts[code] = counts.get(code, 0) + 1
    return [script_name(code) for code in sorted(lacking) if counts.get(code, 0) >= WRITTEN_IN_SHARE * len(letters)]


def missing_glyphs_message(missing: list[str]) -> str:
    """One line for every character no font of the chain has (an article in a script
    publish has no font for lacks hundreds: the first few are named, the rest counted).
    It says what the PDF does: such a character is neither drawn (PDF viewers draw no
    .notdef glyph; a gap stands in its place) nor in the text layer."""
    names = ", ".join(f"{ch} U+{ord(ch):04X}" for ch in missing[:MISSING_NAMED])
    more = f" and {len(missing) - MISSING_NAMED:,} more" if len(missing) > MISSING_NAMED else ""
    them = "it" if len(missing) == 1 else "them"
    return (
        f"{len(missing):,} character{'s' if len(missing) > 1 else ''} in no font of the PDF "
        f"({names}{more}): the PDF leaves {them} out"
    )


@dataclass(frozen=True)
class FontSet:
    """The registered body family plus per-character fallbacks."""

    family: str
    regular: str
    bold: str
    italic: str
    bolditalic: str
    main_coverage: frozenset[int]

    def covers(self, text: str) -> bool:
        """True when the main family has every character of `text` (the common case)."""
        return _lacking(self.main_coverage).search(text) is None

    def font_for(self, char: str) -> str | None:
        """Name of the font to set `char` in: "" for the main family, None if no font has it."""
        if ord(char) in self.main_coverage:
            return ""
        return _fallback_font(self.family, char)


@lru_cache(maxsize=8)
def _lacking(coverage: frozenset[int]) -> re.Pattern[str]:
    """A character class of everything a font lacks: one regex scan, in C, tells whether
    a text needs a fallback font."""
    codes = sorted(coverage | {ord(ch) for ch in _INVISIBLE})
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return re.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges) + "]")


@lru_cache(maxsize=4096)
def _fallback_font(main: str, char: str) -> str | None:
    """The first family of the declared chain that has `char` (registered as a family,
    so bold and italic text in it stays bold and italic), else None."""
    for name in fallback_families(main):
        family = find_family(name)
        if ord(char) in coverage(family.regular):
            return _register_family(family)
    return None


#: The font reportlab read from each file, so a file that serves several faces (the
#: upright italic of an upright family, every face of the CJK font: 3.4 MB) is read once.
_READ: dict[Path, TTFont] = {}


@lru_cache(maxsize=64)
def _register(path: Path, name: str) -> str:
    # Subsets hold only the glyphs used; reportlab's default also copies every ASCII
    # glyph into each subset (to keep content streams ASCII-readable), which triples the
    # work for a headline or byline face. Text is extracted through ToUnicode either way.
    font = _READ.get(path)
    if font is None:
        font = _READ[path] = TTFont(name, str(path), asciiReadable=False)
    else:  # another name for a face already read: reportlab maps it to that font
        font = copy.copy(font)
        font.fontName = name
    pdfmetrics.registerFont(font)
    return name


def _tag(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum())


@lru_cache(maxsize=8)
def font_set(name: str) -> FontSet:
    """Register the body family with reportlab once per process."""
    family = find_family(name)
    base = _register_family(family)
    return FontSet(family.name, base, f"{base}-bold", f"{base}-italic", f"{base}-bolditalic", coverage(family.regular))


#: Registered family name -> code points its regular face has.
_FAMILY_COVERAGE: dict[str, frozenset[int]] = {}


@lru_cache(maxsize=16)
def _register_family(family: FontFamily) -> str:
    """Register four faces and their family mapping; return the regular face's name."""
    base = "Publish-" + _tag(family.name)
    _FAMILY_COVERAGE[base] = coverage(family.regular)
    faces = {
        face: _register(getattr(family, face), base if face == "regular" else f"{base}-{face}")
        for face in ("regular", "bold", "italic", "bolditalic")
    }
    pdfmetrics.registerFontFamily(
        base, normal=faces["regular"], bold=faces["bold"], italic=faces["italic"], boldItalic=faces["bolditalic"]
    )
    return base


#: The face a run is set in, once it is also italic.
_ITALIC_OF = {"regular": "italic", "bold": "bolditalic", "italic": "italic", "bolditalic": "bolditalic"}
_BOLD_OF = {"regular": "bold", "bold": "bold", "italic": "bolditalic", "bolditalic": "bolditalic"}


def inline_markup(
    runs: tuple[Inline, ...], fonts: FontSet, editorial_colour: str, face: str = "regular", *, coloured: bool = False
) -> str:
    """reportlab paragraph markup for a run tree; all text escaped, fallback fonts marked.
    `face` is the face the surrounding text is set in (a headline is bold), so that a
    fallback font is asked for the same face. An insertion inside an insertion (`coloured`)
    opens no second colour and italic: deep nesting costs no markup to parse per piece."""
    parts: list[str] = []
    for run in runs:
        if isinstance(run, Text):
            parts.append(_with_fallbacks(run.text, fonts, face))
        elif isinstance(run, Editorial):
            inner = inline_markup(run.children, fonts, editorial_colour, _ITALIC_OF[face], coloured=True)
            parts.append(inner if coloured else f'<font color="{editorial_colour}"><i>{inner}</i></font>')
        elif isinstance(run, Emphasis):
            inner_face = _BOLD_OF[face] if run.strong else _ITALIC_OF[face]
            inner = inline_markup(run.children, fonts, editorial_colour, inner_face, coloured=coloured)
            parts.append(f"<b>{inner}</b>" if run.strong else f"<i>{inner}</i>")
        elif isinstance(run, Link):
            inner = inline_markup(run.children, fonts, editorial_colour, face, coloured=coloured)
            parts.append(f'<a href="{escape(run.href, _ATTRIBUTE)}">{inner}</a>')
        else:  # a quotation: its marks are in its text
            parts.append(inline_markup(run.children, fonts, editorial_colour, face, coloured=coloured))
    return "".join(parts)


#: Characters escaped in a markup attribute's value, beyond `&`, `<` and `>`.
_ATTRIBUTE = {'"': "&quot;"}


def _with_fallbacks(text: str, fonts: FontSet, face: str = "regular") -> str:
    """Escaped text; runs the body family lacks are set in the chain's family that has
    them, in the same face (reportlab's `<font face>` would otherwise drop bold and italic)."""
    if fonts.covers(text):
        return escape(text)
    out: list[str] = []
    current: str | None = ""
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            piece = escape("".join(chunk))
            name = current if face == "regular" else f"{current}-{face}"
            out.append(f'<font face="{name}">{piece}</font>' if current else piece)
            chunk.clear()

    for ch in text:
        # Stay in the current font while it has the character (spaces and punctuation
        # between Armenian words stay Armenian): one font switch per run, not per word.
        if ch in _INVISIBLE or (current and ord(ch) in _FAMILY_COVERAGE[current]):
            font = current
        else:
            font = fonts.font_for(ch)
            if font is None:
                continue  # no font has it: left out (`preflight` said so), never a .notdef glyph (PDF/A)
        if font != current:
            flush()
            current = font
        chunk.append(ch)
    flush()
    return "".join(out)


@lru_cache(maxsize=8)
def _palette(fonts: FontSet) -> shaping.Palette:
    """The families of shaped paragraphs: the body family, then the declared chain."""
    families = [find_family(name) for name in (fonts.family, *fallback_families(fonts.family))]
    return shaping.Palette(tuple((_register_family(family), family) for family in families))


def _text_width(text: str, fonts: FontSet, size: float, italic: bool = False) -> float:
    """Width of a line of furniture as `_draw_text` sets it, each run in the font of the
    chain that has it (a shaped line, as the body family measures it)."""
    if fonts.covers(text) or shaping.needs_shaping(text):
        return pdfmetrics.stringWidth(text, fonts.italic if italic else fonts.regular, size)  # type: ignore[no-any-return]
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in _font_runs(text, fonts, italic))


def _font_runs(text: str, fonts: FontSet, italic: bool = False) -> list[tuple[str, str]]:
    """`text` cut into runs of one font: the body family's face, or the face of the
    chain's family that has the run's characters."""
    main = fonts.italic if italic else fonts.regular
    runs: list[tuple[str, str]] = []
    for ch in text:
        fallback = fonts.font_for(ch)
        if fallback is None:
            continue  # in no font: left out, as in the text (`_with_fallbacks`)
        font = (f"{fallback}-italic" if italic else fallback) if fallback else main
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs
