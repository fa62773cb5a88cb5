"""The archival plain-text edition.

Its layout is a format, not a theme: a `Key: Value` header (long values folded onto
indented lines), a blank line, then paragraphs wrapped by display width and split by
one blank line. `publish.parse` reads it back to the same article, which is what makes
this file a master copy rather than a printout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii
from wcwidth import wcswidth, wcwidth

from publish.model import DERIVABLE_FIELDS, Article, Collection, make_slug
from publish.options import RenderOptions


def render_text(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """UTF-8 without BOM, NFC, LF line ends, one final newline."""
    return _render(article, options.width, lambda text: text).encode("utf-8")


def render_ascii(article: Article, options: RenderOptions = RenderOptions()) -> bytes:
    """A 7-bit transliteration (anyascii) for legacy systems; a companion, not a master."""
    return _render(article, options.width, anyascii).encode("ascii", "replace")


def render_collection_text(collection: Collection, options: RenderOptions = RenderOptions()) -> bytes:
    """A digest: its own header, a numbered contents list, then each article as a complete
    text edition of its own, between rules (so each can be cut out and parsed alone)."""
    width = options.width
    lines: list[str] = []
    fields = [
        ("Title", collection.title),
        ("Date", collection.date_iso),
        ("Language", collection.language),
        ("Articles", str(len(collection.articles))),
        ("Words", str(collection.words)),
        ("Identifier", collection.identifier),
    ]
    for key, value in fields:
        if value:
            lines.extend(wrap(value, width, first_prefix=f"{key}: ", next_prefix="  "))
    lines += ["", "Contents", ""]
    for number, article in enumerate(collection.articles, start=1):
        lines.extend(wrap(article.title, width, first_prefix=f"{number:>4}. ", next_prefix="      "))
    for article in collection.articles:
        lines += ["", "=" * min(width, 72), ""]
        lines.append(_render(article, width, lambda text: text).rstrip("\n"))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _render(article: Article, width: int, transform: Callable[[str], str]) -> str:
    lines: list[str] = []
    for key, value in header_fields(article):
        lines.extend(header_lines(key, _transformed(value, transform), width))
    for text in article.body_texts():
        lines.append("")
        lines.extend(wrap(_transformed(text, transform), width))
    return "\n".join(lines) + "\n"


def _transformed(text: str, transform: Callable[[str], str]) -> str:
    """`text` through `transform`; what transliterates to nothing (private-use characters,
    an emoji anyascii has no name for) becomes "?", as an unencodable character does, so
    no line ends in a space and no paragraph is an empty line."""
    result = transform(text)
    if result is text:
        return result
    return " ".join(result.split()) or "?"


def header_lines(key: str, value: str, width: int) -> list[str]:
    """`Key: value`, folded onto lines indented by two spaces; a single long word (a hash, a
    path) that would overrun the first line stands alone on the next one."""
    lines = wrap(value, width, first_prefix=f"{key}: ", next_prefix="  ")
    if display_width(lines[0]) > width and " " not in value:
        return [f"{key}:", f"  {value}"]
    return lines


def header_fields(article: Article) -> list[tuple[str, str]]:
    """The self-description an archivist reads first; absent values are left out. After the
    Identifier: which fields publish derived or guessed, then where the bytes came from
    (`publish.model.PROVENANCE_FIELDS`). `publish.parse` reads them all back."""
    derived = ", ".join(name for name in DERIVABLE_FIELDS if name in article.derived)
    fields = [
        ("Title", article.title),
        ("Date", article.date_iso),
        ("Dateline", article.dateline.text if article.dateline else None),
        ("Author", article.author),
        ("Source", article.source),
        ("Language", article.language),
        ("Words", str(len(article.words))),
        ("Slug", None if article.slug == make_slug(article.title, article.date) else article.slug),
        ("Identifier", article.identifier),
        ("Derived", derived),
        *(article.provenance.fields() if article.provenance else ()),
    ]
    return [(key, value) for key, value in fields if value]


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Columns a terminal gives `text` (East Asian wide characters count two). Cached:
    natural text repeats its words, and wcswidth is the text edition's hot spot."""
    if text.isascii():
        return len(text)
    width = wcswidth(text)
    return width if width >= 0 else len(text)


#: Whitespace other than the space character.
_OTHER_SPACE = re.compile(r"[^\S ]")


@lru_cache(maxsize=4096)
def _one_column(char: str) -> bool:
    return char.isascii() or wcwidth(char) == 1


def wrap(text: str, width: int, first_prefix: str = "", next_prefix: str = "") -> list[str]:
    """Greedy fill by display width. Words are never broken, so a single word wider than
    the column (a long URL) stands alone on an over-long line rather than being split."""
    # Most paragraphs (Latin, Cyrillic, Armenian, Georgian...) have one column per
    # character: then a line is found by searching for the last space that fits.
    if (
        "  " not in text
        and len(text.strip()) == len(text)
        and _OTHER_SPACE.search(text) is None
        and all(map(_one_column, set(text)))
    ):
        return _wrap_one_column(text, width, first_prefix, next_prefix)
    lines: list[str] = []
    line: list[str] = []
    prefix = first_prefix
    used = display_width(prefix)
    for word in text.split():
        word_width = display_width(word)
        if line and used + 1 + word_width > width:
            lines.append(prefix + " ".join(line))
            prefix, line = next_prefix, []
            used = display_width(prefix)
        used += word_width + 1 if line else word_width
        line.append(word)
    lines.append(prefix + " ".join(line))
    return lines


def _wrap_one_column(text: str, width: int, first_prefix: str, next_prefix: str) -> list[str]:
    """`wrap` for text whose words are split by single spaces and whose characters
    each take one column: the same lines, found a line (not a word) at a time."""
    lines: list[str] = []
    prefix, start = first_prefix, 0
    room = width - display_width(prefix)
    while len(text) - start > room:
        cut = text.rfind(" ", start, start + max(room, 0) + 1)
        if cut < 0:  # a word longer than the line stands alone
            cut = text.find(" ", start)
            if cut < 0:
                break
        lines.append(prefix + text[start:cut])
        prefix, start = next_prefix, cut + 1
        room = width - display_width(prefix)
    lines.append(prefix + text[start:])
    return lines
