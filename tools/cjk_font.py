#!/usr/bin/env python3
"""Make publish's font for Chinese, Japanese and Korean, Publish Sans CJK, from Debian's
Droid Sans Fallback.

reportlab embeds only TrueType outlines (`glyf`), so the CFF-based Noto Sans CJK cannot
serve the PDF. Droid Sans Fallback 2.55b (Google, Apache License 2.0; Debian
`fonts-droid-fallback` 1:6.0.1r16-1.1) is TrueType and covers every Han character of
the Unified Ideographs block (GB 2312, GBK, Big5, JIS X 0208 and KS X 1001 all fall in
it: simplified and traditional Chinese, kanji, hanja), hiragana and katakana, all 11,172
hangul syllables, and CJK and full-width punctuation. The package has two files;
`DroidSansFallbackFull.ttf`, the one fontconfig sees, adds Extension A but lacks the
hangul syllables (Android set Korean in another font), so the other one,
`DroidSansFallback.ttf`, is the source.

It lacks one pair of marks the wires use: the single angle brackets 〈 〉 (U+3008,
U+3009: titles of articles and films in Korean and Chinese copy, nested in 《 》). They
are added, drawn from the font's own 《 》: each is one of their two chevrons, the one
where the font sets its corner brackets 「 」, with their advance. Nothing else changes
(no hinting to remove: its glyphs have none). A changed font is renamed, so that it is
never taken for Google's (Apache License 2.0, sections 4 and 6); its copyright,
trademark and licence entries are kept, and its version entry says what changed.

    apt-get download fonts-droid-fallback && dpkg-deb -x fonts-droid-fallback_*.deb droid
    python tools/cjk_font.py droid/usr/share/fonts-droid-fallback/truetype publish/data/fonts

Its licence ships beside it (`publish/data/fonts/Apache-2.0.txt`: Debian's
/usr/share/common-licenses/Apache-2.0, which the package's copyright file points to).
The output is byte-for-byte the same for the same source and fontTools version.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

SOURCE = "DroidSansFallback.ttf"
#: The upstream file's SHA-256, so a different source is noticed, not shipped.
SHA256 = "56d3edfb377a8bc3c4b77f4476405c770173c0e31221ad7c77d0a8e1f3039a3e"
TARGET = "PublishSansCJK.ttf"
FAMILY = "Publish Sans CJK"
#: added character -> (the double bracket it is drawn from, which of its two contours).
ADDED = {0x3008: (0x300A, 1), 0x3009: (0x300B, 0)}


def make(path: Path) -> TTFont:
    """The upstream font with 〈 〉 added and its names changed."""
    if hashlib.sha256(path.read_bytes()).hexdigest() != SHA256:
        raise SystemExit(f"{path}: not the expected upstream file (see SHA256)")
    font = TTFont(str(path), recalcTimestamp=False)
    cmap, glyf = font.getBestCmap(), font["glyf"]
    for code, (source, contour) in ADDED.items():
        if code in cmap:
            raise SystemExit(f"{path}: already has U+{code:04X}")
        recording = RecordingPen()
        glyf[cmap[source]].draw(recording, glyf)
        contours = _contours(recording.value)
        pen = TTGlyphPen(None)
        for operator, operands in contours[contour]:
            getattr(pen, operator)(*operands)
        name = f"uni{code:04X}"
        glyph = pen.glyph()
        glyph.recalcBounds(glyf)
        glyf[name] = glyph  # appended to the glyph order, which the font shares
        font["hmtx"][name] = (font["hmtx"][cmap[source]][0], glyph.xMin)
        font["vmtx"][name] = font["vmtx"][cmap[source]]
        for table in font["cmap"].tables:
            table.cmap[code] = name
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    names = font["name"]
    version = names.getDebugName(5)
    for name_id, value in (
        (1, FAMILY),
        (3, f"publish: {FAMILY}"),
        (4, FAMILY),
        (5, f"{version}; publish: made from Droid Sans Fallback, U+3008 and U+3009 added, renamed"),
        (6, FAMILY.replace(" ", "")),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    return font


def _contours(value: list[tuple[str, tuple]]) -> list[list[tuple[str, tuple]]]:
    """A recorded outline's drawing commands, one list per contour."""
    contours: list[list[tuple[str, tuple]]] = [[]]
    for operator, operands in value:
        contours[-1].append((operator, operands))
        if operator in ("closePath", "endPath"):
            contours.append([])
    return [contour for contour in contours if contour]


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    make(source / SOURCE).save(str(target / TARGET), reorderTables=True)
    print(f"wrote {target / TARGET}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
