"""Shared fixtures: the real seed, the corpus, and the field's own validators."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from publish.check import EpubCheckServer, epubcheck_messages, missing_word
from publish.model import Article
from publish.readers import read_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_264bae632806d3a8.txt"
CORPUS = ROOT / "tests" / "corpus"
BAD = CORPUS / "bad"
GOOD_CORPUS = sorted(CORPUS.glob("*.txt"))


#: Programs the tests look at editions with, as users' tools do: name -> (what for, Debian
#: package, Homebrew formula).
#: (calibre's ebook-convert, for the Kindle path, is optional outside CI: see test_render_epub.)
TOOLS = {
    "java": ("EPUBCheck", "default-jre-headless", "openjdk"),
    "pdftotext": ("the PDF text layer", "poppler-utils", "poppler"),
    "mutool": ("the PDF text layer as MuPDF reads it", "mupdf-tools", "mupdf"),
    "chromium": ("how an EPUB chapter lays out", "chromium", "--cask chromium"),
}


def pytest_configure(config: pytest.Config) -> None:
    """Stop at once, with one message, where a tool is missing: not dozens of failures."""
    missing = [name for name in TOOLS if shutil.which(name) is None]
    if missing:
        needs = ", ".join(f"{name} ({TOOLS[name][0]})" for name in missing)
        debian = " ".join(TOOLS[name][1] for name in missing)
        brew = "; ".join(f"brew install {TOOLS[name][2]}" for name in missing)
        them = "them" if len(missing) > 1 else "it"
        pytest.exit(
            f"the tests need {needs}: install {them} (Debian, Ubuntu: apt-get install {debian}; "
            f"macOS: {brew}), or run .ci/run, which does",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


#: Every PDF publish renders in this process during a test (the renderer's one exit is
#: wrapped below), checked when the test ends with the PDFs it wrote to its tmp_path.
_RENDERED: list[bytes] = []
#: The two checkers' verdicts in this test run, by the SHA-256 of the file: many tests
#: build the same PDF.
_PDF_VERDICTS: dict[str, list[str]] = {}


def _capture_rendered_pdfs() -> None:
    from publish.render.pdf import document

    typeset = document._typeset

    def capturing(*args: object, **kwargs: object) -> bytes:
        data = typeset(*args, **kwargs)
        _RENDERED.append(data)
        return data

    document._typeset = capturing


_capture_rendered_pdfs()


def pdf_verdict(data: bytes) -> list[str]:
    """publish's structural checker and page-validation (PDF/UA-1, PDF/A-2a) on one PDF;
    [] means sound."""
    from tagged_pdf import problems, validate

    key = hashlib.sha256(data).hexdigest()
    if key not in _PDF_VERDICTS:
        try:
            _PDF_VERDICTS[key] = problems(data) + validate(data)
        except Exception as error:  # noqa: BLE001 (a PDF the checker cannot read is a verdict)
            _PDF_VERDICTS[key] = [f"unreadable: {error!r}"]
    return _PDF_VERDICTS[key]


@pytest.fixture(autouse=True)
def every_pdf_is_tagged_and_archival(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test, every PDF publish made during it (rendered in this process, or
    written by any process into the test's tmp_path) passes both checkers: the test
    errors at teardown otherwise. Files publish did not make (a user's own PDF, bytes a
    test wrote) are not publish's to check."""
    start = len(_RENDERED)
    yield
    made = _RENDERED[start:]
    del _RENDERED[start:]
    folder = request.node.funcargs.get("tmp_path")
    if isinstance(folder, Path) and folder.is_dir():
        made += [path.read_bytes() for path in sorted(folder.rglob("*.pdf")) if path.is_file()]
    failing = unsound_pdfs(made)
    if failing:
        pytest.fail(f"PDFs that are not tagged PDF/UA-1 and PDF/A-2a: {failing}", pytrace=False)


def unsound_pdfs(made: list[bytes]) -> dict[str, list[str]]:
    """The PDFs publish made among `made` that either checker rejects: digest -> why."""
    return {
        hashlib.sha256(data).hexdigest()[:12]: verdict
        for data in made
        if PUBLISH_PRODUCER in data and (verdict := pdf_verdict(data))
    }


#: The Info dictionary's /Producer of every PDF publish writes.
PUBLISH_PRODUCER = rb"/Producer (publish \(reportlab\))"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PDF_VERDICTS:
        sound = sum(not verdict for verdict in _PDF_VERDICTS.values())
        terminalreporter.write_line(
            f"PDF/UA-1 and PDF/A-2a: {sound} of {len(_PDF_VERDICTS)} distinct PDFs publish made pass both checkers"
        )


def article_from(path: Path) -> Article:
    return read_article(path).article


#: Invisible direction marks, which the print edition writes into its text layer.
DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


#: Pieces of a line closer than this (points) are one word: poppler makes a word only of
#: glyphs drawn left to right, and gives a right-to-left word, drawn in typed order (for
#: MuPDF's sake), letter by letter.
JOINED = 0.5


def joined(pieces: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The words of one line from poppler's pieces (x min, x max, text) in x order."""
    words: list[tuple[float, float, str]] = []
    for start, end, text in pieces:
        if words and start <= words[-1][1] + JOINED:
            words[-1] = (words[-1][0], max(words[-1][1], end), words[-1][2] + text)
        else:
            words.append((start, end, text))
    return words


def words_with_boxes(data: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, xMin, xMax, yMin, word) of a PDF's words from poppler's pdftotext -bbox,
    direction marks taken out, the letters of a right-to-left word joined (`joined`)."""
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines: dict[tuple[int, float], list[tuple[float, float, str]]] = {}
    page = 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if match:
            piece = (float(match[1]), float(match[3]), DIRECTION_MARKS.sub("", match[4]))
            lines.setdefault((page, float(match[2])), []).append(piece)
    return [
        (page, start, end, top, text)
        for (page, top), pieces in lines.items()
        for start, end, text in joined(sorted(pieces))
    ]


def characters_measured(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, work: Callable[[], object]) -> int:
    """The characters `owner.name` (a function measuring text, its first argument) is given
    while `work` runs: a cost that grows 4x for 4x the input when the work is linear, 16x
    when it is quadratic (counted, not timed)."""
    measured = [0]
    original = getattr(owner, name)

    def counting(text: str, *args: object, **kwargs: object) -> object:
        measured[0] += len(text)
        return original(text, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(owner, name, counting)
        work()
    return measured[0]


def on_a_terminal(*args: str) -> tuple[int, bytes, bytes]:
    """Run publish with standard error on a pseudo-terminal: (exit code, what the terminal showed, stdout)."""
    import pty
    import select

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"},
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, seen, stdout


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


#: EPUBCheck run by one JVM for the whole test run: publish's own server (publish/data/EpubCheckServer.java).
_SERVER: list[EpubCheckServer] = []


def _run_epubcheck(path: Path) -> list[str]:
    if not _SERVER:
        _SERVER.append(EpubCheckServer())
    code, printed = _SERVER[0].check(path)
    lines = epubcheck_messages(code, printed)
    return [f"epubcheck exited {code}: {printed}"] if lines is None else lines


def publish_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m publish ARGS` as a user runs it: its own process, exit code and streams."""
    return subprocess.run(
        [sys.executable, "-m", "publish", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


#: A batch with every promised script, a header block and a title-first article.
BATCH = [
    SEED,
    CORPUS / "header_block.txt",
    CORPUS / "russian.txt",
    CORPUS / "armenian.txt",
    CORPUS / "georgian.txt",
    CORPUS / "title_first.txt",
]


@pytest.fixture
def sources(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A folder of input articles: the test module's `ARTICLES`, else `BATCH`."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in getattr(request.module, "ARTICLES", BATCH):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return article_from(SEED)


#: What every `python -m publish` the tests run printed on standard error: (its arguments,
#: its standard error). tests/test_messages.py, run last, checks every message's one format.
CLI_RUNS: list[tuple[list[str], str]] = []
_SUBPROCESS_RUN = subprocess.run


def _recording_run(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    result = _SUBPROCESS_RUN(*args, **kwargs)
    argv = args[0] if args else kwargs.get("args")
    if isinstance(argv, (list, tuple)) and [str(part) for part in argv[1:3]] == ["-m", "publish"]:
        stderr = result.stderr
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "surrogateescape")
        if isinstance(stderr, str):
            CLI_RUNS.append(([str(part) for part in argv[3:]], stderr))
    return result


subprocess.run = _recording_run  # type: ignore[assignment]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """tests/test_messages.py runs last: it reads the messages every test before it provoked."""
    items.sort(key=lambda item: item.path.name == "test_messages.py")
