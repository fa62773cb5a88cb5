"""Typographic transforms: straight quotes to curly, `--` to an em dash, `...` to an ellipsis.

Why not smartypants: it treats the text as HTML (it skips `<script>`, `<pre>` and tag
contents) and rewrites backslash escapes, so it would change the words of an article
that merely mentions markup. These rules touch quote marks, double hyphens and triple
dots and nothing else. Text that is already curly passes through unchanged, so the
archival text edition re-parses to the same article.
"""

from __future__ import annotations

import re

_OPENING_CONTEXT = set("([{<\u2014\u2013-/\u2018\u201c\u00ab\u201e") | {" ", "\n"}
_YEAR_ABBREVIATION = re.compile(r"\d\d(?:s\b|\b)")
_EM_DASH = re.compile(r"(?<!-)--(?!-)")
_SPECIALS = re.compile(r"[\"']")


def smarten(text: str) -> str:
    """Return `text` with typewriter punctuation replaced by typographic punctuation."""
    text = text.replace("...", "\u2026")
    if "--" in text:
        text = _EM_DASH.sub("\u2014", text)
    if "\"" not in text and "'" not in text:
        return text
    return _SPECIALS.sub(lambda match: _curl(text, match.start()), text)


def _curl(text: str, index: int) -> str:
    mark = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    opens = before in _OPENING_CONTEXT or before.isspace()
    if mark == "\"":
        return "\u201c" if opens else "\u201d"
    if before.isalnum():
        return "\u2019"  # apostrophe in a word: haven't, Azerbaijan's
    if opens and _YEAR_ABBREVIATION.match(text, index + 1):
        return "\u2019"  # '90s, '23
    if opens and (after.isalnum() or after in "\"\u201c"):
        return "\u2018"
    return "\u2019"
