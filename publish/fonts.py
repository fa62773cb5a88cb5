"""Find TrueType font files on this system, by family and face.

fontconfig would answer this, but it is not a Python dependency; the font folders it
searches are few and fixed, so we look there ourselves and read names with fontTools.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from publish.errors import OptionsError

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
)
FACES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class FontFamily:
    """Four TrueType files that make one family."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bolditalic: Path


@lru_cache(maxsize=1)
def _installed() -> dict[str, dict[str, Path]]:
    """family name (lower case) -> face -> file, for every .ttf we can read."""
    from fontTools.ttLib import TTFont, TTLibError

    families: dict[str, dict[str, Path]] = {}
    for folder in FONT_DIRS:
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
    """A family by name, or a regular TrueType file given by path (used for every face)."""
    path = Path(name)
    if path.suffix.lower() == ".ttf" and path.is_file():
        return FontFamily(path.stem, path, path, path, path)
    faces = _installed().get(name.lower())
    if not faces or "regular" not in faces:
        raise OptionsError(f"font {name!r} is not installed as TrueType",
                           hint="give a family name such as 'DejaVu Serif' or a path to a .ttf file")
    regular = faces["regular"]
    return FontFamily(name, regular, faces.get("bold", regular), faces.get("italic", regular),
                      faces.get("bolditalic", faces.get("bold", regular)))


#: Families tried, in order, for characters the main font lacks; then every other installed one.
PREFERRED_FALLBACKS: tuple[str, ...] = ("DejaVu Sans", "DejaVu Sans Mono", "Noto Sans", "FreeSerif",
                                        "FreeSans", "Noto Sans Armenian", "Noto Sans Georgian")


def fallback_families(main: str) -> list[str]:
    """Installed family names to try after `main`, preferred ones first."""
    installed = _installed()
    names = [name for name in PREFERRED_FALLBACKS if name.lower() in installed]
    names += sorted(name for name in installed if name not in {n.lower() for n in names})
    return [name for name in names if name.lower() != main.lower()]


@lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """Code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True, fontNumber=0).getBestCmap())
