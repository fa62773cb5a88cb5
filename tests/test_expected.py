"""Every edition of the corpus is what tests/expected/ holds, on any machine, with the
locked dependencies: byte for byte for the text editions, by content for the others."""

import difflib

from expected import DIGESTS, EXPECTED, content_digest, expected_now

#: What to do when an expected output differs.
HINT = (
    "if the change is meant (a dependency refreshed with tools/lock.py, or a change of publish), "
    "run python tests/expected.py --write and review git diff tests/expected"
)


def test_every_edition_of_the_corpus_is_the_expected_one(tmp_path):
    digests = expected_now(tmp_path)
    expected = dict(line.split("  ")[::-1] for line in DIGESTS.read_text(encoding="utf-8").splitlines())
    assert sorted(digests) == sorted(expected), HINT
    for name, digest in sorted(digests.items()):
        if name.endswith(".txt"):
            written = (tmp_path / name).read_text(encoding="utf-8").splitlines()
            kept = (EXPECTED / name).read_text(encoding="utf-8").splitlines()
            assert written == kept, "\n".join([name, *difflib.unified_diff(kept, written, lineterm=""), HINT])
        assert digest == expected[name], f"{name}: {HINT}"


def test_the_content_digest_sees_a_changed_word_but_not_a_recompressed_stream(tmp_path):
    import zipfile

    from conftest import SEED

    from publish.building.builder import build

    assert build([SEED], tmp_path, formats=["epub", "pdf"]).ok
    epub, pdf = sorted(tmp_path.glob("*.epub")) + sorted(tmp_path.glob("*.pdf"))

    def rewritten(name: str, compresslevel: int, old: bytes, new: bytes):
        copy = tmp_path / name
        with zipfile.ZipFile(epub) as source, zipfile.ZipFile(copy, "w") as target:
            for info in source.infolist():
                target.writestr(info, source.read(info).replace(old, new), compresslevel=compresslevel)
        return copy

    recompressed = rewritten("re.epub", 1, b"", b"")
    assert recompressed.read_bytes() != epub.read_bytes()
    assert content_digest(recompressed) == content_digest(epub)
    assert content_digest(rewritten("word.epub", 1, b"Azerbaijan", b"Azerbaidjan")) != content_digest(epub)
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(pdf.read_bytes().replace(b"/Author (Trend)", b"/Author (Trent)"))
    assert content_digest(edited) != content_digest(pdf)
