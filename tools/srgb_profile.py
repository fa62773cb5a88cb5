#!/usr/bin/env python3
"""Make `publish/data/sRGB.icc`, the output intent of every PDF publish writes (PDF/A-2).

It is Little CMS's built-in sRGB profile (ICC v4, 588 bytes; its copyright tag reads "No
copyright, use freely"), as Pillow's `ImageCms.createProfile("sRGB")` makes it, with the
one field that would change from run to run, the creation date lcms stamps from the
clock, fixed at 2026-01-01 00:00:00. The file is committed and its SHA-256 pinned in
tests/test_pdf_conformance.py; run this only to make it again on purpose:

    python tools/srgb_profile.py        # writes publish/data/sRGB.icc
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from PIL import ImageCms

OUT = Path(__file__).resolve().parent.parent / "publish" / "data" / "sRGB.icc"
#: ICC header bytes 24-35: the creation date and time (year, month, day, hours, minutes, seconds).
DATE = struct.pack(">6H", 2026, 1, 1, 0, 0, 0)


def profile() -> bytes:
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = DATE
    # The profile ID (bytes 84-99) is the MD5 of the profile with its flags, rendering
    # intent and ID zeroed (ICC.1:2010, 7.2.18); lcms leaves it zero, which is allowed too.
    data[84:100] = bytes(16)
    return bytes(data)


if __name__ == "__main__":
    data = profile()
    OUT.write_bytes(data)
    print(f"{OUT}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
