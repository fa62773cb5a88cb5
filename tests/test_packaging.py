"""The installed (non-editable) package must carry its templates and its fonts."""

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_ships_templates_fonts_and_entry_point(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(tmp_path.glob("publish-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    for template in ("epub/article.xhtml", "epub/article.css", "epub/nav.xhtml", "pdf/style.toml"):
        assert f"publish/templates/{template}" in names
    assert "publish = publish.cli:main" in entry_points
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert f"publish/data/fonts/PublishSerif-{face}.ttf" in names
    assert "publish/data/fonts/OFL.txt" in names
    assert "publish/data/EpubCheckServer.java" in names  # `publish check` runs EPUBCheck through it
    # "A few MB, not tens": the fonts are most of it.
    assert wheel.stat().st_size < 3_000_000


def test_importing_the_model_or_a_renderer_loads_no_builder_parser_or_cli():
    script = (
        "import sys; import publish.model, publish.render.text, publish.render.epub, publish.render.pdf; "
        "print(sorted(m for m in sys.modules if m in ('publish.builder', 'publish.cli', 'publish.parse', "
        "'publish.inputs', 'publish.digest', 'publish.settings')))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_the_code_is_ruff_clean_and_formatted():
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
