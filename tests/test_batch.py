"""Batch builds: parallel output identical to serial, incremental, fast start, progress."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import BATCH, SEED, on_a_terminal

from publish.building.builder import build
from publish.inputs import collect_source_names
from publish.options import RenderOptions
from publish.templates import default_template_dir

ARTICLES = BATCH


def editions(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if not p.name.startswith(".")}


def test_parallel_output_is_identical_to_serial(sources, tmp_path):
    serial = build([sources], tmp_path / "serial", jobs=1)
    reported: list[Path] = []
    parallel = build([sources], tmp_path / "parallel", jobs=2, on_result=lambda r: reported.append(r.source))
    assert serial.ok and parallel.ok
    in_order = sorted(sources.glob("*.txt"))
    assert [r.source for r in serial.results] == [r.source for r in parallel.results] == reported == in_order
    assert editions(tmp_path / "serial") == editions(tmp_path / "parallel")
    assert len(editions(tmp_path / "parallel")) == 3 * len(ARTICLES) + 1


def test_incremental_rebuilds_only_what_changed(sources, tmp_path):
    out = tmp_path / "out"
    assert build([sources], out, jobs=2).skipped == 0
    before = stamps(out)

    again = build([sources], out, jobs=2)
    assert again.skipped == len(ARTICLES) and again.written == []
    assert stamps(out) == before

    os.utime(sources / SEED.name, (1, 1))  # a new mtime alone changes nothing
    assert build([sources], out).skipped == len(ARTICLES)

    edited = sources / "header_block.txt"
    edited.write_text(edited.read_text().replace("in May", "in June"))
    third = build([sources], out)
    assert third.skipped == len(ARTICLES) - 1
    assert [r.source.name for r in third.results if not r.skipped] == ["header_block.txt"]

    tampered = (
        next(out.glob("*georgian*.pdf")) if list(out.glob("*georgian*.pdf")) else next(out.glob("2024-08-20*.pdf"))
    )
    tampered.write_bytes(b"broken")
    fourth = build([sources], out)
    assert [r.source.name for r in fourth.results if not r.skipped] == ["georgian.txt"]
    assert tampered.read_bytes().startswith(b"%PDF")

    assert build([sources], out, options=RenderOptions(width=60)).skipped == 0
    assert build([sources], out, options=RenderOptions(width=60), force=True).skipped == 0


def test_a_changed_template_rebuilds_its_edition_of_every_article(sources, tmp_path):
    out = tmp_path / "out"
    theme = tmp_path / "theme"
    (theme / "epub").mkdir(parents=True)
    shutil.copy(default_template_dir() / "epub" / "article.css", theme / "epub" / "article.css")
    options = RenderOptions(template_dirs=(theme,))
    assert build([sources], out, options=options).ok
    assert build([sources], out, options=options).skipped == len(ARTICLES)
    with (theme / "epub" / "article.css").open("a") as css:
        css.write("\nh1 { color: maroon; }\n")
    rebuilt = build([sources], out, options=options)
    assert rebuilt.skipped == 0
    assert sorted(path.suffix for path in rebuilt.written) == [".epub"] * len(ARTICLES)  # only the EPUBs
    epub = next(path for path in rebuilt.written if path.suffix == ".epub")
    with zipfile.ZipFile(epub) as book:  # the new stylesheet, not one cached in this process
        assert b"maroon" in book.read("EPUB/css/article.css")


def test_a_library_upgrade_rebuilds_everything(sources, tmp_path, monkeypatch):
    from publish.building import key as keys

    out = tmp_path / "out"
    assert build([sources], out).ok
    assert build([sources], out).skipped == len(ARTICLES)
    upgraded = {**keys.library_versions(), "reportlab": "999.0"}
    monkeypatch.setattr(keys, "library_versions", lambda: upgraded)
    assert build([sources], out).skipped == 0


def _modules_after(*args: str, cwd: Path) -> str:
    script = (
        "import sys; from publish.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('reportlab', 'ebooklib', 'lxml', 'rich', 'jinja2') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_help_and_text_builds_do_not_load_the_heavy_renderers(tmp_path):
    assert _modules_after("--help", cwd=tmp_path) == "[]"
    loaded = _modules_after("build", str(SEED), "--format", "txt", "--out", str(tmp_path / "d"), "-q", cwd=tmp_path)
    assert "reportlab" not in loaded and "ebooklib" not in loaded and "jinja2" not in loaded


def test_plain_lines_quiet_and_summary(sources, tmp_path):
    run = [sys.executable, "-m", "publish", "build", str(sources), "--format", "txt"]
    loud = subprocess.run([*run, "--out", str(tmp_path / "a")], capture_output=True, text=True, timeout=300)
    assert loud.returncode == 0
    lines = loud.stdout.strip().splitlines()
    assert sum(line.startswith("wrote ") for line in lines) == len(ARTICLES)
    assert lines[-1].startswith(
        f"{len(ARTICLES)} articles: {len(ARTICLES)} built ({len(ARTICLES)} editions), 0 up to date, 0 failed, in "
    )
    quiet = subprocess.run([*run, "--out", str(tmp_path / "b"), "--quiet"], capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_progress_bar_on_a_terminal(sources, tmp_path):
    out = str(tmp_path / "out")
    returncode, seen, stdout = on_a_terminal("build", str(sources), "--format", "txt", "--out", out, "--jobs", "2")
    assert returncode == 0
    assert b"building" in seen and b"articles/s" in seen
    assert b"wrote " not in stdout and b"articles: 6 built" in stdout


def test_a_report_keeps_all_changed_or_failed_results_and_always_counts(sources, tmp_path):
    out = tmp_path / "out"
    (sources / "bad.txt").write_bytes(b"\xff\xfe\x00")  # not an article: fails every time
    first = build([sources], out, formats=["txt"], keep="failed")
    assert (first.articles, first.skipped, first.failed, first.editions) == (7, 0, 1, 6)
    assert [r.source.name for r in first.results] == ["bad.txt"] and first.written == [] and not first.ok

    (sources / "russian.txt").write_text((sources / "russian.txt").read_text() + "\nЕщё абзац.\n")
    seen: list[str] = []
    skipped: list[None] = []
    second = build(
        [sources],
        out,
        formats=["txt"],
        keep="changed",
        on_result=lambda r: seen.append(r.source.name),
        on_skip=lambda: skipped.append(None),
    )
    assert (second.articles, second.skipped, second.failed, second.editions) == (7, 5, 1, 1)
    assert [r.source.name for r in second.results] == ["bad.txt", "russian.txt"] == seen
    assert len(skipped) == 5 and [p.name for p in second.written] == [
        "2024-06-04-v-baku-proshla-mezhdunarodnaya-konferentsiya-po-energetike.txt"
    ]

    third = build([sources], out, formats=["txt"])  # the default keeps every result, in input order
    assert [r.source.name for r in third.results] == sorted(p.name for p in sources.iterdir())
    assert [r.skipped for r in third.results].count(True) == 6 and third.results[0].slug is not None
    with pytest.raises(ValueError, match="keep must be one of"):
        build([sources], out, keep="some")


def test_folders_are_listed_in_path_order_without_a_path_per_file(tmp_path):
    folder = tmp_path / "in"
    for name in ("a-b/y.txt", "a/x.txt", "a.txt", "b/.hidden/z.txt", "b/c.json", "B.txt", "a/notes.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x")
    (folder / "link.txt").symlink_to(folder / "a.txt")  # the same file twice: listed once, as first named
    listed = collect_source_names([folder])
    assert [name for name, _ in listed] == [
        str(folder / n) for n in ("B.txt", "a/x.txt", "a-b/y.txt", "a.txt", "b/c.json")
    ]
    assert [Path(name) for name, _ in listed] == sorted(Path(name) for name, _ in listed)
    assert all(absolute == os.path.abspath(name) for name, absolute in listed)


def test_a_link_is_one_article_whether_its_target_comes_before_or_after_it(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name in ("b.txt", "sub/z.txt"):
        (folder / name).write_text("x")
    (folder / "a-first.txt").symlink_to(folder / "b.txt")  # the link comes first: it names the article
    (folder / "c-second.txt").symlink_to(folder / "b.txt")  # a second link to it: left out
    (folder / "z-late.txt").symlink_to(folder / "sub" / "z.txt")  # the target came first: the link is left out
    (folder / "d.txt").symlink_to(tmp_path / "elsewhere.txt")  # a target outside the folder: an article
    (tmp_path / "elsewhere.txt").write_text("y")
    listed = [Path(name).relative_to(folder).as_posix() for name, _ in collect_source_names([folder])]
    assert listed == ["a-first.txt", "d.txt", "sub/z.txt"]
    # Two paths given: every identity is remembered, the result is the same.
    both = [Path(name).relative_to(folder).as_posix() for name, _ in collect_source_names([folder, folder / "b.txt"])]
    assert both == ["a-first.txt", "d.txt", "sub/z.txt"]


def test_a_batch_planned_in_several_segments_builds_and_reports_as_one(tmp_path, sources, monkeypatch):
    import publish.building.plan

    whole = build([sources], tmp_path / "whole", ["txt"])
    monkeypatch.setattr(publish.building.plan, "SEGMENT", 2)
    segmented = build([sources], tmp_path / "segmented", ["txt"], jobs=2)
    assert [r.source for r in segmented.results] == [r.source for r in whole.results]
    assert segmented.written == [tmp_path / "segmented" / path.name for path in whole.written]
    for path in whole.written:
        assert (tmp_path / "segmented" / path.name).read_bytes() == path.read_bytes()
    (sources / "russian.txt").write_text((sources / "russian.txt").read_text() + "\nОдна новая строка.\n")
    again = build([sources], tmp_path / "segmented", ["txt"], jobs=2)
    assert [r.skipped for r in again.results] == [r.source.name != "russian.txt" for r in again.results]


def test_a_rebuild_without_results_counts_its_up_to_date_articles_across_segments(tmp_path, sources, monkeypatch):
    import publish.building.plan

    monkeypatch.setattr(publish.building.plan, "SEGMENT", 2)
    build([sources], tmp_path / "out", ["txt"])
    (sources / "georgian.txt").write_text((sources / "georgian.txt").read_text() + "\nახალი ხაზი.\n")
    skipped, seen = [], []
    report = build(
        [sources],
        tmp_path / "out",
        ["txt"],
        jobs=2,
        keep="failed",
        on_skip=lambda: skipped.append(1),
        on_result=seen.append,
    )
    assert (report.articles, report.skipped, len(skipped)) == (len(BATCH), len(BATCH) - 1, len(BATCH) - 1)
    assert [result.source.name for result in seen] == ["georgian.txt"] and seen[0].written
    assert report.results == []


# --- Issue 29: lost workers and the machine's limits ----------------------------------------------


def many(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"a{number:02}.txt").write_text(
            f"title: Story {number}\ndate: 2024-05-01\n\n"
            + "The council met again to discuss the budget. " * 300
            + "\n"
        )
    return folder


def workers_of(pid: int) -> list[int]:
    """The pool workers of process `pid`: its children running its own command line."""
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == pid and (entry / "cmdline").read_bytes() == own:
                    children.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return children


def test_a_pool_worker_killed_mid_batch_costs_a_retry_and_the_batch_goes_on(tmp_path):
    """Point 22: a worker killed as the OOM killer would (SIGKILL) broke the pool: 72
    articles lost, the rest never built, exit 70. Its work is done again; nothing is lost."""
    inputs, out = many(tmp_path / "in", 40), tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "build", str(inputs), "--out", str(out), "--format", "pdf", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("wrote ")
    victims = workers_of(process.pid)
    assert len(victims) == 2
    os.kill(victims[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert stderr == ""
    assert stdout.splitlines()[-1].startswith("40 articles: 40 built (40 editions), 0 up to date, 0 failed")
    assert len(list(out.glob("*.pdf"))) == 40
    assert subprocess.run([sys.executable, "-m", "publish", "verify", str(out)]).returncode == 0


def test_an_article_that_kills_its_worker_every_time_fails_alone(tmp_path, monkeypatch):
    """Point 22: tried again alone, it is lost again: that article fails (not a bug of
    publish's: it needs more than the machine has), and every other is built."""
    import publish.building.work

    inputs = many(tmp_path / "in", 12)
    real = publish.building.work.stage_task

    def greedy(task, *args, **kwargs):
        if task.source.name == "a05.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer ends a worker
        return real(task, *args, **kwargs)

    monkeypatch.setattr(publish.building.work, "stage_task", greedy)  # the pool's forked workers have it too
    report = build([inputs], tmp_path / "out", formats=["txt"], jobs=2)
    assert [(r.source.name, str(r.error)) for r in report.results if r.error] == [
        (
            "a05.txt",
            f"{inputs / 'a05.txt'}: the worker rendering this article was lost each time it was tried, "
            "alone too (killed, perhaps for lack of memory) "
            "(hint: build it alone with --jobs 1, or on a machine with more memory)",
        )
    ]
    assert report.failed == 1 and len(list((tmp_path / "out").glob("*.txt"))) == 11


def test_more_workers_than_the_machine_holds_are_not_started(tmp_path):
    """Point 30: `--jobs 256` on any machine started 256 workers of about 100 MB each; no
    more than the cores and the memory hold are started, and a note says so."""
    inputs = many(tmp_path / "in", 4)
    args = ["build", str(inputs), "--out", str(tmp_path / "out"), "--jobs", "256", "--format", "txt"]
    result = subprocess.run([sys.executable, "-m", "publish", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    cores = os.cpu_count()
    assert re.fullmatch(
        rf"note: 256 workers asked for, {cores} started: this machine has {cores} cores, [\d.]+ GB of memory "
        r"available, and each worker needs a core and about 128 MB\n",
        result.stderr,
    ), result.stderr
