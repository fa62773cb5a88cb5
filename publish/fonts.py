"""The fonts editions are set in: shipped with publish, never taken from the machine.

Every default edition uses only the font files in `publish/data/fonts/` (package data,
with their licence), so the same article gives the same PDF bytes on a bare container,
a laptop with dozens of font families, macOS or Windows. A system font is read only
when the user names one (`--font NAME|FILE.ttf` or the style file); then its files
are part of the rebuild key like any other input.

Characters the body family lacks are set in the next family of one fixed, declared
chain (`FALLBACK_CHAIN`); a character no family in it has is reported, never looked
for among whatever else happens to be installed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from publish.errors import OptionsError

#: Where the shipped font files live (package data).
SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "fonts"
FACES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class FontFamily:
    """Four TrueType files that make one family (a face it lacks reuses another file)."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bolditalic: Path

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys((self.regular, self.bold, self.italic, self.bolditalic)))


def _shipped(name: str, stem: str) -> FontFamily:
    faces = {face: SHIPPED_DIR / f"{stem}-{face.title().replace('Bolditalic', 'BoldItalic')}.ttf" for face in FACES}
    return FontFamily(name, faces["regular"], faces["bold"], faces["italic"], faces["bolditalic"])


#: The body family of every default edition: Publish Serif, which is Noto Serif with
#: Noto Serif Armenian and Noto Serif Georgian merged in (SIL Open Font License 1.1;
#: sources, versions and how it is made: `tools/merge_fonts.py`, licence in
#: `publish/data/fonts/OFL.txt`). Noto Serif is a sturdy text face with a large
#: x-height, made to harmonise across scripts; one font for every promised script keeps
#: a line of Armenian or Georgian a single run, which reportlab sets three times faster
#: than one that switches fonts at each punctuation mark.
DEFAULT_FAMILY = "Publish Serif"


def _shipped_upright(name: str, stem: str) -> FontFamily:
    """A shipped family with no italic: its upright faces serve (as in every reader)."""
    regular, bold = SHIPPED_DIR / f"{stem}-Regular.ttf", SHIPPED_DIR / f"{stem}-Bold.ttf"
    return FontFamily(name, regular, bold, regular, bold)


#: The families of the scripts that are shaped and may run right to left (Arabic and
#: Persian, Hebrew, Devanagari): Noto, static, hinting removed (`tools/script_fonts.py`,
#: OFL). Kept apart from Publish Serif so a Latin PDF's embedded font never changes.
SCRIPT_FAMILIES: dict[str, FontFamily] = {
    family.name.lower(): family
    for family in (
        _shipped_upright("Noto Naskh Arabic", "NotoNaskhArabic"),
        _shipped_upright("Noto Serif Hebrew", "NotoSerifHebrew"),
        _shipped_upright("Noto Serif Devanagari", "NotoSerifDevanagari"),
    )
}
#: Chinese, Japanese and Korean: Publish Sans CJK, which is Droid Sans Fallback (Apache
#: License 2.0) with the angle brackets 〈 〉 it lacks drawn from its own 《 》 and renamed
#: (`tools/cjk_font.py`). One TrueType file with every Han character of the Unified
#: Ideographs block (simplified and traditional Chinese, kanji, hanja), kana, all hangul
#: syllables and CJK punctuation; reportlab cannot embed the CFF outlines of Noto Sans
#: and Serif CJK. One weight, upright: it serves every face (a headline in it is set
#: large, not bold). Last in the chain, so no other PDF changes.
_CJK_FILE = SHIPPED_DIR / "PublishSansCJK.ttf"
CJK_FAMILY = FontFamily("Publish Sans CJK", _CJK_FILE, _CJK_FILE, _CJK_FILE, _CJK_FILE)
SHIPPED_FAMILIES: dict[str, FontFamily] = {
    DEFAULT_FAMILY.lower(): _shipped(DEFAULT_FAMILY, "PublishSerif"),
    **SCRIPT_FAMILIES,
    CJK_FAMILY.name.lower(): CJK_FAMILY,
}
#: Names a user may give for the shipped families they are made from (Publish Serif is
#: these Noto families, merged; Publish Sans CJK is Droid Sans Fallback).
SHIPPED_ALIASES: dict[str, str] = {
    "noto serif": DEFAULT_FAMILY,
    "noto serif armenian": DEFAULT_FAMILY,
    "noto serif georgian": DEFAULT_FAMILY,
    "droid sans fallback": CJK_FAMILY.name,
}
#: Families tried, in order, for a character the body family lacks (a family the user
#: names may lack Armenian, say). Publish Serif covers Latin (with Azerbaijani ə ğ ı ş),
#: Cyrillic, Greek, Armenian, Georgian and the currency signs of these wires
#: (₼ ֏ € £ $ ₽ ₺ ₾); nothing outside this chain is ever consulted.
#: Arabic, Persian, Hebrew and Devanagari follow in their own families (set by
#: `publish.render.shaping`, which shapes and reorders them), then Chinese, Japanese
#: and Korean.
FALLBACK_CHAIN: tuple[str, ...] = (
    DEFAULT_FAMILY,
    *(family.name for family in SCRIPT_FAMILIES.values()),
    CJK_FAMILY.name,
)

#: Searched only for a family the user names that publish does not ship.
SYSTEM_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
)


def shipped_font(family: str = DEFAULT_FAMILY, face: str = "regular") -> Path:
    """The file of a shipped family's face (for editions that draw text themselves)."""
    return getattr(_shipped_family(family), face)  # type: ignore[no-any-return]


def _shipped_family(name: str) -> FontFamily | None:
    key = name.lower()
    return SHIPPED_FAMILIES.get(SHIPPED_ALIASES.get(key, key).lower())


@lru_cache(maxsize=4)
def _installed(folders: tuple[Path, ...]) -> dict[str, dict[str, Path]]:
    """family name (lower case) -> face -> file, for every .ttf in `folders`."""
    from fontTools.ttLib import TTFont, TTLibError

    families: dict[str, dict[str, Path]] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.[tT][tT][fF]")):
            try:
                names = TTFont(path, lazy=True, fontNumber=0)["name"]
            except (TTLibError, OSError, KeyError):
                continue
            family = names.getBestFamilyName()
            subfamily = (names.getBestSubFamilyName() or "regular").lower().replace(" ", "")
            face = {"book": "regular", "roman": "regular", "oblique": "italic", "boldoblique": "bolditalic"}.get(
                subfamily, subfamily
            )
            if family and face in FACES:
                families.setdefault(family.lower(), {}).setdefault(face, path)
    return families


def find_family(name: str) -> FontFamily:
    """A shipped family, a TrueType file given by path (used for every face), or a
    family the user named that is installed on this machine, in that order."""
    shipped = _shipped_family(name)
    if shipped is not None:
        return shipped
    path = Path(name)
    if path.suffix.lower() == ".ttf":
        if not path.is_file():
            raise OptionsError(f"font file {name!r} does not exist", hint="give the path to a .ttf file")
        _check_truetype(path)
        return FontFamily(path.stem, path, path, path, path)
    faces = _installed(SYSTEM_FONT_DIRS).get(name.lower())
    if not faces or "regular" not in faces:
        raise OptionsError(
            f"font {name!r} is neither shipped with publish nor installed as TrueType",
            hint=f"leave --font out to use {DEFAULT_FAMILY}, or give a .ttf file",
        )
    regular = faces["regular"]
    return FontFamily(
        name,
        regular,
        faces.get("bold", regular),
        faces.get("italic", regular),
        faces.get("bolditalic", faces.get("bold", regular)),
    )


def _check_truetype(path: Path) -> None:
    """Refuse a file that is not a TrueType font the PDF can embed (glyf outlines and a
    Unicode cmap), naming it, before any article is rendered with it."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, lazy=True, fontNumber=0)
        usable = "glyf" in font and bool(font.getBestCmap())
    except Exception as error:  # noqa: BLE001 - fontTools raises many kinds for a damaged file
        raise OptionsError(
            f"not a usable TrueType font ({type(error).__name__}: {error})",
            path=str(path),
            hint="give --font a .ttf file with TrueType outlines",
        ) from None
    if not usable:
        raise OptionsError(
            "not a TrueType font with TrueType outlines and a Unicode character map",
            path=str(path),
            hint="give --font a .ttf file with TrueType outlines",
        ) from None


def fallback_families(main: str) -> tuple[str, ...]:
    """The declared fallback chain, without the body family itself."""
    return tuple(name for name in FALLBACK_CHAIN if name.lower() != main.lower())


@lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """Code points a font file has glyphs for. Glyphs are numbered, not named: a font
    without glyph names (the CJK face's `post` table) would have fontTools derive 49,775
    of them from its character map first, a quarter of a second."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=0)
    font.setGlyphOrder([f"glyph{index}" for index in range(font["maxp"].numGlyphs)])
    return frozenset(font.getBestCmap())


def fonts_digest(main: str) -> str:
    """SHA-256 over every font file an edition set in `main` may use (the body family
    and the fallback chain): part of the rebuild key, so a changed font rebuilds."""
    digest = hashlib.sha256()
    families = [find_family(main), *(find_family(name) for name in fallback_families(main))]
    for path in dict.fromkeys(path for family in families for path in family.files):
        stat = path.stat()
        digest.update(path.name.encode() + b"\0" + _file_digest(path, stat.st_size, stat.st_mtime_ns).encode())
    return digest.hexdigest()


@lru_cache(maxsize=64)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    """A font file's SHA-256, read again only when its size or time changes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
