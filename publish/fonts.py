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


def _shipped(name: str, stem: str, faces: tuple[str, ...]) -> FontFamily:
    """A shipped family; a face it does not have falls back to the nearest one it has."""
    files = {face: SHIPPED_DIR / f"{stem}-{face.title().replace('Bolditalic', 'BoldItalic')}.ttf"
             for face in faces}
    regular = files["regular"]
    bold = files.get("bold", regular)
    return FontFamily(name, regular, bold, files.get("italic", regular), files.get("bolditalic", bold))


#: The families that ship with publish (Noto, SIL Open Font License 1.1, 2020-12-25
#: release, files unmodified; licence in `publish/data/fonts/OFL.txt`). Noto Serif is a
#: sturdy text face with a large x-height and Latin, Cyrillic and Greek; its Armenian
#: and Georgian companions share its design, so mixed-script lines stay even.
SHIPPED_FAMILIES: dict[str, FontFamily] = {
    family.name.lower(): family for family in (
        _shipped("Noto Serif", "NotoSerif", FACES),
        _shipped("Noto Serif Armenian", "NotoSerifArmenian", ("regular", "bold")),
        _shipped("Noto Serif Georgian", "NotoSerifGeorgian", ("regular", "bold")),
    )
}
#: The body family of every default edition.
DEFAULT_FAMILY = "Noto Serif"
#: Families tried, in order, for a character the body family lacks. Together they
#: cover Latin (with Azerbaijani ə ğ ı ş), Cyrillic, Greek, Armenian, Georgian and the
#: currency signs of these wires (₼ ֏ € £ $ ₽ ₺ ₾).
FALLBACK_CHAIN: tuple[str, ...] = ("Noto Serif", "Noto Serif Armenian", "Noto Serif Georgian")

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
    return getattr(SHIPPED_FAMILIES[family.lower()], face)  # type: ignore[no-any-return]


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
            face = {"book": "regular", "roman": "regular", "oblique": "italic",
                    "boldoblique": "bolditalic"}.get(subfamily, subfamily)
            if family and face in FACES:
                families.setdefault(family.lower(), {}).setdefault(face, path)
    return families


def find_family(name: str) -> FontFamily:
    """A shipped family, a TrueType file given by path (used for every face), or a
    family the user named that is installed on this machine, in that order."""
    shipped = SHIPPED_FAMILIES.get(name.lower())
    if shipped is not None:
        return shipped
    path = Path(name)
    if path.suffix.lower() == ".ttf":
        if not path.is_file():
            raise OptionsError(f"font file {name!r} does not exist", hint="give the path to a .ttf file")
        return FontFamily(path.stem, path, path, path, path)
    faces = _installed(SYSTEM_FONT_DIRS).get(name.lower())
    if not faces or "regular" not in faces:
        raise OptionsError(f"font {name!r} is neither shipped with publish nor installed as TrueType",
                           hint=f"leave --font out to use {DEFAULT_FAMILY}, or give a .ttf file")
    regular = faces["regular"]
    return FontFamily(name, regular, faces.get("bold", regular), faces.get("italic", regular),
                      faces.get("bolditalic", faces.get("bold", regular)))


def fallback_families(main: str) -> tuple[str, ...]:
    """The declared fallback chain, without the body family itself."""
    return tuple(name for name in FALLBACK_CHAIN if name.lower() != main.lower())


@lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """Code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True, fontNumber=0).getBestCmap())


@lru_cache(maxsize=16)
def fonts_digest(main: str) -> str:
    """SHA-256 over every font file an edition set in `main` may use (the body family
    and the fallback chain): part of the rebuild key, so a changed font rebuilds."""
    digest = hashlib.sha256()
    families = [find_family(main), *(find_family(name) for name in fallback_families(main))]
    for family in families:
        for path in family.files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
