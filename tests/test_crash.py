"""Builds killed at random points (issue 29, points 7-9 and "What must hold"): after every
kill, a rebuild leaves `publish verify`, `sha256sum -c` and one identifier per article
holding, the bag valid, nothing of the build's left behind, no process of it alive.

One output folder is built, edited, killed and rebuilt again and again, as an archive
is: 32 trials over the flat and date layouts (switching between them too), a single
process and a pool of two, always with a bag. Half the builds kill themselves at the
k-th of their own file-system steps (renames, unlinks, fsyncs, record commits...), k
drawn from a seed; half are killed from outside after a delay drawn from the same seed,
which also catches pool workers mid-render.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import bagit
import pytest

from publish.readers import read_article

SEED = 29
TRIALS = 32
ARTICLES = 8
FORMATS = "txt,epub"
#: The most file-system steps of a build here (measured: 60-100 in these trials).
MOST_STEPS = 100
#: Kills from outside come this many seconds into a build, at most (a build here takes 0.4-0.7 s).
LATEST_KILL = 0.7

#: Runs publish's command line in a process that kills itself (SIGKILL) at its k-th
#: file-system step, counted in the build's own process (not its pool workers).
KILL_AT_STEP = """
import os, shutil, signal, sys
steps, main, last = [0], os.getpid(), int(sys.argv[1])
def step(real):
    def counted(*args, **kwargs):
        if os.getpid() == main:
            steps[0] += 1
            if steps[0] == last:
                os.kill(main, signal.SIGKILL)
        return real(*args, **kwargs)
    return counted
for name in ("replace", "rename", "unlink", "rmdir", "mkdir", "fsync"):
    setattr(os, name, step(getattr(os, name)))
shutil.rmtree = step(shutil.rmtree)
import publish.building.record
publish.building.record._Record.commit = step(publish.building.record._Record.commit)
from publish.cli import main as publish
sys.argv = ["publish", *sys.argv[2:]]
publish()
"""


def write_inputs(folder: Path) -> None:
    """Articles on three days and one undated (the date layout's `undated/`)."""
    folder.mkdir()
    for number in range(ARTICLES):
        date = f"date: 2024-05-0{number % 3 + 1}\n" if number else ""
        (folder / f"a{number}.txt").write_text(
            f"title: Crash story {number}\n{date}language: en\n\n"
            f"The council met on day {number}. It agreed the budget after a long debate.\n\n"
            f"A second paragraph says more about item {number}.\n"
        )


def layout_of(number: int) -> str:
    return "date" if number % 2 else "flat"


def build_args(inputs: Path, out: Path, bag: Path, layout: str, jobs: int) -> list[str]:
    return [
        "build", str(inputs), "--out", str(out), "--format", FORMATS, "--layout", layout,
        "--jobs", str(jobs), "--bag", str(bag), "-q",
    ]  # fmt: skip


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds `mark` (every process a build started inherits it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                environ = Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                continue
            if mark.encode() in environ.split(b"\0"):
                found.append(int(entry))
    return found


def wait_for_no_process(mark: str) -> list[int]:
    deadline = time.monotonic() + 5
    while (left := processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def identifiers(out: Path) -> dict[str, tuple[str, str]]:
    """Each article's slug -> (its text edition's Identifier, its EPUB's dc:identifier)."""
    found: dict[str, tuple[str, str]] = {}
    for text in out.rglob("*.txt"):
        stated = re.search(r"^Identifier: (\S+)$", text.read_text(encoding="utf-8"), re.MULTILINE)
        with zipfile.ZipFile(text.with_suffix(".epub")) as book:
            opf = book.read("EPUB/content.opf").decode()
        epub = re.search(r"<dc:identifier[^>]*>([^<]+)</dc:identifier>", opf)
        assert stated is not None and epub is not None
        assert text.stem not in found, f"{text.stem} twice"
        found[text.stem] = (stated[1], epub[1])
    return found


def test_builds_killed_at_random_points_leave_a_folder_a_rebuild_makes_whole(tmp_path):
    rng = random.Random(SEED)
    inputs, out, bag = tmp_path / "in", tmp_path / "out", tmp_path / "bag"
    write_inputs(inputs)
    kills = 0
    for trial in range(TRIALS):
        layout, jobs = layout_of(trial), 1 if trial // 2 % 2 == 0 else 2
        for number in rng.sample(range(ARTICLES), 2):  # something to build in every trial
            story = inputs / f"a{number}.txt"
            story.write_text(story.read_text() + f"\nTrial {trial} added this sentence.\n")
        mark = f"PUBLISH_CRASH_TRIAL={uuid.uuid4()}"
        env = {**os.environ, mark.split("=")[0]: mark.split("=")[1]}
        args = build_args(inputs, out, bag, layout, jobs)
        if trial // 4 % 2 == 0:
            step = rng.randint(1, MOST_STEPS)
            killed = subprocess.run(
                [sys.executable, "-c", KILL_AT_STEP, str(step), *args], env=env, capture_output=True, text=True
            )
            how = f"at step {step}"
        else:
            delay = rng.uniform(0.05, LATEST_KILL)
            process = subprocess.Popen([sys.executable, "-m", "publish", *args], env=env, stderr=subprocess.PIPE)
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            killed = subprocess.CompletedProcess(process.args, process.returncode, "", "")
            how = f"after {delay:.2f} s"
        kills += killed.returncode == -signal.SIGKILL
        where = f"trial {trial} ({layout}, --jobs {jobs}, killed {how}, rc {killed.returncode})"
        assert killed.returncode in (0, -signal.SIGKILL), (where, killed.stderr)
        assert wait_for_no_process(mark) == [], f"{where}: processes left behind"

        rebuilt = subprocess.run([sys.executable, "-m", "publish", *args], env=env, capture_output=True, text=True)
        assert rebuilt.returncode == 0, (where, rebuilt.stderr)
        assert wait_for_no_process(mark) == [], f"{where}: the rebuild left processes behind"
        verified = subprocess.run([sys.executable, "-m", "publish", "verify", str(out)], capture_output=True, text=True)
        assert verified.returncode == 0, (where, verified.stderr)
        assert verified.stdout.startswith(f"{2 * ARTICLES} editions verified, 0 changed, 0 missing, 0 not listed")
        for manifest in out.rglob("SHA256SUMS"):
            sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=manifest.parent, capture_output=True)
            assert sums.returncode == 0, (where, manifest, sums.stdout)
        found = identifiers(out)
        expected = {
            (article := read_article(inputs / f"a{number}.txt").article).slug: (article.identifier,) * 2
            for number in range(ARTICLES)
        }
        assert found == expected, where  # one set per article, in one place, from its current text
        places = {path.parent.relative_to(out).as_posix() for path in out.rglob("*.txt")}
        assert places == ({"."} if layout == "flat" else {"2024/05/01", "2024/05/02", "2024/05/03", "undated"})
        assert [p.name for p in out.rglob("*") if p.name.endswith(".tmp") or "staging" in p.name] == [], where
        bagged = bagit.Bag(str(bag))
        bagged.validate()
        assert sorted(bagged.payload_files()) == sorted(
            f"data/{slug}.{suffix}" for slug in expected for suffix in ("epub", "txt")
        ), where
    assert kills >= TRIALS * 3 // 4  # most trials were really killed mid-build


@pytest.mark.parametrize("how", ["SIGKILL", "SIGHUP"])
def test_a_pool_build_killed_or_hung_up_leaves_no_process_behind(tmp_path, how):
    """Point 9: a pool's workers end when their build is killed (they look for their
    parent); SIGHUP, a closed terminal, stops a build as Ctrl-C does (staging removed, the
    manifest true)."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    write_inputs(inputs)
    for number in range(ARTICLES, 40):
        (inputs / f"b{number}.txt").write_text(
            f"title: Long story {number}\ndate: 2024-05-01\n\n" + "The council met again today. " * 400 + "\n"
        )
    mark = f"PUBLISH_CRASH_TRIAL={uuid.uuid4()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "build", str(inputs), "--out", str(out), "--format", "pdf", "--jobs", "2"],
        env={**os.environ, mark.split("=")[0]: mark.split("=")[1]},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("wrote ")  # the pool is at work
    assert len(processes_marked(mark)) >= 3  # the build and its two workers
    process.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGHUP)
    _, errors = process.communicate(timeout=60)
    assert wait_for_no_process(mark) == []
    if how == "SIGHUP":
        assert process.returncode == 130
        assert errors.splitlines()[-1] == (
            "error: interrupted; editions already written are complete, nothing partial was left"
        )
        assert [p.name for p in out.iterdir() if "staging" in p.name or p.name.endswith(".tmp")] == []
        verified = subprocess.run([sys.executable, "-m", "publish", "verify", str(out)], capture_output=True)
        assert verified.returncode == 0, verified.stderr
    else:
        assert process.returncode == -signal.SIGKILL
