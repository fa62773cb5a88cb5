"""Finding and reading inputs: what a user means by a path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import SEED

from publish.building.builder import build
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


# --- Issue 29: pipes that never write, folders nested deep, sockets, undecodable numbers ------------


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_pipes_are_bounded_in_time_too_a_named_pipe_no_one_writes_to(tmp_path):
    """Point 18: `mkfifo f.txt; publish build f.txt` waits 5 s for bytes, then says so (it
    held the folder's lock forever); a pipe whose writer comes is read as a file."""
    silent, spoken = tmp_path / "silent.txt", tmp_path / "spoken.txt"
    os.mkfifo(silent)
    os.mkfifo(spoken)
    writer = subprocess.Popen(["sh", "-c", f"sleep 1; cat {SEED} > {spoken}"])
    result = run("build", str(silent), str(spoken), "--out", str(tmp_path / "out"), "--format", "txt")
    writer.wait(timeout=60)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"{silent}: error: nothing was written to this pipe for 5 s (hint: start the program that writes to it first)"
    ]
    assert len(list((tmp_path / "out").glob("*.txt"))) == 1


def test_a_socket_given_as_an_input_is_named_as_one(tmp_path):
    """Point 29: not "no such file"."""
    import socket

    path = tmp_path / "story.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        result = run("build", str(path), "--out", str(tmp_path / "out"))
    finally:
        server.close()
    assert result.returncode == 2
    assert (
        result.stderr
        == f"{path}: error: a socket, not an article file or folder (hint: give files or folders of articles)\n"
    )


@pytest.fixture
def deep():
    """Makes chains of folders `depth` deep below a folder (one by one: `mkdir(parents=True)`
    recurses), and removes them afterwards bottom up (pytest's own clean-up recurses too)."""
    made = []

    def make(top, depth: int):
        top.mkdir(exist_ok=True)
        here = top
        for _ in range(depth):
            here = here / "d"
            here.mkdir()
        made.append(top)
        return here

    yield make
    for top in made:  # every file and folder below, deepest first (os.walk recurses as well)
        order, walking = [], [str(top)]
        while walking:
            here = walking.pop()
            order.append(here)
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        walking.append(entry.path)
                    else:
                        os.unlink(entry.path)
        for here in reversed(order):
            os.rmdir(here)


def test_folders_nested_deep_are_walked_in_linear_work(tmp_path, monkeypatch, deep):
    """Point 19 (linear in the input): no folder's path is resolved on the walk (a resolve
    per level was a system call per level of the path: 18 s for 1,200 levels)."""
    from pathlib import Path

    from publish.inputs import count_source_names

    resolved: list[int] = []
    real = Path.resolve

    def counting(self, *args, **kwargs):
        resolved.append(len(self.parts))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "resolve", counting)
    costs = []
    for depth in (300, 1200):
        bottom = deep(tmp_path / f"in{depth}", depth)
        shutil.copy(SEED, bottom / "story.txt")
        resolved.clear()
        assert count_source_names([tmp_path / f"in{depth}"], exclude=[tmp_path / "out"]) == 1
        assert len(collect_sources([tmp_path / f"in{depth}"], exclude=[tmp_path / "out"])) == 1
        costs.append(sum(resolved))
    assert costs[1] < 6 * costs[0], costs


def test_folders_nested_1200_deep_build_verify_check_and_serve_as_templates(tmp_path, deep):
    """Point 19: no RecursionError (exit 70) in the walks of verify, check and --templates."""
    bottom = deep(tmp_path / "in", 1200)
    shutil.copy(SEED, bottom / "story.txt")
    out = tmp_path / "out"
    deep(out, 1200)  # a deep folder of the user's inside the output folder
    deep(tmp_path / "templates", 1200)
    built = run(
        "build", str(tmp_path / "in"), "--out", str(out), "--format", "txt", "--templates", str(tmp_path / "templates")
    )
    assert built.returncode == 0, built.stderr
    for command in ("verify", "check"):
        result = run(command, str(out))
        assert result.returncode == 0, (command, result.stderr)


def test_a_number_of_5000_digits_in_a_ninjs_file_is_that_files_error(tmp_path):
    """Point 26: Python's integer limit is the file's error, not a bug of publish's."""
    story = tmp_path / "story.json"
    story.write_text('{"uri": "urn:x", "type": "text", "headline": "H", "body_text": "B.", "x": ' + "9" * 5000 + "}")
    result = run("build", str(story), str(SEED), "--out", str(tmp_path / "out"), "--format", "txt")
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"{story}: error: cannot be read: it holds a number of more than 4,300 digits"
    ]
