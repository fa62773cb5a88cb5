"""The installed package carries its templates, fonts and licences; what shapes an edition
or runs a test is locked, with hashes, and installed as locked."""

import ast
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from publish.building.key import RENDERING_LIBRARIES


def test_wheel_ships_templates_fonts_and_entry_point(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(tmp_path.glob("publish_editions-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    for template in ("epub/article.xhtml", "epub/article.css", "epub/nav.xhtml", "pdf/style.toml"):
        assert f"publish/templates/{template}" in names
    assert "publish = publish.cli:main" in entry_points
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert f"publish/data/fonts/PublishSerif-{face}.ttf" in names
    assert "publish/data/fonts/PublishSansCJK.ttf" in names
    for licence in ("OFL.txt", "Apache-2.0.txt"):  # beside the fonts and with the distribution's licences
        assert f"publish/data/fonts/{licence}" in names
        assert any(name.endswith(f".dist-info/licenses/publish/data/fonts/{licence}") for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "publish/data/EpubCheckServer.java" in names  # `publish check` runs EPUBCheck through it
    assert "publish/data/schemas/cli-events.schema.json" in names  # what `--json` prints (issue 32)
    # "A few MB, not tens": the fonts are most of it (1.5 MB, and 1.7 MB the CJK face).
    assert wheel.stat().st_size < 3_500_000


def test_importing_the_model_or_a_renderer_loads_no_builder_parser_or_cli():
    script = (
        "import sys; import publish.model, publish.render.text, publish.render.epub, publish.render.pdf; "
        "print(sorted(m for m in sys.modules if m in ('publish.building', 'publish.cli', 'publish.parse', "
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


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REQUIREMENTS = ROOT / "requirements"
#: lock file -> the requirements of pyproject.toml it must pin (tools/lock.py's table).
LOCKED = {
    "publish.txt": [*PYPROJECT["project"]["dependencies"], *PYPROJECT["build-system"]["requires"]],
    "cluster.txt": [
        *PYPROJECT["project"]["dependencies"],
        *PYPROJECT["project"]["optional-dependencies"]["cluster"],
        *PYPROJECT["build-system"]["requires"],
    ],
    "test.txt": [
        *PYPROJECT["project"]["dependencies"],
        *PYPROJECT["project"]["optional-dependencies"]["test"],
        *PYPROJECT["build-system"]["requires"],
    ],
}


def lock(name: str) -> dict[str, tuple[str, int]]:
    """canonical name -> (version, number of hashes) of one lock file, for this Python and
    platform (a pin whose marker does not hold here, `numpy==2.5.5 ; python_version >= '3.12'`
    on 3.11, is another machine's)."""
    pins: dict[str, tuple[str, int]] = {}
    for entry in (REQUIREMENTS / name).read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        if entry.strip() and not entry.lstrip().startswith("#"):
            requirement, *hashes = entry.split(" --hash=sha256:")
            parsed = Requirement(requirement.strip())
            (pinned,) = parsed.specifier
            assert pinned.operator == "==", entry
            assert hashes, f"{entry}: a pin without --hash: pip would refuse the whole file"
            if parsed.marker is None or parsed.marker.evaluate():
                pins[canonicalize_name(parsed.name)] = (pinned.version, len(hashes))
    return pins


@pytest.mark.parametrize("name", LOCKED)
def test_every_dependency_is_locked_to_one_version_with_its_hashes(name):
    pins = lock(name)
    assert all(hashes for _, hashes in pins.values()), "a pin without --hash: pip would refuse the whole file"
    for declared in map(Requirement, LOCKED[name]):
        pinned = pins.get(canonicalize_name(declared.name))
        assert pinned, f"{declared.name} is not in requirements/{name}: run python tools/lock.py"
        assert declared.specifier.contains(pinned[0]), f"requirements/{name} pins {declared.name} {pinned[0]}"


def test_every_edition_shaping_library_is_locked_for_the_default_editions():
    pins = lock("publish.txt")
    assert {canonicalize_name(name) for name in RENDERING_LIBRARIES} <= pins.keys()


def test_the_lock_files_agree_on_every_version():
    locks = [lock(name) for name in LOCKED]
    for pins in locks[1:]:
        assert all(locks[0].get(name, pin) == pin for name, pin in pins.items())


def test_the_libraries_that_shape_editions_and_run_tests_are_installed_as_locked():
    """The expected outputs (tests/expected/) hold for these versions only."""
    pins = lock("test.txt")
    wrong = {
        name: (version(name), pins[canonicalize_name(name)][0])
        for name in [*RENDERING_LIBRARIES, *(Requirement(r).name for r in LOCKED["test.txt"])]
        if version(name) != pins[canonicalize_name(name)][0]
    }
    assert not wrong, f"installed, locked: {wrong}; run pip install --require-hashes -r requirements/test.txt"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def test_every_module_the_tests_import_comes_from_a_declared_dependency():
    ours = {"publish", "conftest", "expected", "bench", "tagged_pdf", "srgb_profile"} | {
        path.stem for path in (ROOT / "tests").glob("test_*.py")
    }
    imported = set().union(*map(_imported_modules, (ROOT / "tests").glob("*.py")))
    third_party = imported - ours - set(sys.stdlib_module_names)
    declared = {canonicalize_name(Requirement(r).name) for r in LOCKED["test.txt"]}
    distributions = packages_distributions()
    undeclared = {
        module for module in third_party if not declared & {canonicalize_name(d) for d in distributions[module]}
    }
    assert not undeclared, f"imported by the tests, not in the test extra: {sorted(undeclared)}"


def test_the_readme_and_ci_install_from_the_lock():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = "pip install --require-hashes -r requirements/{} && pip install --no-deps --no-build-isolation ."
    assert f"{install.format('publish.txt')} && publish build\n" in readme
    test_command = f"{install.format('test.txt')} && python -m pytest\n"
    assert test_command in readme
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_no_message_or_document_tells_a_user_to_install_a_package_named_publish():
    """The name publish on the package index is somebody else's project."""
    texts = [ROOT / "README.md", *(ROOT / "publish").rglob("*.py"), *(ROOT / "bench").glob("*")]
    for path in texts:
        text = path.read_text(encoding="utf-8")
        for quote in ("", "'", '"'):
            assert f"pip install {quote}publish[" not in text and f"pip install {quote}publish " not in text, path


def test_the_licences_are_at_the_top_and_beside_what_they_cover():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "MIT"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (ROOT / "publish" / "data" / "fonts" / "OFL.txt").read_text()


def test_without_java_poppler_or_mupdf_the_suite_stops_at_once_with_one_message(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_model.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": str(empty), "HOME": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert lines == [
        "Exit: the tests need java (EPUBCheck), pdftotext (the PDF text layer), mutool (the PDF text layer as "
        "MuPDF reads it), chromium (how an EPUB chapter lays out): install them (Debian, Ubuntu: apt-get install "
        "default-jre-headless poppler-utils mupdf-tools chromium; macOS: brew install openjdk; brew install poppler; "
        "brew install mupdf; brew install --cask chromium), or run .ci/run, which does"
    ]


def test_every_link_inside_the_readme_leads_to_one_of_its_headings():
    """The quick start's map of the guide and the reference (GitHub's heading anchors)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"```.*?```", "", readme, flags=re.S)
    headings = re.findall(r"^#{2,3} (.+)$", outside_code, flags=re.M)
    anchors = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}
    links = re.findall(r"\]\(#([^)]+)\)", readme)
    assert len(links) >= 14
    assert sorted(set(links) - anchors) == []
    assert (ROOT / "bench" / "README.md").is_file() and "](bench/README.md)" in readme
