#!/usr/bin/env python3
"""Make publish's shipped fonts for Arabic, Persian, Hebrew and Hindi from upstream Noto.

Publish Serif (tools/merge_fonts.py) covers the left-to-right alphabets. The scripts
that need shaping (joining Arabic, Hebrew, Devanagari conjuncts and matras) ship as
their own families, because merging them into Publish Serif would change every Latin
PDF's embedded font: Noto Naskh Arabic (Arabic and Persian, with Persian digits and
letters), Noto Serif Hebrew and Noto Serif Devanagari, each in regular and bold, as
static TrueType from the same Noto release as Publish Serif (2020-12-25, Debian
`fonts-noto-core` 20201225-1), with TrueType hinting removed and nothing else changed
(no Reserved Font Name, so they keep their names; SIL Open Font License 1.1).

    apt-get download fonts-noto-core && dpkg-deb -x fonts-noto-core_*.deb noto
    python tools/script_fonts.py noto/usr/share/fonts/truetype/noto publish/data/fonts

The output is byte-for-byte the same for the same sources and fontTools version.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

#: upstream file -> SHA-256, so a different source is noticed, not shipped.
SOURCES: dict[str, str] = {
    "NotoNaskhArabic-Regular.ttf": "8c67eaa2f0086872628fc3f7f760386f83c8be5c5e9a1ba3a38891237b2ac7cb",
    "NotoNaskhArabic-Bold.ttf": "b5cbcb561b4b540ff11d7b6934577dbbbbb9e1d152d47f6f31f19176d58ff39c",
    "NotoSerifHebrew-Regular.ttf": "789b7e7e3ff4d95a5e105872a385db12c50c08b60ad5b773d25a3bec86621abf",
    "NotoSerifHebrew-Bold.ttf": "95150a28d438cba6c79393ef18ad06f39a8b53a7d457e61d8c9d585176ef36da",
    "NotoSerifDevanagari-Regular.ttf": "662c3cd6e17dd0561f53fe28ce6c32d7d64e650119f4bb0428fc50206bbc46fe",
    "NotoSerifDevanagari-Bold.ttf": "42a0d0664b51212894c8bb226ad8947c194f1ab1903555a41979877d3b9267be",
}
HINTING_TABLES = ("fpgm", "prep", "cvt ", "gasp", "hdmx", "LTSH", "VDMX", "DSIG")


def dehint(path: Path) -> TTFont:
    """The upstream font less its TrueType hinting, its dates kept."""
    if hashlib.sha256(path.read_bytes()).hexdigest() != SOURCES[path.name]:
        raise SystemExit(f"{path}: not the expected upstream file (see SOURCES)")
    font = TTFont(str(path))
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyf[name].removeHinting()
    font.recalcTimestamp = False
    return font


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        dehint(source / name).save(str(target / name), reorderTables=True)
    print(f"wrote {len(SOURCES)} fonts into {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
