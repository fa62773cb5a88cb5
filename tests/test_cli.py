import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import BAD, ROOT, SEED


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_build_default_uses_seeds_and_dist(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted(p.suffix or p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith("."))
    assert written == [".epub", ".pdf", ".txt", "SHA256SUMS"]
    assert result.stdout.count("wrote ") == 3


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.txt")))
def test_bad_input_one_line_exit_1_nothing_written(name, tmp_path):
    result = run("build", str(BAD / name), "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {BAD / name}:"), result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "dist").iterdir()] == [".publish.lock"]  # no edition, no temporary


def test_usage_errors_exit_2(tmp_path):
    assert run("build", str(SEED), "--format", "docx", "--out", str(tmp_path)).returncode == 2
    missing = run("build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"))
    assert (missing.returncode, missing.stderr) == (2, f"error: {tmp_path / 'missing.txt'}: no such file or folder\n")
    assert not (tmp_path / "out").exists()  # nothing made for a build that cannot start
    assert run("build", "--bogus").returncode == 2


def test_inspect_prints_the_model():
    import json

    result = run("inspect", str(SEED))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["dateline"]["place"] == "BAKU, Azerbaijan" and len(data["blocks"]) == 7


def test_help_and_console_script():
    assert "build" in run("--help").stdout
    # The `publish` script pip installed beside this interpreter, whatever PATH holds.
    scripts = Path(sysconfig.get_path("scripts"))
    script = subprocess.run([scripts / "publish", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert script.returncode == 0 and "inspect" in script.stdout
