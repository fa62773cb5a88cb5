"""Configuration files, template overrides and the documented Python API."""

import re
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT, SEED

from publish.templates import default_template_dir


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def seeded(tmp_path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds" / SEED.name)
    return tmp_path


def test_config_file_changes_defaults_and_command_line_wins(tmp_path):
    seeded(tmp_path)
    (tmp_path / "publish.toml").write_text('out = "editions"\nformats = ["txt"]\nwidth = 50\n')
    assert cli("build", cwd=tmp_path).returncode == 0
    text = next((tmp_path / "editions").glob("*.txt")).read_text()
    # Only a single word (the Identifier's urn, a SHA-256) may overrun: words are never broken.
    assert (
        max(len(line) for line in text.split("\n") if not line.startswith("Identifier") and len(line.split()) > 1) <= 50
    )
    assert not list((tmp_path / "editions").glob("*.pdf"))
    assert cli("build", "--format", "pdf", "--out", "other", cwd=tmp_path).returncode == 0
    assert list((tmp_path / "other").glob("*.pdf"))
    shown = cli("config", cwd=tmp_path).stdout
    assert 'out = "editions"' in shown and "width = 50" in shown and "publish.toml" in shown


def test_pyproject_table_is_read(tmp_path):
    seeded(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.publish]\nformats = "txt"\n')
    assert cli("build", cwd=tmp_path).returncode == 0
    assert [p.suffix for p in (tmp_path / "dist").glob("*.*") if not p.name.startswith(".")] == [".txt"]


def test_unknown_key_is_an_error_naming_it(tmp_path):
    seeded(tmp_path)
    (tmp_path / "publish.toml").write_text('width = 60\npaper_size = "A4"\n')
    result = cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("publish.toml:2: error: unknown setting 'paper_size'")
    assert not (tmp_path / "dist").exists()


def test_overriding_one_template_changes_one_element(tmp_path):
    seeded(tmp_path)
    theme = tmp_path / "theme" / "epub"
    theme.mkdir(parents=True)
    original = (default_template_dir() / "epub" / "article.xhtml").read_text()
    theme.joinpath("article.xhtml").write_text(
        original.replace('<p class="credit">{{ credit }}</p>', '<p class="credit">Wire: {{ article.source }}</p>')
    )
    assert cli("build", "--templates", "theme", "--out", "themed", "--format", "epub", cwd=tmp_path).returncode == 0
    assert cli("build", "--out", "plain", "--format", "epub", cwd=tmp_path).returncode == 0

    def xhtml(folder):
        with zipfile.ZipFile(next((tmp_path / folder).glob("*.epub"))) as book:
            return book.read("EPUB/article.xhtml").decode()

    themed, plain = xhtml("themed"), xhtml("plain")
    assert "Wire: Trend" in themed and "Source: Trend" in plain
    assert themed.replace("Wire: Trend", "Source: Trend") == plain
    with zipfile.ZipFile(next((tmp_path / "themed").glob("*.epub"))) as book:
        assert book.read("EPUB/css/article.css") == (default_template_dir() / "epub" / "article.css").read_bytes()


def test_readme_api_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"## Python API\n\n```python\n(.*?)```", readme, re.S).group(1)
    seeded(tmp_path)
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Azerbaijan conducted" in result.stdout and "2023-09-21 BAKU, Azerbaijan" in result.stdout
    assert (tmp_path / "story.txt").read_text().startswith("Title: ")
    assert sorted(p.suffix for p in (tmp_path / "dist").glob("*.*") if not p.name.startswith(".")) == [".epub", ".pdf"]
    assert sorted(result.stdout.splitlines()[1:]) == sorted(
        f"dist/{p.name}" for p in (tmp_path / "dist").glob("*.*") if not p.name.startswith(".")
    )


def test_a_huge_file_in_a_template_folder_is_hashed_not_held(tmp_path):
    """Issue 29, point 29: the rebuild key reads template folders in blocks (a 300 MB file
    there was read whole: "out of memory" on a small machine)."""
    seeded(tmp_path)
    (tmp_path / "templates").mkdir()
    with (tmp_path / "templates" / "video.mp4").open("wb") as huge:
        huge.truncate(300_000_000)
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, subprocess, sys;"
            "r = subprocess.run([sys.executable, '-m', 'publish', 'build', '--format', 'txt', '--templates',"
            " 'templates', '-q']); print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    code, peak_kib = measured.stdout.split()
    assert code == "0", measured.stderr
    assert int(peak_kib) < 200 * 1024
