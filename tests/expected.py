"""The expected editions of the test corpus, kept in `tests/expected/`.

With the locked dependencies (`requirements/test.txt`), every edition of every corpus
article is the same on any machine. The text editions are kept whole, so a change reads
word by word in `git diff`; the EPUB, PDF and ninjs editions by a digest of their
content: a ZIP's entries and a PDF's objects with their streams decoded, so that a
machine whose zlib compresses differently (zlib-ng) still compares what was written.

    python tests/expected.py --write    # after a deliberate change, or from tools/lock.py
"""

from __future__ import annotations

import hashlib
import io
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXPECTED = HERE / "expected"
DIGESTS = EXPECTED / "DIGESTS"
#: Every article the corpus has in each script and input format, relative to ROOT (as a
#: user names them: the text edition records the path it was given).
INPUTS: tuple[Path, ...] = tuple(
    path.relative_to(ROOT)
    for path in (
        ROOT / "seeds" / "000_264bae632806d3a8.txt",
        *sorted((HERE / "corpus").glob("*.txt")),
        *sorted((HERE / "corpus" / "structure").glob("*.txt")),
        *sorted((HERE / "corpus" / "ninjs").glob("*.json")),
    )
)
FORMATS = ("epub", "pdf", "txt", "ninjs")


def content_digest(path: Path) -> str:
    """SHA-256 of what an edition says, independent of how its streams were compressed."""
    data = path.read_bytes()
    digest = hashlib.sha256()
    if path.suffix == ".epub":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                header = (info.filename, info.date_time, info.compress_type, info.external_attr, info.create_system)
                digest.update(repr(header).encode() + archive.read(info))
    elif path.suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.generic import IndirectObject, NameObject, StreamObject

        reader = PdfReader(io.BytesIO(data))
        for generation, numbers in sorted(reader.xref.items()):
            for number in sorted(numbers):
                value = reader.get_object(IndirectObject(number, generation, reader))
                if isinstance(value, StreamObject):
                    digest.update(value.get_data())
                    value = {key: item for key, item in value.items() if key not in ("/Length", "/Filter")}
                    value = type(reader.trailer)({NameObject(key): item for key, item in value.items()})
                buffer = io.BytesIO()
                value.write_to_stream(buffer)
                digest.update(f"{number} {generation} obj ".encode() + buffer.getvalue())
    else:
        digest.update(data)
    return digest.hexdigest()


def build_corpus(out: Path) -> list[Path]:
    """Every edition of INPUTS, built as `publish build --format epub,pdf,txt,ninjs` does."""
    from contextlib import chdir

    from publish.building.builder import build

    with chdir(ROOT):
        report = build(list(INPUTS), out.resolve(), formats=FORMATS)
    assert report.ok, [str(result.error) for result in report.results if result.error]
    return sorted(path for path in out.iterdir() if path.suffix in (".epub", ".pdf", ".txt", ".json"))


def expected_now(out: Path) -> dict[str, str]:
    """file name -> content digest of the editions built into `out`."""
    return {path.name: content_digest(path) for path in build_corpus(out)}


def write() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        digests = expected_now(out)
        old = dict(line.split("  ")[::-1] for line in DIGESTS.read_text().splitlines()) if DIGESTS.exists() else {}
        for name in sorted(digests.keys() | old.keys()):
            if digests.get(name) != old.get(name):
                change = "new" if name not in old else "gone" if name not in digests else "changed"
                print(f"tests/expected: {name} {change}")
        for stale in EXPECTED.glob("*.txt"):
            stale.unlink()
        for name in digests:
            if name.endswith(".txt"):
                (EXPECTED / name).write_bytes((out / name).read_bytes())
        DIGESTS.write_text("".join(f"{digests[name]}  {name}\n" for name in sorted(digests)), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    EXPECTED.mkdir(exist_ok=True)
    write()
