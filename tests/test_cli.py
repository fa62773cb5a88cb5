import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import BAD, ROOT, SEED


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_build_default_uses_seeds_and_dist(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted(p.suffix or p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith("."))
    assert written == [".epub", ".pdf", ".txt", "SHA256SUMS"]
    assert result.stdout.count("wrote ") == 3


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.txt")))
def test_bad_input_one_line_exit_1_nothing_written(name, tmp_path):
    result = run("build", str(BAD / name), "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{BAD / name}:") and ": error: " in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "dist").iterdir()] == [".publish.lock"]  # no edition, no temporary


def test_usage_errors_exit_2(tmp_path):
    assert run("build", str(SEED), "--format", "docx", "--out", str(tmp_path)).returncode == 2
    missing = run("build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"))
    assert (missing.returncode, missing.stderr) == (2, f"{tmp_path / 'missing.txt'}: error: no such file or folder\n")
    assert not (tmp_path / "out").exists()  # nothing made for a build that cannot start
    assert run("build", "--bogus").returncode == 2


def test_inspect_prints_the_model():
    import json

    result = run("inspect", str(SEED))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["dateline"]["place"] == "BAKU, Azerbaijan" and len(data["blocks"]) == 7


def test_help_and_console_script():
    assert "build" in run("--help").stdout
    # The `publish` script pip installed beside this interpreter, whatever PATH holds.
    scripts = Path(sysconfig.get_path("scripts"))
    script = subprocess.run([scripts / "publish", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert script.returncode == 0 and "inspect" in script.stdout


# --- Issue 29: exit 70 only for publish's own bugs ------------------------------------------------------


def two_articles(folder):
    folder.mkdir()
    for number in (1, 2):
        (folder / f"a{number}.txt").write_text(
            f"title: Story {number}\ndate: 2024-03-0{number}\n\nThe council met. It agreed item {number}.\n"
        )
    return folder


def test_a_reader_that_leaves_early_stops_only_the_report(tmp_path):
    """Point 23: `publish build | head -1` builds everything, quietly, exit 0."""
    inputs = two_articles(tmp_path / "in")
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "build", str(inputs), "--out", str(tmp_path / "out"), "--format", "txt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("wrote ")
    process.stdout.close()  # what `head -1` does after its line
    assert process.wait(timeout=300) == 0
    assert process.stderr.read() == ""
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == [
        "2024-03-01-story-1.txt",
        "2024-03-02-story-2.txt",
    ]
    assert run("verify", str(tmp_path / "out")).returncode == 0


@pytest.mark.parametrize("command", ["build", "config"])
def test_a_full_standard_output_is_one_line_exit_1(tmp_path, command):
    """Point 23: `> /dev/full`: the work is done, the report lost, and that is said."""
    args = (
        ["build", str(two_articles(tmp_path / "in")), "--out", str(tmp_path / "out")]
        if command == "build"
        else ["config"]
    )
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "publish", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
        )
    assert result.returncode == 1
    assert result.stderr == (
        "error: cannot write to standard output: No space left on device "
        "(hint: the work was done; its report was lost)\n"
    )
    if command == "build":
        assert run("verify", str(tmp_path / "out")).returncode == 0


def test_a_working_folder_that_was_deleted_is_a_usage_error(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    process = subprocess.run(
        f"cd {gone} && rmdir {gone} && {sys.executable} -m publish build",
        shell=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 2
    assert process.stderr == "error: the working folder no longer exists (hint: change to a folder that exists)\n"


def test_a_full_disk_under_the_record_is_one_line_and_leaves_the_folder_true(tmp_path):
    """Point 23: SQLite's "database or disk is full" (here: the record may not grow), mid-build."""
    inputs, out = two_articles(tmp_path / "in"), tmp_path / "out"
    assert run("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    for number in range(3, 60):
        (inputs / f"a{number}.txt").write_text(
            f"title: Story {number}\ndate: 2024-03-01\n\nThe council met. It agreed item {number}.\n"
        )
    code = (
        "import sys, publish.building.record as state\n"
        "opened = state._open\n"
        "def small(folder):\n"
        "    db = opened(folder)\n"
        "    db.execute('PRAGMA max_page_count = ' + str(db.execute('PRAGMA page_count').fetchone()[0] + 1))\n"
        "    return db\n"
        "state._open = small\n"
        "from publish.cli import main\n"
        "sys.argv = ['publish', *sys.argv[1:]]\n"
        "main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "build", str(inputs), "--out", str(out), "--format", "txt", "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"{out / '.publish-state.sqlite'}: error: cannot use the build record: database or disk is full "
        f"(hint: free some space on its disk and build again)"
    )
    again = run("build", str(inputs), "--out", str(out), "--format", "txt")
    assert again.returncode == 0, again.stderr
    assert run("verify", str(out)).returncode == 0


CONTROLS = "control characters and noncharacters are not allowed"
NOT_FOR_FILES = "is not an encoding of text files (for example utf-8, cp1252, cp1251)"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--publisher", "\udcff"], "--publisher = '\\udcff': not UTF-8 text (byte 0xff)"),
        (["--publisher", "Daily\x85News"], f"--publisher = 'Daily\\x85News': {CONTROLS}"),
        (["--publisher", "Daily\x7fNews"], f"--publisher = 'Daily\\x7fNews': {CONTROLS}"),
        (["--encoding", "punycode"], f"--encoding = 'punycode': punycode {NOT_FOR_FILES}"),
        (["--encoding", "undefined"], f"--encoding = 'undefined': undefined {NOT_FOR_FILES}"),
    ],
)
def test_bad_bytes_controls_and_codecs_in_options_are_usage_errors(tmp_path, args, message):
    """Points 25 and 26."""
    result = run("build", str(SEED), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2
    assert result.stderr == f"error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_digest_title_with_a_control_character_is_a_usage_error(tmp_path):
    result = run("collect", str(SEED), "--out", str(tmp_path / "out"), "--title", "A\x01B")
    assert result.returncode == 2
    assert result.stderr == (f"error: --title 'A\\x01B': {CONTROLS} (hint: give the digest a title of plain text)\n")


@pytest.mark.parametrize(
    "content, message",
    [
        (
            'publisher = "Daily\\u0085News"\n',
            f"publish.toml:1: error: setting 'publisher' = 'Daily\\x85News': {CONTROLS}",
        ),
        ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "publish.toml: error: nested too deeply to be a configuration"),
    ],
    ids=["NEL", "deep"],
)
def test_a_configuration_with_a_control_or_nested_too_deep_is_a_usage_error(tmp_path, content, message):
    (tmp_path / "publish.toml").write_text(content)
    result = run("config", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"{message}\n"


BUG = (
    "import sys, publish.render.text as text\n"
    "def broken(article, options):\n"
    "    raise TypeError('a bug of publish')\n"
    "text.render_text = broken\n"
    "from publish.cli import main\n"
    "sys.argv = ['publish', *sys.argv[1:]]\n"
    "main()"
)


@pytest.mark.parametrize(
    "case, code, last_line",
    [
        ("built", 0, "1 article: 1 built (1 edition), 0 up to date, 0 failed"),
        ("bad input", 1, f"{BAD / 'empty.txt'}:1: error: empty article: the file has no text"),
        ("bad usage", 2, "error: --width = 5: expected a whole number from 20 to 400"),
        ("a bug of publish", 70, "could not render the txt edition: TypeError: a bug of publish"),
    ],
)
def test_exit_codes_mean_what_the_readme_says(tmp_path, case, code, last_line):
    """The README's exit codes: 0 done, 1 bad input (or what the machine lacks), 2 bad
    usage, 70 only for a genuine bug of publish's, 130 interrupted (tests/test_crash.py)."""
    out = str(tmp_path / "out")
    if case == "a bug of publish":
        result = subprocess.run(
            [sys.executable, "-c", BUG, "build", str(SEED), "--out", out, "--format", "txt"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    else:
        source = str(BAD / "empty.txt") if case == "bad input" else str(SEED)
        result = run("build", source, "--out", out, "--format", "txt", *(["--width", "5"] if code == 2 else []))
    assert result.returncode == code
    lines = (result.stdout if code == 0 else result.stderr).splitlines()
    assert last_line in lines[-1]


@pytest.mark.parametrize("shell, marker", [("bash", "_publish_completion()"), ("zsh", "#compdef publish")])
def test_shell_completion_as_the_readme_says(shell, marker):
    """The quick start's line, `eval "$(_PUBLISH_COMPLETE=bash_source publish)"`, gives a
    completion script; and completing `publish bu` offers `build`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_PUBLISH_COMPLETE=bash_source publish)"' in readme
    script = subprocess.run(
        [sys.executable, "-m", "publish"],
        env={**os.environ, "_PUBLISH_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert marker in script.stdout
    offered = subprocess.run(
        [sys.executable, "-m", "publish"],
        env={**os.environ, "_PUBLISH_COMPLETE": "bash_complete", "COMP_WORDS": "publish bu", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "plain,build" in offered.stdout.splitlines()


def test_a_message_above_the_progress_bar_is_one_line_however_narrow_the_terminal(capsys, monkeypatch):
    from publish.cli import _Progress

    monkeypatch.setenv("COLUMNS", "40")
    message = f"{'/very/long/folder/' * 8}story.txt:3: a message much longer than forty columns, never wrapped"
    with _Progress(enabled=True, label="checking", unit="files") as progress:
        progress.start(3)
        assert progress._bar is not None and progress._bar.console.width == 40
        progress.echo(message)
    assert message in capsys.readouterr().err.splitlines()
