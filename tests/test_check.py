"""`publish check` finds what is wrong in an output folder, and only that."""

import io
import subprocess
import sys

from conftest import CORPUS, SEED
from reportlab.pdfgen.canvas import Canvas

from publish.archive import write_manifest
from publish.builder import build
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
    assert result.returncode == 1 and result.stderr.count("problem: ") >= 5


def test_missing_manifest_and_unlisted_files(tmp_path):
    assert build([SEED], tmp_path, formats=["txt"]).ok
    (tmp_path / "SHA256SUMS").unlink()
    assert any("no SHA256SUMS" in p for p in check_folder(tmp_path).problems)
    write_manifest(tmp_path)
    (tmp_path / "extra.txt").write_text("Title: Extra\n\nBody.\n")
    assert any("extra.txt: not in SHA256SUMS" in p for p in check_folder(tmp_path).problems)
