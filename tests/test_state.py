"""The build record in SQLite: a no-op rebuild reads no file whose stat is unchanged; a
corrupt or missing record rebuilds, an old JSON record is migrated, and two builds into
one folder at once leave a consistent folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, SEED

from publish.building import install, plan
from publish.building.builder import build
from publish.building.install import BuildState
from publish.building.record import OLD_STATE_FILE, STATE_FILE

ARTICLES = [SEED, CORPUS / "header_block.txt", CORPUS / "russian.txt"]


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The files the record reads to decide "unchanged"."""
    calls: list[str] = []
    real = plan.sha256  # (install's is the same function)

    def counting(path: Path) -> str:
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(plan, "sha256", counting)
    monkeypatch.setattr(install, "sha256", counting)
    return calls


def test_a_no_op_rebuild_reads_nothing_and_a_touched_file_is_read_once(sources, tmp_path, hashed):
    out = tmp_path / "out"
    assert build([sources], out, formats=["txt"]).ok
    assert build([sources], out, formats=["txt"]).skipped == 3
    assert hashed == []  # size, mtime and inode decided

    os.utime(sources / SEED.name, ns=(1, 1))
    assert build([sources], out, formats=["txt"]).skipped == 3  # same bytes: nothing rebuilt
    assert hashed == [SEED.name]
    assert build([sources], out, formats=["txt"]).skipped == 3
    assert hashed == [SEED.name]  # the new stat was remembered

    edition = next(out.glob("*conducted*.txt"))
    edition.write_bytes(edition.read_bytes().replace(b"Azerbaijan", b"Azerbaijam"))
    rebuilt = build([sources], out, formats=["txt"])
    assert [r.source.name for r in rebuilt.results if not r.skipped] == [SEED.name]
    assert b"Azerbaijam" not in edition.read_bytes()


def test_force_reads_and_rebuilds_everything(sources, tmp_path, hashed):
    out = tmp_path / "out"
    build([sources], out, formats=["txt"])
    assert build([sources], out, formats=["txt"], force=True).skipped == 0


def test_the_record_is_sqlite_in_wal_mode_with_a_row_per_article_and_edition(sources, tmp_path):
    out = tmp_path / "out"
    build([sources], out, formats=["txt", "epub"])
    db = sqlite3.connect(out / STATE_FILE)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("SELECT count(*) FROM articles").fetchone() == (3,)
    assert db.execute("SELECT count(*) FROM editions").fetchone() == (6,)
    db.close()


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_record_is_set_aside_and_everything_rebuilt(sources, tmp_path, damage):
    out = tmp_path / "out"
    build([sources], out, formats=["txt"])
    for suffix in ("-wal", "-shm"):
        (out / (STATE_FILE + suffix)).unlink(missing_ok=True)
    (out / STATE_FILE).write_bytes(damage)
    again = build([sources], out, formats=["txt"])
    assert again.ok and again.skipped == 0
    assert build([sources], out, formats=["txt"]).skipped == 3
    if damage:
        assert (out / (STATE_FILE + ".corrupt")).read_bytes() == damage


def test_a_missing_record_rebuilds_everything(sources, tmp_path):
    out = tmp_path / "out"
    build([sources], out, formats=["txt"])
    (out / STATE_FILE).unlink()
    again = build([sources], out, formats=["txt"])
    assert again.ok and again.skipped == 0 and len(again.written) == 3


def test_the_old_json_record_is_migrated_and_removed(sources, tmp_path):
    out = tmp_path / "out"
    first = build([sources], out, formats=["txt"])
    (out / STATE_FILE).unlink()
    old = {
        "publish": "0.1.0",
        "articles": {
            str(r.source.resolve()): {
                "key": "0" * 64,
                "slug": r.slug,
                "date": r.date.isoformat(),
                "editions": {r.written[0].name: "0" * 64},
            }
            for r in first.results
        },
    }
    (out / OLD_STATE_FILE).write_text(json.dumps(old))
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SEED, other / "same-slug.txt")
    clash = build([other], out, formats=["txt"])  # the migrated record still holds the seed's slug
    assert clash.results[0].error is None and clash.results[0].slug.endswith("-2")
    assert not (out / OLD_STATE_FILE).exists()
    assert build([sources], out, formats=["txt"]).skipped == 0  # migrated keys cannot be trusted: rebuilt once
    assert build([sources], out, formats=["txt"]).skipped == 3


def test_two_builds_into_one_folder_at_once_leave_it_consistent(sources, tmp_path):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "publish",
        "build",
        str(sources),
        "--out",
        str(out),
        "--format",
        "txt,epub",
        "--jobs",
        "1",
        "--quiet",
    ]
    first = subprocess.Popen(command)
    second = subprocess.Popen([*command, "--force"])
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    verified = subprocess.run(
        [sys.executable, "-m", "publish", "verify", str(out)], capture_output=True, text=True, check=False
    )
    assert verified.returncode == 0 and verified.stdout.startswith("6 editions verified, 0 changed, 0 missing")
    state = BuildState(out, "")
    try:
        rows = list(state.entries())
    finally:
        state.close()
    assert len(rows) == 3 and all(len(editions) == 2 for *_, editions in rows)
    assert build([sources], out, formats=["txt", "epub"]).skipped == 3


def test_the_date_layout_files_editions_by_day_with_a_manifest_in_each(sources, tmp_path):
    out = tmp_path / "out"
    report = build([sources], out, formats=["txt"], layout="date")
    assert sorted(p.relative_to(out).as_posix() for p in report.written) == [
        "2023/09/21/2023-09-21-azerbaijan-conducted-local-anti-terrorist-activities.txt",
        "2024/04/19/2024-04-19-armenia-and-azerbaijan-agree-to-meet-on-border-commission.txt",
        "2024/06/04/2024-06-04-v-baku-proshla-mezhdunarodnaya-konferentsiya-po-energetike.txt",
    ]
    for path in report.written:
        checked = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=path.parent, capture_output=True, text=True, check=False
        )
        assert checked.stdout == f"{path.name}: OK\n"
    assert build([sources], out, formats=["txt"], layout="date").skipped == 3
    undated = sources / "undated.txt"
    undated.write_text("No date in this one, said the official.\n")
    assert [p.relative_to(out).parts[0] for p in build([sources], out, formats=["txt"], layout="date").written] == [
        "undated"
    ]


def test_a_layout_change_rebuilds_and_a_rebuild_rewrites_only_changed_manifests(sources, tmp_path):
    out = tmp_path / "out"
    assert build([sources], out, formats=["txt"]).ok
    assert build([sources], out, formats=["txt"], layout="date").skipped == 0  # the layout names the files
    manifests = sorted(out.rglob("SHA256SUMS"))
    before = {path: path.stat().st_mtime_ns for path in manifests}
    assert build([sources], out, formats=["txt"], layout="date").skipped == 3
    assert {path: path.stat().st_mtime_ns for path in manifests} == before  # a no-op writes no manifest

    (sources / "russian.txt").write_text((sources / "russian.txt").read_text() + "\nЕщё абзац.\n")
    assert build([sources], out, formats=["txt"], layout="date").skipped == 2
    changed = [path.relative_to(out).as_posix() for path in manifests if path.stat().st_mtime_ns != before[path]]
    assert changed == ["2024/06/04/SHA256SUMS"]


def test_a_large_plan_runs_in_processes_that_commit_what_they_refreshed(sources, tmp_path, hashed, monkeypatch):
    out = tmp_path / "out"
    assert build([sources], out, formats=["txt"]).ok
    monkeypatch.setattr(plan, "PARALLEL_PLAN_MIN", 0)
    os.utime(sources / SEED.name, ns=(1, 1))
    (sources / "russian.txt").write_text((sources / "russian.txt").read_text() + "\nЕщё абзац.\n")
    planned = build([sources], out, formats=["txt"], jobs=2)  # two processes plan, each its own share
    assert (planned.skipped, [r.source.name for r in planned.results if not r.skipped]) == (2, ["russian.txt"])
    monkeypatch.setattr(plan, "PARALLEL_PLAN_MIN", 10**9)
    assert build([sources], out, formats=["txt"]).skipped == 3
    assert hashed == []  # the touched file's new stat was committed by the process that read it


# --- Issue 29: the record is the journal; moved and oddly named inputs ------------------------------

STORY = (
    "title: Story {number}\ndate: 2024-03-01\nlanguage: en\n\n"
    "The council met on Monday about item {number}. It agreed.\n"
)


def publish_with(patch: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`publish ARGS` in its own process after `patch` (Python) ran in it: the way to stop
    a build by SIGKILL at an exact point."""
    code = (
        f"import os, signal, sys\n{patch}\nfrom publish.cli import main\nsys.argv = ['publish', *sys.argv[1:]]\nmain()"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publish", *args], capture_output=True, text=True, timeout=300)


def test_a_build_killed_before_its_manifests_has_them_rewritten_by_the_next(tmp_path):
    """Point 7: 256 articles recorded (one transaction), then SIGKILL where the manifest
    is written: the next build, with every article up to date, still rewrites it."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for number in range(256):
        (inputs / f"a{number:03}.txt").write_text(STORY.format(number=number))
    killed = publish_with(
        "import publish.archive\n"
        "publish.archive.write_manifest = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)",
        "build", str(inputs), "--out", str(out), "--format", "txt", "--jobs", "1", "-q",
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    again = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert again.stdout.endswith("256 up to date, 0 failed, in " + again.stdout.rsplit(" in ", 1)[1])
    verified = cli("verify", str(out))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("256 editions verified")


def test_an_article_killed_between_its_renames_is_made_whole_by_the_next_build(tmp_path):
    """Point 8: SIGKILL right after an edited article's EPUB is renamed in, before its text
    edition: the next build into the folder, whatever it builds, finishes the set."""
    inputs, other, out = tmp_path / "in", tmp_path / "other", tmp_path / "out"
    inputs.mkdir()
    other.mkdir()
    story = inputs / "a.txt"
    story.write_text(STORY.format(number=1))
    (other / "b.txt").write_text(STORY.format(number=2).replace("Story 2", "Another story"))
    assert cli("build", str(inputs), "--out", str(out), "--format", "epub,txt").returncode == 0
    story.write_text(STORY.format(number=1).replace("It agreed.", "It agreed again."))
    killed = publish_with(
        "real = os.replace\n"
        "def replace(source, target, *args, **kwargs):\n"
        "    real(source, target, *args, **kwargs)\n"
        "    if str(target).endswith('.epub'):\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = replace",
        "build", str(inputs), "--out", str(out), "--format", "epub,txt", "--jobs", "1",
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert cli("build", str(other), "--out", str(out), "--format", "epub,txt").returncode == 0
    import zipfile

    with zipfile.ZipFile(out / "2024-03-01-story-1.epub") as book:
        epub_text = book.read("EPUB/article.xhtml").decode()
    text = (out / "2024-03-01-story-1.txt").read_text()
    assert "agreed again" in epub_text and "agreed again" in text  # one set, all from the new text
    verified = cli("verify", str(out))
    assert verified.returncode == 0, verified.stderr


def test_a_record_locked_by_another_program_stops_the_build_before_anything_changes(tmp_path):
    """Point 10: exit 1 with one line, no edition renamed in, the manifest still true."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY.format(number=1))
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    edition = out / "2024-03-01-story-1.txt"
    before = edition.read_bytes()
    (inputs / "a.txt").write_text(STORY.format(number=1).replace("It agreed.", "It agreed again."))
    holder = sqlite3.connect(out / STATE_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("build", str(inputs), "--out", str(out), "--format", "txt")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    refusal = (
        f"{out / STATE_FILE}: error: cannot use the build record: database is locked "
        f"(hint: another program holds the record open; close it and build again)\n"
    )
    assert (result.returncode, result.stderr, edition.read_bytes()) == (1, refusal, before)
    assert cli("verify", str(out)).returncode == 0


def test_a_moved_or_renamed_input_keeps_its_article(tmp_path):
    """Point 20: the same file by a new path (renamed, its folder moved, reached through a
    link) is the same article, `--force` or not; so is a copy elsewhere, published once."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY.format(number=1))
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    (inputs / "a.txt").rename(inputs / "b.txt")
    renamed = cli("build", str(inputs), "--out", str(out), "--format", "txt")
    assert renamed.returncode == 0, renamed.stderr
    inputs.rename(tmp_path / "in2")
    moved = cli("build", str(tmp_path / "in2"), "--out", str(out), "--format", "txt", "--force")
    assert moved.returncode == 0, moved.stderr
    (tmp_path / "link").symlink_to(tmp_path / "in2")
    linked = cli("build", str(tmp_path / "link"), "--out", str(out), "--format", "txt")
    assert linked.returncode == 0, linked.stderr
    assert sorted(p.name for p in out.iterdir() if p.name[0] != ".") == ["2024-03-01-story-1.txt", "SHA256SUMS"]
    copies = tmp_path / "copies"
    copies.mkdir()
    shutil.copy(tmp_path / "in2" / "b.txt", copies / "c.txt")
    copied = cli("build", str(copies), "--out", str(out), "--format", "txt")
    assert copied.returncode == 0 and f"{copies / 'c.txt'}: note: same: the same article as" in copied.stderr
    assert sorted(p.name for p in out.iterdir() if p.name[0] != ".") == ["2024-03-01-story-1.txt", "SHA256SUMS"]
    assert cli("verify", str(out)).returncode == 0


def test_an_input_named_with_a_byte_that_is_not_utf8_is_built_like_any_other(tmp_path):
    """Point 21: its name is kept as bytes in the record, shown as its bytes, and escaped in
    the text edition's Source-File."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    odd = os.path.join(os.fsencode(inputs), b"caf\xe9.txt")
    with open(odd, "w", encoding="utf-8") as handle:
        handle.write(STORY.format(number=1))
    (inputs / "plain.txt").write_text(STORY.format(number=2))
    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", str(inputs), "--out", str(out), "--format", "txt"],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"2 articles: 2 built (2 editions)" in result.stdout
    again = cli("build", str(inputs), "--out", str(out), "--format", "txt")
    assert "0 built (0 editions), 2 up to date" in again.stdout
    assert "caf\\xe9.txt" in (out / "2024-03-01-story-1.txt").read_text()  # the byte written as an escape
    assert cli("verify", str(out)).returncode == 0
