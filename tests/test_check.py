"""`publish check` finds what is wrong in an output folder, and only that."""

import io
import subprocess
import sys

from conftest import CORPUS, SEED
from reportlab.pdfgen.canvas import Canvas

from publish.archive import write_manifest
from publish.building.builder import build
from publish.check import check_folder


def test_a_fresh_build_checks_clean(tmp_path):
    assert build([SEED, CORPUS / "armenian.txt"], tmp_path, formats=["epub", "pdf", "txt", "ascii"]).ok
    report = check_folder(tmp_path)
    assert report.ok, report.problems
    assert report.checked == 8 and report.notes == []
    result = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "8 editions checked, 0 problems" in result.stdout


def test_each_kind_of_damage_is_named(tmp_path):
    assert build([SEED], tmp_path).ok
    text = next(tmp_path.glob("*.txt"))
    text.write_text(text.read_text().replace("He said", "He  said \t"), encoding="utf-8")
    pdf = next(tmp_path.glob("*.pdf"))
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, "Azerbaijan conducted")
    canvas.save()
    pdf.write_bytes(buffer.getvalue())
    epub = next(tmp_path.glob("*.epub"))
    epub.write_bytes(epub.read_bytes()[:-200])
    problems = "\n".join(check_folder(tmp_path).problems)
    assert f"{text}: line " in problems and "tab, control or invisible" in problems
    assert "font /Helvetica is not embedded" in problems
    assert "missing or out of order" in problems
    assert f"{epub}: " in problems and ("FATAL" in problems or "ERROR" in problems)
    assert "changed since SHA256SUMS" in problems
    result = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1 and result.stderr.count(": error: ") >= 5


def test_missing_manifest_and_unlisted_files(tmp_path):
    assert build([SEED], tmp_path, formats=["txt"]).ok
    (tmp_path / "SHA256SUMS").unlink()
    assert any("no SHA256SUMS" in p for p in check_folder(tmp_path).problems)
    write_manifest(tmp_path)
    (tmp_path / "extra.txt").write_text("Title: Extra\n\nBody.\n")
    assert any("extra.txt: not in SHA256SUMS" in p for p in check_folder(tmp_path).problems)


def test_every_edition_of_the_table_is_checked_in_every_folder_of_the_date_layout(tmp_path):
    from publish.editions import EDITIONS, Lazy

    # Every checker the table registers resolves to a function (an imported name could drift).
    assert all(isinstance(edition.checker, Lazy) and callable(edition.checker.function()) for edition in EDITIONS)
    out = tmp_path / "out"
    formats = ",".join(edition.name for edition in EDITIONS)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "publish",
            "build",
            str(SEED),
            str(CORPUS / "russian.txt"),
            "--out",
            str(out),
            "--format",
            formats,
            "--layout",
            "date",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    result = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(out)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{2 * len(EDITIONS)} editions checked, 0 problems"
    ninjs = next(out.rglob("2024-06-04-*.json"))
    ninjs.write_text(ninjs.read_text(encoding="utf-8").replace("Баку", "Москве"), encoding="utf-8")
    damaged = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(out)], capture_output=True, text=True, timeout=300
    )
    assert damaged.returncode == 1
    assert f"{ninjs}: error: its text no longer matches its uri" in damaged.stderr


def test_a_pdf_over_pypdfs_limits_is_one_problem_and_the_rest_is_checked(tmp_path):
    """Issue 29, point 26: a stream that inflates beyond pypdf's limit (75 MB) stopped the
    whole check with exit 70; it is that PDF's problem now, and the others are checked."""
    import zlib

    assert build([SEED], tmp_path, formats=["pdf", "txt"]).ok
    content = zlib.compress(b" " * 80_000_000, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    bomb = tmp_path / "2024-01-01-bomb.pdf"
    bomb.write_bytes(bytes(pdf))
    write_manifest(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(problems) == 1 and problems[0].startswith(f"{bomb}: error: not a readable PDF (")
    assert "limit" in problems[0]
    assert result.stdout == "2 editions checked, 1 problems\n"  # the seed's PDF and text edition


def test_check_without_java_says_so_in_one_note(tmp_path):
    """Issue 29, point 29: not a truncated traceback."""
    import os

    assert build([SEED], tmp_path, formats=["epub", "txt"]).ok
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "sha256sum").symlink_to("/usr/bin/sha256sum")
    result = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": str(bare)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "note: Java is not installed, and EPUBCheck runs on it: EPUBs not validated "
        "(install a Java runtime, such as Debian's default-jre-headless)\n"
    )
    assert result.stdout == "1 editions checked, 0 problems\n"
