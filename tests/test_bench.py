"""The benchmark script: its corpus is what the README says, and its floors and table work.

Timings are never asserted (speed is the script's job, not the test suite's); what is
checked is that the script measures what it claims to, on real files.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from publish.readers import read_article


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_deterministic_realistic_and_in_several_scripts(bench: ModuleType, tmp_path: Path) -> None:
    first = bench.make_corpus(tmp_path / "a", 24)
    again = bench.make_corpus(tmp_path / "b", 24)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    languages = set()
    for path in first:
        article = read_article(path).article
        # 200-3,000 drawn words, plus the dateline and the attributions around quotations.
        assert 200 <= len(article.words) <= 3000 * 1.05, path
        languages.add(article.language)
    assert {"en", "ru", "hy", "ka"} <= languages


def test_floors_write_real_editions(bench: ModuleType, tmp_path: Path) -> None:
    paths = bench.make_corpus(tmp_path / "in", 2)
    for floor, suffix in ((bench.floor_reportlab, ".pdf"), (bench.floor_ebooklib, ".epub")):
        seconds = bench.on_all_cores(floor, paths, tmp_path / suffix[1:], 1)
        assert seconds > 0
        written = sorted((tmp_path / suffix[1:]).iterdir())
        assert [p.name for p in written] == [p.stem + suffix for p in paths]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in (tmp_path / "pdf").iterdir())
    assert all(zipfile.ZipFile(p).read("mimetype") == b"application/epub+zip" for p in (tmp_path / "epub").iterdir())


def test_script_prints_and_writes_the_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--articles",
            "3",
            "--jobs",
            "2",
            "--repeat",
            "1",
            "--sample",
            "0",
            "--json",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    table = json.loads((tmp_path / "r.json").read_text())
    names = [row["name"] for row in table["rows"]]
    assert names == [
        "publish txt",
        "publish epub",
        "publish pdf",
        "publish epub,pdf,txt",
        "floor reportlab",
        "floor ebooklib",
    ]
    assert all(row["articles"] == 3 and row["articles_per_second"] > 0 for row in table["rows"])
    assert table["ratios"]["pdf_time_vs_reportlab_floor"] > 0
    assert table["ratios"]["epub_txt_rate_vs_pandoc"] is None  # --sample 0: no external tools
    assert "publish epub,pdf,txt" in result.stdout
