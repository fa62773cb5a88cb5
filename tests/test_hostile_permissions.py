"""Read-only and unreadable things (issue 15, items 8 and 11). The suite runs as root, whom
permission bits do not stop; each command here runs as root *without* the capabilities
that override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), which is how an ordinary user
meets a read-only folder. (`setpriv --reuid nobody` is not possible here: the Python
interpreter lives under /root, which nobody else may enter.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to drop the permission-override capabilities",
)
NAME = "2023-09-21-azerbaijan-conducted-local-anti-terrorist-activities"


def as_user(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "publish", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def built(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    result = as_user("build", str(SEED), "--out", str(dist), "--format", "txt,pdf")
    assert result.returncode == 0, result.stderr
    return dist


def test_the_capability_drop_really_denies(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    probe = subprocess.run(
        [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            sys.executable,
            "-c",
            f"import os; os.listdir({str(locked)!r})",
        ],
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 1 and "PermissionError" in probe.stderr


def test_an_unreadable_subfolder_is_an_error(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    shutil.copy(SEED, inputs / "a.txt")
    (inputs / "sub").chmod(0)
    result = as_user("build", str(inputs), "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert (
        result.stderr == f"{inputs / 'sub'}: error: cannot read this folder: Permission denied "
        f"(hint: fix its permissions, or leave it out)\n"
    )


def test_a_read_only_output_folder(tmp_path):
    dist = built(tmp_path)
    before = {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()}
    dist.chmod(0o555)
    result = as_user("build", str(SEED), "--out", str(dist), "--format", "txt,pdf", "--force")
    dist.chmod(0o755)
    assert result.returncode == 1
    assert (
        result.stderr == f"{dist}: error: the output folder is not writable "
        f"(hint: fix its permissions, or choose another --out)\n"
    )
    assert {p.name: p.read_bytes() for p in dist.iterdir() if p.is_file()} == before


def test_an_unreadable_edition_in_verify_check_and_build(tmp_path):
    dist = built(tmp_path)
    pdf = dist / f"{NAME}.pdf"
    pdf.chmod(0)
    verify = as_user("verify", str(dist))
    assert verify.returncode == 1
    assert (
        verify.stderr == f"{pdf}: error: cannot read: Permission denied "
        f"(hint: an edition that cannot be read cannot be verified)\n"
    )
    check = as_user("check", str(dist))
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert f"{pdf}: error: cannot read: Permission denied" in check.stderr
    rebuild = as_user("build", str(SEED), "--out", str(dist), "--format", "txt,pdf")
    assert rebuild.returncode == 0, rebuild.stderr
    # publish wrote it (its state says so): replaced, and only it (the text edition is up to date)
    assert "1 built (1 edition)" in rebuild.stdout and f"wrote {pdf}\n" in rebuild.stdout
    assert as_user("verify", str(dist)).returncode == 0


def test_an_unreadable_template(tmp_path):
    folder = tmp_path / "tpl" / "epub"
    folder.mkdir(parents=True)
    template = folder / "article.xhtml"
    shutil.copy(ROOT / "templates" / "epub" / "article.xhtml", template)
    template.chmod(0)
    result = as_user(
        "build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "epub", "--templates", str(tmp_path / "tpl")
    )
    assert result.returncode == 2
    assert result.stderr == f"{template}: error: cannot read the template: Permission denied\n"


def test_an_unreadable_publish_toml(tmp_path):
    (tmp_path / "publish.toml").write_text("width = 60\n")
    (tmp_path / "publish.toml").chmod(0)
    result = as_user("build", str(SEED), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "publish.toml: error: cannot read: Permission denied\n"


def test_a_read_only_record_stops_the_build_before_anything_changes(tmp_path):
    """Issue 29, point 10: exit 70 came after the edited article's edition was renamed in and
    the manifest rewritten from the stale record; now one line, exit 1, nothing changed."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    story = inputs / "a.txt"
    shutil.copy(SEED, story)
    dist = tmp_path / "dist"
    assert as_user("build", str(inputs), "--out", str(dist), "--format", "txt").returncode == 0
    edition = dist / f"{NAME}.txt"
    before = edition.read_bytes()
    (dist / ".publish-state.sqlite").chmod(0o444)
    story.write_text(story.read_text().replace("Azerbaijan conducted", "Azerbaijan, it said, conducted"))
    result = as_user("build", str(inputs), "--out", str(dist), "--format", "txt")
    assert result.returncode == 1
    assert result.stderr == (
        f"{dist / '.publish-state.sqlite'}: error: cannot use the build record: attempt to write a readonly "
        f"database (hint: make the record and its folder writable, or choose another --out)\n"
    )
    assert edition.read_bytes() == before
    assert as_user("verify", str(dist)).returncode == 0
