"""Finding and reading inputs: what a user means by a path."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import SEED

from publish.builder import build
from publish.inputs import collect_sources
from publish.readers import read_article


def _undated(folder, name="story.txt"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("Plain title\n\nA first paragraph of the story.\n", encoding="utf-8")
    return path


def test_a_date_comes_from_the_files_own_name_never_from_its_folders(tmp_path):
    assert read_article(_undated(tmp_path / "archive-2020-01-01")).article.date is None
    assert read_article(_undated(tmp_path / "2023-99-99")).article.date is None  # no error either
    dated = _undated(tmp_path / "x", "2021-05-06-story.txt")
    assert read_article(dated).article.date.isoformat() == "2021-05-06"


def test_a_folder_given_through_dot_dot_is_searched(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(SEED, articles / SEED.name)
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", "../articles", "--format", "txt", "-q"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (work / "dist").iterdir() if not p.name.startswith(".")) == [
        "2023-09-21-azerbaijan-conducted-local-anti-terrorist-activities.txt",
        "SHA256SUMS",
    ]


def test_hidden_folders_below_the_given_one_are_skipped_but_a_hidden_parent_is_not(tmp_path):
    parent = tmp_path / ".hidden" / "articles"
    parent.mkdir(parents=True)
    shutil.copy(SEED, parent / "a.txt")
    (parent / ".drafts").mkdir()
    shutil.copy(SEED, parent / ".drafts" / "b.txt")
    assert collect_sources([parent]) == [parent / "a.txt"]


def test_building_the_working_folder_twice_never_reads_its_own_editions(tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / SEED.name)
    monkeypatch.chdir(tmp_path)
    first = build(["."], "dist", ["txt"])
    second = build(["."], "dist", ["txt"])
    assert [result.source.name for result in first.results] == [SEED.name]
    assert [result.source.name for result in second.results] == [SEED.name] and second.skipped == 1
