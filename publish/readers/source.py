"""Source bytes -> clean text.

Wire copy arrives in many encodings and with invisible debris. This stage turns bytes
into NFC text with LF line ends and nothing that could break XML, PDF or a text
viewer, and reports every guess and every removal as a warning: nothing is "fixed"
silently. It removes only what cannot be content (controls, byte order marks, stray
zero-width and direction characters); the no-break spaces are content and stay.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from publish.errors import InputError
from publish.language.scripts import SPELLING_JOINER

#: Legacy encodings we are willing to guess, in order of preference on a tie.
#: cp1252 is a superset of Latin-1 for printable text; cp1251 covers Russian wires,
#: cp1256 Arabic and Persian, cp1255 Hebrew.
LEGACY_ENCODINGS: tuple[str, ...] = ("cp1252", "cp1251", "cp1256", "cp1255")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: File signatures ("magic numbers") of formats that are not text, checked before decoding.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or EPUB/DOCX/ODT)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF file (WebP, WAV or AVI)"),
    (b"OggS", "an Ogg audio or video file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"(\xb5/\xfd", "a Zstandard archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (DOC/XLS)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O executable"),
    (b"\x00asm", "a WebAssembly module"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"\x00\x01\x00\x00\x00", "a TrueType font"),
)
#: Control bytes a text file does not contain (tab, LF, VT, FF, CR and ESC are allowed).
_NON_TEXT_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
#: A file where more than this share of the bytes are such control bytes is binary, not text
#: with stray NULs (binary formats run at 20-60%; fixed-width exports with NUL padding below).
BINARY_SHARE = 0.10
#: Unicode categories that decoded text does not have in quantity: controls, unassigned, private use.
_NOT_TEXT = frozenset({"Cc", "Cn", "Co", "Cs"})
#: ASCII-range text in UTF-16 or UTF-32 without a byte order mark shows itself by where its
#: NUL bytes fall: (encoding, unit size, positions in each unit that are NUL for ASCII).
_NUL_PATTERNS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("utf-32-le", 4, (1, 2, 3)),
    ("utf-32-be", 4, (0, 1, 2)),
    ("utf-16-le", 2, (1,)),
    ("utf-16-be", 2, (0,)),
)

#: Joiners: removed too, except between two letters of the scripts whose spelling needs
#: them (Persian می‌خواهم, Devanagari half forms): `SPELLING_JOINER`.
_JOINERS = r"\u200c\u200d"
#: Characters removed by hygiene, by the name used in the warning: (name, the characters as
#: a regular expression class's contents, and a condition before them, if any).
_REMOVED_CHARACTERS: tuple[tuple[str, str, str], ...] = (
    ("control character", r"\x00-\x08\x0b-\x1f\x7f-\x9f", ""),
    ("lone surrogate", r"\ud800-\udfff", ""),
    ("zero-width character", r"\u200b\u2060\ufeff\u180e", ""),
    ("zero-width character", _JOINERS, "(?!" + SPELLING_JOINER.pattern + ")"),
    ("bidirectional control", r"\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c", ""),
    ("noncharacter", r"\ufdd0-\ufdef\ufffe\uffff", ""),
)
#: The same, one pattern a name.
_REMOVE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile("|".join(f"{before}[{chars}]" for same, chars, before in _REMOVED_CHARACTERS if same == name)))
    for name in dict.fromkeys(name for name, _, _ in _REMOVED_CHARACTERS)
)
#: Spaces that are layout, not content: each becomes a plain space. (The no-break spaces,
#: U+00A0, U+202F and U+2007, are content: French `:` and `»`, `12 000`, are kept; so is
#: the ideographic space U+3000, which Chinese and Japanese set between phrases.)
_ODD_SPACE_CHARACTERS = r"\t\v\f\u1680\u2000-\u2006\u2008-\u200a\u205f"
_ODD_SPACES = re.compile(f"[{_ODD_SPACE_CHARACTERS}]")
#: Unicode's own line and paragraph separators: a line break and a blank line.
_SEPARATOR_CHARACTERS = r"\u2028\u2029"
_SEPARATORS = re.compile(f"[{_SEPARATOR_CHARACTERS}]")
#: Any character `clean_text` might touch (a joiner, even one that stays), as one class:
#: one quick scan finds that a clean text has none (an alternation tried each pattern at
#: every position, a millisecond an article).
_ANY_UNCLEAN = re.compile(
    "[" + _ODD_SPACE_CHARACTERS + _SEPARATOR_CHARACTERS + "".join(chars for _, chars, _ in _REMOVED_CHARACTERS) + "]"
)
_MIXED_SCRIPT_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04ff])\w+\b")


@dataclass(frozen=True)
class SourceText:
    """Decoded, cleaned text plus what was guessed or removed on the way."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    #: How the encoding was settled: one of `publish.model.ENCODING_HOW`.
    how: str = "detected"


def read_source(data: bytes, path: str | None = None, encoding: str | None = None) -> SourceText:
    """Decode and clean one article's bytes; raise `InputError` when they are not text."""
    text, used, how, warnings = _decode(data, path, encoding)
    text, cleaned = clean_text(text)
    return SourceText(text=text, encoding=used, warnings=tuple(warnings + cleaned), how=how)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, path: str | None, encoding: str | None) -> tuple[str, str, str, list[str]]:
    """(text, codec, how it was settled, warnings)."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {encoding!r}",
                path=path,
                hint="use a Python codec name such as utf-8, cp1252 or cp1251",
            ) from None
        return _strict(data, encoding, path), encoding, "declared", []

    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], name, path, skipped=len(bom)), name, "byte order mark", []

    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this is {what} (by its signature), not a text article", path=path, line=1)
    if b"\x00" in data and _control_bytes(data) > BINARY_SHARE * len(data):
        # Too many NULs to be stray ones: UTF-16/32 text without a byte order mark, or binary.
        unmarked = _unmarked_unicode(data)
        if unmarked is not None:
            text, name = unmarked
            warning = (
                f"no byte order mark: decoded as {name}, recognised by its pattern of NUL bytes "
                f"(name the encoding with --encoding if the letters are wrong)"
            )
            return text, name, "detected", [warning]
    _refuse_binary(data, path)

    try:
        return data.decode("utf-8"), "utf-8", "detected", []
    except UnicodeDecodeError as error:
        bad = error.start

    guessed = _guess_legacy(data)
    if guessed is None:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}) and no legacy encoding fits",
            path=path,
            line=_line_of(data, bad),
            hint="convert the file to UTF-8 or name its encoding with --encoding",
        )
    text, name = guessed
    warning = (
        f"not valid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}, line "
        f"{_line_of(data, bad)}); decoded as {name}, a guess by charset-normalizer: "
        f"check the letters, or name the encoding with --encoding"
    )
    return text, name, "guessed", [warning]


def _unmarked_unicode(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 without a byte order mark: ASCII characters (spaces, digits and
    punctuation at least, in any script) put their NUL bytes always at the same places in
    each code unit, and never elsewhere. The first pattern that fits and decodes wins."""
    for name, size, zero_at in _NUL_PATTERNS:
        if len(data) % size or len(data) < 2 * size:
            continue
        units = len(data) // size
        zeros = [data[position::size].count(0) for position in range(size)]
        if any(zeros[position] > units // 100 for position in range(size) if position not in zero_at):
            continue  # NULs where ASCII text has none
        if min(zeros[position] for position in zero_at) * 10 < units:
            continue  # under a tenth of the characters look like ASCII
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        odd = sum(1 for char in text if char not in "\t\n\r\f\v" and unicodedata.category(char) in _NOT_TEXT)
        if odd <= BINARY_SHARE * len(text):
            return text, name
    return None


def _control_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, _NON_TEXT_BYTES))


def _refuse_binary(data: bytes, path: str | None) -> None:
    """Refuse data where control bytes are too common to be stray (NULs and all)."""
    control = _control_bytes(data)
    if control > BINARY_SHARE * len(data):
        first = next(index for index, byte in enumerate(data) if byte in _NON_TEXT_BYTES)
        raise InputError(
            f"binary data: {control:,} of {len(data):,} bytes ({control / len(data):.0%}) are control bytes "
            f"(the first, 0x{data[first]:02x}, at byte offset {first}); text has at most a few stray ones",
            path=path,
            line=_line_of(data, first),
            hint="articles must be plain text",
        )


def _strict(data: bytes, encoding: str, path: str | None, skipped: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        offset = error.start + skipped
        raise InputError(
            f"cannot decode as {encoding} at byte offset {offset}: {error.reason}",
            path=path,
            line=_line_of(data, error.start),
            hint="fix the file or name its real encoding with --encoding",
        ) from None


def _guess_legacy(data: bytes) -> tuple[str, str] | None:
    """Pick the least chaotic legacy decoding; on a tie, the one that mixes scripts least."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    tied = [m for m in matches if m.chaos <= best_chaos + 0.01]

    def rank(match: object) -> tuple[int, float, int]:
        text = str(match)
        name = codecs.lookup(match.encoding).name  # type: ignore[attr-defined]
        order = [codecs.lookup(e).name for e in LEGACY_ENCODINGS]
        # Then the more coherent language: Hebrew read as cp1251 is as tidy as Russian
        # gibberish, but no language's letter frequencies fit it.
        return (
            len(_MIXED_SCRIPT_WORD.findall(text)),
            -round(match.coherence, 2),  # type: ignore[attr-defined]
            order.index(name) if name in order else 99,
        )

    chosen = min(tied, key=rank)
    return str(chosen), codecs.lookup(chosen.encoding).name


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise line ends, spaces and Unicode form; remove what no edition may carry."""
    warnings: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ANY_UNCLEAN.search(text) is None:
        return unicodedata.normalize("NFC", text), warnings
    odd = _ODD_SPACES.findall(text)
    if odd:
        text = _ODD_SPACES.sub(" ", text)
        warnings.append("replaced " + _describe(odd) + " with plain spaces")
    separators = _SEPARATORS.findall(text)
    if separators:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
        warnings.append("replaced " + _describe(separators) + " with line breaks")
    removed: list[str] = []
    for name, pattern in _REMOVE:
        found = pattern.findall(text)
        if found:
            text = pattern.sub("", text)
            removed.append(f"{len(found)} {name}{'s' if len(found) > 1 else ''} ({_codepoints(found)})")
    if removed:
        warnings.append("removed " + ", ".join(removed))
    return unicodedata.normalize("NFC", text), warnings


def _codepoints(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(set(chars)))


_CONTROL_NAMES = {"\t": "tab", "\v": "vertical tab", "\f": "form feed"}


def _describe(chars: list[str]) -> str:
    counts = Counter(chars)
    return ", ".join(
        f"{n} × U+{ord(c):04X} {_CONTROL_NAMES.get(c) or unicodedata.name(c, 'space').lower()}"
        for c, n in sorted(counts.items())
    )
