"""Issue 32: the command line a script drives. `--json` events (every line checked against the
schema the package ships), `--dry-run` (nothing written), `-` (an article on standard input),
progress on a terminal only, and `collect`'s summary line."""

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from conftest import BAD, SEED, on_a_terminal

SCHEMA = json.loads(files("publish").joinpath("data/schemas/cli-events.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "publish", *args],
        capture_output=True,
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        timeout=300,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def events(result: subprocess.CompletedProcess[str]) -> list[dict]:
    """Every line of standard output, each one valid against the shipped schema."""
    lines = result.stdout.splitlines()
    parsed = [json.loads(line) for line in lines]
    for event in parsed:
        VALIDATOR.validate(event)
    return parsed


def two_articles(folder: Path) -> Path:
    folder.mkdir()
    for number in (1, 2):
        (folder / f"a{number}.txt").write_text(
            f"title: Story {number}\ndate: 2024-03-0{number}\n\nThe council met. It agreed item {number}.\n"
        )
    return folder


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` (hidden ones too) with its size and modification time."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_schema_is_a_valid_schema():
    """(`tests/test_packaging.py` finds it in the wheel.)"""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# --- Point 1: --json ---------------------------------------------------------------------------------------


def test_build_json_one_event_per_article_then_a_summary(tmp_path):
    inputs = two_articles(tmp_path / "in")
    (inputs / "bad.txt").write_bytes((BAD / "impossible_date.txt").read_bytes())
    out = tmp_path / "out"
    first = run("build", str(inputs), "--out", str(out), "--format", "txt", "--json")
    human = run("build", str(inputs), "--out", str(tmp_path / "human"), "--format", "txt")
    assert first.returncode == human.returncode == 1  # exit codes unchanged
    assert first.stderr == ""  # everything is in the events
    found = events(first)
    assert [event["event"] for event in found] == ["article", "article", "article", "summary"]
    by_source = {Path(event["source"]).name: event for event in found[:-1]}
    assert by_source["a1.txt"]["status"] == "built"
    assert by_source["a1.txt"]["written"] == [str(out / "2024-03-01-story-1.txt")]
    failed = by_source["bad.txt"]
    assert failed["status"] == "failed" and failed["written"] == []
    assert failed["error"]["file"] == str(inputs / "bad.txt") and failed["error"]["line"] == 1
    assert failed["error"]["kind"] == "InputError" and failed["error"]["message"]
    summary = found[-1]
    assert (summary["articles"], summary["built"], summary["failed"], summary["exit_code"]) == (3, 2, 1, 1)
    again = events(run("build", str(inputs), "--out", str(out), "--format", "txt", "--json"))
    assert [event["status"] for event in again[:-1]] == ["up-to-date", "up-to-date", "failed"]
    assert again[1]["slug"] == "2024-03-02-story-2" and again[1]["date"] == "2024-03-02"
    assert again[-1]["up_to_date"] == 2


def test_a_command_that_cannot_run_ends_its_events_with_an_error(tmp_path):
    result = run("build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"), "--json")
    assert result.returncode == 2
    (event,) = events(result)
    assert event["event"] == "error" and event["exit_code"] == 2
    assert event["error"]["kind"] == "OptionsError" and "no such file or folder" in event["error"]["message"]
    assert result.stderr.startswith(f"{tmp_path / 'missing.txt'}: error: ")


def test_check_verify_and_inspect_json(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    checked = events(run("check", str(out), "--json"))
    assert checked[-1] == {"event": "summary", "command": "check", "checked": 2, "problems": 0, "exit_code": 0}
    verified = events(run("verify", str(out), "--json"))
    assert [event["status"] for event in verified[:-1]] == ["verified", "verified"]
    assert verified[-1]["verified"] == 2 and verified[-1]["exit_code"] == 0

    (out / "2024-03-02-story-2.txt").write_text("edited\n")
    (out / "extra.txt").write_text("not ours\n")
    verify = run("verify", str(out), "--json")
    assert verify.returncode == 1
    found = {Path(event["file"]).name: event["status"] for event in events(verify)[:-1]}
    assert found == {
        "2024-03-02-story-2.txt": "changed",
        "2024-03-01-story-1.txt": "verified",
        "extra.txt": "not-listed",
    }
    check = run("check", str(out), "--json")
    assert check.returncode == 1
    problems = [event for event in events(check) if event["event"] == "problem"]
    assert {"file": str(out / "extra.txt"), "line": None, "message": "not in SHA256SUMS"} in [
        {key: event[key] for key in ("file", "line", "message")} for event in problems
    ]

    inspected = run("inspect", str(SEED), "--json")
    assert inspected.returncode == 0
    document = json.loads(inspected.stdout)
    VALIDATOR.validate(document)
    assert document["article"]["dateline"]["place"] == "BAKU, Azerbaijan" and document["format"] == "model"
    ninjs = json.loads(run("inspect", str(SEED), "--json", "--format", "ninjs").stdout)
    VALIDATOR.validate(ninjs)
    assert ninjs["article"]["uri"].startswith("urn:")


def test_collect_json_and_summary_line(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    human = run("collect", str(inputs), "--title", "Desk", "--out", str(out), "--format", "txt")
    assert human.returncode == 0, human.stderr
    lines = human.stdout.splitlines()
    assert lines[0] == f"wrote {out / 'undated-desk.txt'}"
    assert lines[-1].startswith("2 articles: 1 digest, 1 built (1 edition), 0 up to date, in ")
    found = events(run("collect", str(inputs), "--title", "Desk", "--out", str(out), "--format", "txt", "--json"))
    assert [event["event"] for event in found] == ["digest", "summary"]
    assert found[0]["status"] == "up-to-date" and found[0]["articles"] == 2
    assert found[1]["up_to_date"] == 1 and found[1]["exit_code"] == 0


# --- Point 2: --dry-run ------------------------------------------------------------------------------------


def test_dry_run_of_a_first_build_makes_no_folder(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    result = run("build", str(inputs), "--out", str(out), "--format", "txt,epub", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not out.exists()
    assert result.stdout.splitlines() == [
        f"would build {inputs / 'a1.txt'} (no build yet)",
        f"would write {out / '2024-03-01-story-1.epub'}",
        f"would write {out / '2024-03-01-story-1.txt'}",
        f"would build {inputs / 'a2.txt'} (no build yet)",
        f"would write {out / '2024-03-02-story-2.epub'}",
        f"would write {out / '2024-03-02-story-2.txt'}",
        "dry run, nothing written: 2 articles: 2 to build (4 editions), 0 up to date, 0 failing",
    ]
    found = events(run("build", str(inputs), "--out", str(out), "--format", "txt", "--dry-run", "--json"))
    assert [event["status"] for event in found[:-1]] == ["would-build", "would-build"]
    assert found[0]["would_write"] == [str(out / "2024-03-01-story-1.txt")] and found[0]["written"] == []
    assert found[-1]["dry_run"] is True and found[-1]["built"] == 2
    assert not out.exists()


def test_dry_run_on_a_built_folder_changes_nothing_and_says_why(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    (inputs / "held.json").write_text(
        json.dumps(
            {
                "uri": "urn:x:held",
                "version": "1",
                "embargoed": "2099-01-01T00:00:00Z",
                "headlines": [{"role": "main", "value": "Later"}],
                "body_text": "Not yet. Soon.",
            }
        )
    )
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    (inputs / "a2.txt").write_text("title: Story 2\ndate: 2024-03-02\n\nThe council met again.\n")
    (inputs / "bad.txt").write_bytes((BAD / "impossible_date.txt").read_bytes())
    before = tree(out)
    result = run("build", str(inputs), "--out", str(out), "--format", "txt", "--dry-run")
    assert tree(out) == before  # no edition, lock, record, journal or manifest touched
    assert result.returncode == 1  # as the build would: an article fails to read
    lines = result.stdout.splitlines()
    assert f"up to date: {inputs / 'a1.txt'}" in lines
    assert f"would build {inputs / 'a2.txt'} (its input changed since it was built)" in lines
    assert any(line.startswith(f"would hold {inputs / 'held.json'}: item urn:x:held is embargoed") for line in lines)
    assert result.stderr.startswith(f"{inputs / 'bad.txt'}:1: error: ")
    assert lines[-1] == "dry run, nothing written: 4 articles: 1 to build (1 edition), 1 up to date, 1 held, 1 failing"
    found = events(run("build", str(inputs), "--out", str(out), "--format", "txt,ninjs", "--dry-run", "--json"))
    assert tree(out) == before
    reasons = {Path(event["source"]).name: (event["status"], event["reason"]) for event in found[:-1]}
    # Only the edition added is made (issue 31's per-edition keys): the text edition stays.
    assert reasons["a1.txt"] == (
        "would-build",
        "only its ninjs edition is out of date (not made yet, or a setting that shapes it changed)",
    )
    assert [Path(path).suffix for path in found[0]["would_write"]] == [".json"]
    assert reasons["held.json"][0] == "held" and reasons["bad.txt"][0] == "would-fail"


def test_collect_dry_run_writes_nothing(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    result = run("collect", str(inputs), "--title", "Desk", "--out", str(out), "--format", "txt", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not out.exists()
    assert result.stdout.splitlines()[:2] == [
        "would build digest undated-desk (no build yet)",
        f"would write {out / 'undated-desk.txt'}",
    ]
    assert run("collect", str(inputs), "--title", "Desk", "--out", str(out), "--format", "txt").returncode == 0
    before = tree(out)
    again = run("collect", str(inputs), "--title", "Desk", "--out", str(out), "--format", "txt", "--dry-run", "--json")
    found = events(again)
    assert found[0]["status"] == "up-to-date" and found[0]["dry_run"] is True
    assert tree(out) == before


# --- Point 3: - reads standard input -------------------------------------------------------------------------

PIPED = b"title: Piped story\ndate: 2024-03-05\n\nThe text came on a pipe. It was built.\n"


def test_an_article_on_standard_input_is_named_by_its_headline_or_by_name(tmp_path):
    out = tmp_path / "out"
    result = run("build", "-", "--out", str(out), "--format", "txt", stdin=PIPED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"wrote {out / '2024-03-05-piped-story.txt'}"
    text = (out / "2024-03-05-piped-story.txt").read_text()
    assert "Source-File: <stdin>\n" in text and "The text came on a pipe." in text
    named = events(
        run("build", "-", "--name", "Lead story", "--out", str(out), "--format", "txt", "--json", stdin=PIPED)
    )
    assert named[0]["source"] == "<stdin>/lead-story" and named[0]["written"] == [str(out / "lead-story.txt")]
    # Each piped article keeps its editions: a second one does not replace the first.
    assert sorted(path.name for path in out.glob("*.txt")) == ["2024-03-05-piped-story.txt", "lead-story.txt"]
    assert run("verify", str(out)).returncode == 0


def test_standard_input_beside_files_and_its_errors(tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    both = run("build", str(inputs / "a1.txt"), "-", "--out", str(out), "--format", "txt", stdin=PIPED)
    assert both.returncode == 0, both.stderr
    assert "1 article" not in both.stdout and both.stdout.splitlines()[-1].startswith("2 articles: 2 built")
    empty = run("build", "-", "--out", str(out), "--format", "txt", stdin=b"")
    assert empty.returncode == 1 and empty.stderr.startswith("<stdin>:") and ": error: " in empty.stderr
    assert run("build", str(inputs), "--name", "x", "--out", str(out)).returncode == 2  # --name without -
    twice = run("build", "-", "-", "--out", str(out), stdin=PIPED)
    assert twice.returncode == 2 and "more than once" in twice.stderr
    ninjs = json.dumps(
        {"uri": "urn:x:piped", "version": "1", "headlines": [{"role": "main", "value": "From JSON"}], "body_text": "A."}
    )
    piped = run("build", "-", "--out", str(out), "--format", "txt", "--dry-run", stdin=ninjs.encode())
    assert piped.returncode == 0, piped.stderr
    assert "would build <stdin>/undated-from-json (read from standard input: built every time)" in piped.stdout


# --- Point 8: progress on a terminal only ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "verify", "collect"])
def test_progress_on_a_terminal_and_none_when_piped(command, tmp_path):
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    args = {
        "check": ["check", str(out)],
        "verify": ["verify", str(out)],
        "collect": ["collect", str(inputs), "--title", "Desk", "--out", str(tmp_path / "d"), "--format", "txt"],
    }[command]
    label = {"check": b"checking", "verify": b"verifying", "collect": b"reading"}[command]
    code, seen, _ = on_a_terminal(*args)
    assert code == 0 and label in seen and b"/s" in seen
    piped = run(*args)
    assert piped.returncode == 0 and piped.stderr == ""


# --- Point 4: --config FILE and PUBLISH_CONFIG ---------------------------------------------------------------


def test_config_file_from_the_command_line_or_the_environment_and_where_each_value_came_from(tmp_path):
    inputs = two_articles(tmp_path / "in")
    (tmp_path / "publish.toml").write_text('out = "found"\n')
    house = tmp_path / "house"
    house.mkdir()
    (house / "house.toml").write_text('formats = ["txt"]\nwidth = 50\n')
    shown = run("config", cwd=tmp_path).stdout
    assert 'out = "found"  # folder the editions are written to [publish.toml:1]' in shown
    assert "width = 72  # column width of the text edition [default]" in shown
    given = run("--config", str(house / "house.toml"), "config", cwd=tmp_path).stdout
    assert given.startswith(f"# effective settings (from {house / 'house.toml'})\n")
    assert (
        f'formats = ["txt"]  # editions to build: epub, pdf, txt, ascii, ninjs [{house / "house.toml"}:1, from --con'
        in (given)
    )
    assert 'out = "dist"  # folder the editions are written to [default]' in given  # publish.toml is not read then
    environ = subprocess.run(
        [sys.executable, "-m", "publish", "config"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PUBLISH_CONFIG": str(house / "house.toml")},
        timeout=300,
    )
    assert f"width = 50  # column width of the text edition [{house / 'house.toml'}:2, from PUBLISH_CONFIG]" in (
        environ.stdout
    )
    built = run("--config", str(house / "house.toml"), "build", str(inputs), "--out", "out", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert sorted(path.suffix for path in (tmp_path / "out").glob("2024*")) == [".txt", ".txt"]
    missing = run("--config", "nowhere.toml", "config", cwd=tmp_path)
    assert missing.returncode == 2
    assert (
        missing.stderr
        == "nowhere.toml: error: --config: no such configuration file (hint: give a TOML file of settings)\n"
    )


def test_inspect_reads_standard_input():
    result = run("inspect", "-", "--json", stdin=PIPED)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    VALIDATOR.validate(document)
    assert document["source"] == "<stdin>" and document["article"]["title"] == "Piped story"


# --- Point 7: --bag after an up-to-date build ------------------------------------------------------------------


def test_bag_after_an_up_to_date_build_is_written_and_said(tmp_path):
    """The bag holds the folder's current editions even when nothing was built (also
    `tests/test_hostile_output.py::test_a_bag_lost_to_a_kill_is_written_again_and_an_up_to_date_build_writes_one`)."""
    import bagit

    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    found = events(
        run("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "bag"), "--json")
    )
    assert found[-1]["up_to_date"] == 2 and found[-1]["built"] == 0
    assert found[-1]["bag"] == {"path": str(tmp_path / "bag"), "written": True}
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert sorted(bag.payload_files()) == ["data/2024-03-01-story-1.txt", "data/2024-03-02-story-2.txt"]
    same = events(
        run("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "bag"), "--json")
    )
    assert same[-1]["bag"] == {"path": str(tmp_path / "bag"), "written": False}
    refused = run("build", str(inputs), "--out", str(out), "--bag", str(tmp_path / "bag"), "--dry-run")
    assert refused.returncode == 2 and "a dry run writes no bag" in refused.stderr


def test_dry_run_over_a_damaged_record_says_everything_would_be_built_and_keeps_it(tmp_path):
    """A build sets a record that is not a database aside and builds everything: so says a dry run, touching nothing."""
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    (out / ".publish-state.sqlite").write_bytes(b"not a database at all" * 100)
    before = tree(out)
    result = run("build", str(inputs), "--out", str(out), "--format", "txt", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree(out) == before
    assert result.stdout.splitlines()[-1].startswith("dry run, nothing written: 2 articles: 2 to build")


@pytest.mark.parametrize("case, code", [("built", 0), ("bad input", 1), ("bad usage", 2), ("a bug of publish", 70)])
def test_json_exit_codes_are_those_without_it(tmp_path, case, code):
    """The summary (or error event) repeats the exit code, which --json does not change."""
    from test_cli import BUG

    out = str(tmp_path / "out")
    if case == "a bug of publish":
        completed = subprocess.run(
            [sys.executable, "-c", BUG, "build", str(SEED), "--out", out, "--format", "txt", "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    else:
        source = str(BAD / "empty.txt") if case == "bad input" else str(SEED)
        completed = run("build", source, "--out", out, "--format", "txt", "--json", *(["--width", "5"] * (code == 2)))
    assert completed.returncode == code
    last = events(completed)[-1]
    assert last["exit_code"] == code and last["event"] == ("error" if code == 2 else "summary")
    if code == 70:
        assert events(completed)[0]["error"]["kind"] == "InternalError"
