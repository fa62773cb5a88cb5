"""One message format everywhere (issue 32, point 5): `FILE:LINE: severity: message (hint: ...)`,
FILE:LINE left out where unknown, `FILE: ` where no line is known, one line each. This file
runs last (tests/conftest.py) and checks every message every CLI test before it provoked,
besides those it provokes itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import BAD, CLI_RUNS, SEED

#: The one format. A message with no file must not start with one the format should have put
#: first (`error: dist/a.txt: ...`), nor with the line it should have put after the file.
MESSAGE = re.compile(
    r"(?:(?P<file>[^\s:][^:]*?)(?::(?P<line>[1-9]\d*))?: )?(?P<severity>error|warning|note): (?P<message>\S.*)"
)
_PATH_FIRST = re.compile(r"(?:[^\s:]*/[^\s:]*|<stdin>|[^\s:]+\.(?:txt|json|xml|toml|epub|pdf))(?::\d+)?: ")
#: What publish's standard error holds besides messages: a --verbose traceback, click's
#: usage errors, a library's Python warning, Dask's log.
_NOT_MESSAGES = ("--verbose", "-v", "--cluster")


def misshapen(stderr: str) -> list[str]:
    """The lines of `stderr` that are not one message of the one format."""
    wrong = []
    for line in stderr.splitlines():
        found = MESSAGE.fullmatch(line)
        if (
            found is None
            or (
                found["file"] is None
                and (_PATH_FIRST.match(found["message"]) or re.match(r"line \d+: ", found["message"]))
            )
            or (found["line"] is None and re.match(r"line \d+: ", found["message"]))
        ):
            wrong.append(line)
    return wrong


def checked_runs() -> list[tuple[list[str], str]]:
    return [
        (args, stderr)
        for args, stderr in CLI_RUNS
        if not any(flag in args for flag in _NOT_MESSAGES) and not stderr.startswith("Usage: ")
    ]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_the_regex_tells_the_one_format_from_the_old_ones():
    good = [
        "dist/a.txt:3: error: empty article (hint: check it)",
        "<stdin>:1: warning: unknown header 'x' ignored",
        "/tmp/in/a.txt: warning: removed 1 control character (U+0001)",
        "error: --width = 5: expected a whole number from 20 to 400",
        "note: waiting for the build into dist to finish",
        "error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: Connection refused",
    ]
    old = [
        "error: dist/a.txt:3: empty article",
        "warning: /tmp/in/a.txt: removed 1 control character",
        "problem: dist/a.epub: ERROR(RSC-005): bad",
        "changed: dist/a.txt",
        "/tmp/a.txt: warning: line 3: unknown header 'x' ignored",
        "a message wrapped by the termin-",
    ]
    assert [misshapen(line) for line in good] == [[]] * len(good)
    assert [misshapen(line) for line in old] == [[line] for line in old]


def test_every_message_the_cli_gives_has_the_one_format(tmp_path):
    """What this test provokes (an error with a line, one with a file only, one with
    neither; warnings with and without a line; notes; check's and verify's problems; a
    digest's warning), then every CLI run of the tests before it."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "w.txt").write_text("title: T\ndate: 2024-01-01\nfoo: bar\n\nBody \x01 text.\n", encoding="utf-8")
    shutil.copy(BAD / "empty.txt", inputs / "empty.txt")
    out = tmp_path / "out"
    built = cli("build", str(inputs), "--out", str(out), "--format", "txt")
    assert built.returncode == 1
    assert f"{inputs / 'w.txt'}:3: warning: unknown header 'foo' ignored" in built.stderr.splitlines()
    assert f"{inputs / 'w.txt'}: warning: removed 1 control character (U+0001)" in built.stderr.splitlines()
    assert f"{inputs / 'empty.txt'}:1: error: empty article: the file has no text" in built.stderr.splitlines()
    assert cli("build", str(SEED), "--width", "5").stderr.startswith("error: --width = 5: ")
    assert cli("inspect", str(inputs / "w.txt")).stderr.splitlines()[-1].startswith(f"{inputs / 'w.txt'}:3: warning:")
    document = json.loads(cli("inspect", str(inputs / "w.txt"), "--json").stdout)
    assert {"file": str(inputs / "w.txt"), "line": 3, "message": "unknown header 'foo' ignored"} in document["warnings"]
    (out / "notes.txt").write_text("mine\n")
    [edition] = out.glob("2024-*.txt")
    edition.write_text(edition.read_text(encoding="utf-8") + "\nextra\n", encoding="utf-8")
    checked = cli("check", str(out))
    assert f"{out / 'notes.txt'}: error: not in SHA256SUMS" in checked.stderr.splitlines()
    verified = cli("verify", str(out))
    assert f"{edition}: error: changed since SHA256SUMS was written" in verified.stderr.splitlines()
    digest = cli("collect", str(SEED), "--title", "D", "--out", str(tmp_path / "digest"), "--format", "txt,ascii")
    assert digest.stderr.startswith("warning: a digest has no ascii edition")
    runs = checked_runs()
    assert len(runs) >= 6
    wrong = {" ".join(args): lines for args, stderr in runs if (lines := misshapen(stderr))}
    assert wrong == {}
