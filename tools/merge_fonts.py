#!/usr/bin/env python3
"""Make publish's shipped font family, Publish Serif, from the upstream Noto fonts.

Publish Serif is Noto Serif with Noto Serif Armenian and Noto Serif Georgian merged in
(fontTools.merge), TrueType hinting removed (PDF viewers and printers rasterise at high
resolution and hint on their own), and renamed, as the SIL Open Font License asks of a
modified font. One font for every promised script means a line of Armenian or Georgian
text is one run of one font: reportlab lays out a paragraph in one font three times
faster than one that switches fonts at every punctuation mark.

The sources are the Noto fonts of the 2020-12-25 release as Debian packages them in
`fonts-noto-core` 20201225-1 (their SHA-256 below). Run once when the fonts change:

    apt-get download fonts-noto-core && dpkg-deb -x fonts-noto-core_*.deb noto
    python tools/merge_fonts.py noto/usr/share/fonts/truetype/noto publish/data/fonts

The output is byte-for-byte the same for the same sources and fontTools version.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools.merge import Merger, Options
from fontTools.ttLib import TTFont

#: upstream file -> SHA-256, so a different source is noticed, not merged.
SOURCES: dict[str, str] = {
    "NotoSerif-Regular.ttf": "9d7583b7dc9e812afd32a14280c5cac3160012efe50c8d08938f4fea266ff67f",
    "NotoSerif-Bold.ttf": "0af0ff2be8f84910fb21ec5fe1b6b7395e3073250502a334baf6ca2f860c88fe",
    "NotoSerif-Italic.ttf": "bc25600aa27cd409e1e5b3d86340df3a329bb860fcfbe57a03a95070b229e1b0",
    "NotoSerif-BoldItalic.ttf": "78a6d685e5690b7dcda0f336b689193afc03b6bab5cf18fc1a9ecc3aa0600059",
    "NotoSerifArmenian-Regular.ttf": "9b6f1837a89ede5f9404bb5975539dbac8eff23e262fc3e459cba029f30292f4",
    "NotoSerifArmenian-Bold.ttf": "fea8914af4f165301e619655e1e5fa447c65c08077010c8153bfe2d599d85bc1",
    "NotoSerifGeorgian-Regular.ttf": "4489ca2f28b4a79b16bc8ba6a857a8cd14857e04a14b8fa1031b7b84a00fe537",
    "NotoSerifGeorgian-Bold.ttf": "635bc1529b2ca28dfc694aa7cd1e9960c04fdfcde99ee5b7f7b34761d37259fe",
}
#: face -> (style name, the upstream files merged into it, the first giving Latin).
FACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Regular": ("Regular", ("NotoSerif-Regular", "NotoSerifArmenian-Regular", "NotoSerifGeorgian-Regular")),
    "Bold": ("Bold", ("NotoSerif-Bold", "NotoSerifArmenian-Bold", "NotoSerifGeorgian-Bold")),
    # Armenian and Georgian have no italic: their upright faces serve, as in every reader.
    "Italic": ("Italic", ("NotoSerif-Italic", "NotoSerifArmenian-Regular", "NotoSerifGeorgian-Regular")),
    "BoldItalic": ("Bold Italic", ("NotoSerif-BoldItalic", "NotoSerifArmenian-Bold", "NotoSerifGeorgian-Bold")),
}
FAMILY = "Publish Serif"
HINTING_TABLES = ["fpgm", "prep", "cvt ", "gasp", "hdmx", "LTSH", "VDMX", "DSIG"]


def merge_face(source: Path, face: str) -> TTFont:
    style, stems = FACES[face]
    files = []
    for stem in stems:
        path = source / f"{stem}.ttf"
        if hashlib.sha256(path.read_bytes()).hexdigest() != SOURCES[path.name]:
            raise SystemExit(f"{path}: not the expected upstream file (see SOURCES)")
        files.append(str(path))
    font = Merger(options=Options(drop_tables=HINTING_TABLES)).merge(files)
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyf[name].removeHinting()
    postscript = f"{FAMILY.replace(' ', '')}-{face}"
    names = font["name"]
    names.names = [record for record in names.names if record.nameID not in (1, 2, 3, 4, 6, 16, 17, 21, 22)]
    for name_id, value in (
        (1, FAMILY),
        (2, style),
        (3, f"publish:{postscript}"),
        (4, f"{FAMILY} {style}"),
        (6, postscript),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    names.setName(
        "Noto Serif with Noto Serif Armenian and Noto Serif Georgian merged, hinting removed, "
        "for publish (tools/merge_fonts.py)",
        10,
        3,
        1,
        0x409,
    )
    # The merger stamps head.created, and `save` head.modified, with the clock: keep
    # the Latin source's dates, so the same sources give the same bytes.
    font.recalcTimestamp = False
    latin_head = TTFont(files[0], lazy=True)["head"]
    font["head"].created, font["head"].modified = latin_head.created, latin_head.modified
    return font


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        font = merge_face(source, face)
        font.save(str(target / f"{FAMILY.replace(' ', '')}-{face}.ttf"), reorderTables=True)
    print(f"wrote {len(FACES)} faces of {FAMILY} into {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
