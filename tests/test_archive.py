"""The archive promises: a manifest `sha256sum -c` accepts, `publish verify`, BagIt bags."""

import hashlib
import subprocess
import sys

import bagit
import pytest
from conftest import CORPUS, SEED, article_from

from publish.archive import verify_manifest
from publish.building.builder import build
from publish.options import RenderOptions
from publish.render.text import display_width, render_ascii


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "dist"
    assert build([SEED, CORPUS / "header_block.txt"], out).ok
    return out


def test_manifest_is_what_sha256sum_reads(built):
    lines = (built / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 6
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=built, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count(": OK") == 6


def test_manifest_covers_earlier_editions_too(built):
    assert build([CORPUS / "russian.txt"], built, ["txt"]).ok
    names = [line.split("  ")[1] for line in (built / "SHA256SUMS").read_text().splitlines()]
    assert len(names) == 7 and names == sorted(names)


def test_verify_names_changed_and_missing_files(built):
    result = cli("verify", str(built))
    assert result.returncode == 0 and "6 editions verified, 0 changed, 0 missing" in result.stdout
    victim = next(built.glob("*.txt"))
    victim.write_text(victim.read_text().replace("Trend", "Tr3nd"))
    gone = next(built.glob("*.pdf"))
    gone.unlink()
    result = cli("verify", str(built))
    assert result.returncode == 1
    assert (
        f"{victim}: error: changed since SHA256SUMS was written" in result.stderr
        and f"{gone}: error: listed in SHA256SUMS but missing" in result.stderr
    )
    report = verify_manifest(built)
    assert report.changed == [victim.name] and report.missing == [gone.name]


def test_verify_without_manifest_is_a_clear_error(tmp_path):
    result = cli("verify", str(tmp_path))
    assert result.returncode == 1 and result.stderr.startswith(f"{tmp_path}: error: no SHA256SUMS")


def test_bag_is_valid_and_reproducible(tmp_path):
    for name in ("one", "two"):
        result = cli(
            "build", str(SEED), "--out", str(tmp_path / f"dist-{name}"), "--bag", str(tmp_path / f"bag-{name}")
        )
        assert result.returncode == 0, result.stderr
    bag = bagit.Bag(str(tmp_path / "bag-one"))
    bag.validate()
    assert sorted(bag.payload_files()) == sorted(
        f"data/{p.name}"
        for p in (tmp_path / "dist-one").iterdir()
        if p.name != "SHA256SUMS" and not p.name.startswith(".")
    )
    assert bag.info["Bagging-Date"] == "2023-09-21"
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert (tmp_path / "bag-one" / name).read_bytes() == (tmp_path / "bag-two" / name).read_bytes()


def test_bag_refuses_a_folder_that_is_not_a_bag(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "precious.doc").write_text("x")
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--bag", str(tmp_path / "busy"))
    assert result.returncode == 1 and "not a bag" in result.stderr
    assert (tmp_path / "busy" / "precious.doc").read_text() == "x"


def test_ascii_companion(tmp_path):
    result = cli("build", str(CORPUS / "russian.txt"), "--out", str(tmp_path), "--ascii", "--format", "txt")
    assert result.returncode == 0, result.stderr
    ascii_file = next(tmp_path.glob("*.ascii.txt"))
    utf8_file = tmp_path / ascii_file.name.replace(".ascii.txt", ".txt")
    assert utf8_file.is_file()
    data = ascii_file.read_bytes()
    assert data.isascii()
    assert b"Energeticheskaya bezopasnost" in data and b"Title: V Baku" in data
    article = article_from(CORPUS / "russian.txt")
    for line in render_ascii(article, RenderOptions(width=50)).decode().split("\n"):
        assert display_width(line) <= 50 or len(line.split()) <= 2


def test_verify_also_reads_each_text_edition_back_against_its_identifier(tmp_path):
    """A text edition edited and then listed again in SHA256SUMS (a manifest rewritten to
    hide the edit) is still caught: its text no longer has the Identifier it states."""
    built = tmp_path / "out"
    assert cli("build", str(SEED), "--out", str(built), "--format", "txt").returncode == 0
    edition = next(built.glob("*.txt"))
    edition.write_text(edition.read_text(encoding="utf-8").replace("Karabakh", "Qarabag"), encoding="utf-8")
    digest = hashlib.sha256(edition.read_bytes()).hexdigest()
    (built / "SHA256SUMS").write_text(f"{digest}  {edition.name}\n", encoding="utf-8")
    result = cli("verify", str(built))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{edition}: error: damaged: the text of ")
    assert result.stdout.strip() == "1 editions verified, 0 changed, 0 missing, 0 not listed, 1 damaged"


def test_verify_waits_for_a_build_in_progress(tmp_path):
    """Issue 29, point 11: mid-build an edition is new and the manifest not yet; verify
    waits for the build's lock instead of calling that tampering."""
    import time

    from filelock import FileLock

    out = tmp_path / "out"
    assert cli("build", str(SEED), "--out", str(out), "--format", "txt").returncode == 0
    edition = next(out.glob("*.txt"))
    lock = FileLock(str(out / ".publish.lock"))
    with lock:
        original = edition.read_bytes()
        edition.write_bytes(original.replace(b"Trend", b"TREND"))  # what a build is in the middle of
        verify = subprocess.Popen(
            [sys.executable, "-m", "publish", "verify", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert verify.stderr is not None
        assert verify.stderr.readline() == f"note: waiting for the build into {out} to finish\n".encode()
        time.sleep(0.5)
        assert verify.poll() is None  # still waiting
        edition.write_bytes(original)  # the build ends as it began
    stdout, _ = verify.communicate(timeout=60)
    assert verify.returncode == 0 and stdout.startswith(b"1 editions verified, 0 changed")


def test_verify_reads_every_line_sha256sum_reads(tmp_path):
    """Issue 29, point 29: upper-case digests, `sha256sum -b` lines and escaped names (a
    manifest an archivist rewrote with sha256sum) are accepted, as `sha256sum -c` does."""
    out = tmp_path / "out"
    assert cli("build", str(SEED), "--out", str(out), "--format", "txt,epub").returncode == 0
    binary = subprocess.run("sha256sum -b *.epub", shell=True, cwd=out, capture_output=True, text=True).stdout
    text = subprocess.run("sha256sum *.txt", shell=True, cwd=out, capture_output=True, text=True).stdout
    digest, name = text.rstrip("\n").split("  ", 1)
    (out / "SHA256SUMS").write_text(binary + f"\\{digest.upper()}  {name}\n")  # an escaped line, upper case
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True).returncode == 0
    result = cli("verify", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2 editions verified, 0 changed, 0 missing, 0 not listed\n"


def test_verify_checks_a_huge_text_edition_by_its_digest_without_reading_it_whole(tmp_path):
    """Issue 29, point 29: a text edition larger than verify reads back (1 GB gave a bare
    "out of memory") is checked by its digest, and verify says it was not read back."""
    from publish.check import READ_BACK_LIMIT

    out = tmp_path / "out"
    assert cli("build", str(SEED), "--out", str(out), "--format", "txt").returncode == 0
    huge = out / "2024-01-01-huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(READ_BACK_LIMIT + 1)
    sums = subprocess.run("sha256sum *.txt > SHA256SUMS", shell=True, cwd=out, capture_output=True)
    assert sums.returncode == 0
    result = subprocess.run(
        ["prlimit", f"--as={READ_BACK_LIMIT + 600_000_000}", sys.executable, "-m", "publish", "verify", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"{huge}: note: not read back (over 64 MB); its digest was checked\n"
