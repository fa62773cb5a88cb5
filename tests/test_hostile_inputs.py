"""Hostile inputs (issue 15, items 5, 6, 8, 12, 13): every stage linear and of bounded
depth, devices and pipes bounded, one bad article never stops the batch, checks that
do not lie about publish's own output."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.check import joined_pages, missing_word
from publish.editions import render_all
from publish.model import Editorial, Quotation, Text
from publish.options import RenderOptions
from publish.readers import parse
from publish.readers.lexing import MAX_NESTING, nesting_depth, parse_inlines


def cli(*args: str, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=600
    )


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = load_bench()


# --- 5. Linear time: doubling the input about doubles the time -------------------------------------


def _parse_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        parse(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("pattern", sorted(BENCH.ADVERSARIAL))
def test_parsing_an_adversarial_pattern_is_linear(pattern):
    small = _parse_seconds(BENCH.adversarial_article(pattern, 400_000))
    large = _parse_seconds(BENCH.adversarial_article(pattern, 1_600_000))
    # Quadratic code grows 16x for 4x the input; linear about 4x. Allow noise on a shared machine.
    assert large < 8 * small + 0.05, (pattern, small, large)


def test_a_ten_megabyte_adversarial_article_parses_in_under_five_seconds():
    text = BENCH.adversarial_article("closers", 10_000_000)
    assert len(text.encode()) <= 10 * 1024 * 1024
    started = time.perf_counter()
    parsed = parse(text)
    assert time.perf_counter() - started < 5
    assert parsed.article.blocks[0].text == text.split("\n\n", 1)[1].rstrip("\n").rstrip()


def test_a_paragraph_of_tiny_words_is_laid_out_in_shorter_pieces_cut_in_one_walk():
    from publish.model import plain_text
    from publish.render.pdf.kit import Kit
    from publish.render.pdf.story import _layout_chunks

    body = "[[" + "a " * 20_000 + "end]]"
    paragraph = parse(f"title: Tiny\ndate: 2024-01-01\nlanguage: en\n\n{body}\n").article.blocks[0]
    pieces = _layout_chunks(paragraph.runs)
    # 4,000 characters of prose's 6-character words, in 2-character ones: 1,333 characters a piece.
    assert [len(plain_text(piece)) for piece in pieces[:3]] == [1332, 1332, 1332]
    assert len(pieces) == 30 and len(plain_text(pieces[-1])) == 1379
    assert "".join(plain_text(piece) for piece in pieces) == body
    assert pieces[1] == (Editorial((Editorial((Text("a " * 666),)),)),)  # the nesting kept in every piece
    markup = Kit.make("en", RenderOptions()).markup(pieces[1])
    assert markup.count("<font") == 1 and markup.count("<i>") == 1  # an insertion in an insertion: no new markup


# --- 6. No recursion on input structure ----------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 1500, 100_000])
@pytest.mark.parametrize("opener,closer", [("\u201c", "\u201d"), ("[", "]"), ("\u00ab", "\u00bb")])
def test_deep_nesting_parses_and_renders_every_edition(depth, opener, closer):
    body = f"{opener}a " * depth + "core" + f" {closer}" * depth
    parsed = parse(f"title: Deep\ndate: 2024-01-01\nlanguage: en\n\n{body}\n")
    paragraph = parsed.article.blocks[0]
    assert paragraph.text == body  # not a character lost or added
    assert nesting_depth(paragraph.runs) == MAX_NESTING
    assert parsed.warnings == (
        f"line 5: quotations or brackets nested {MAX_NESTING} deep; marks opened deeper are read as plain text",
    )
    if depth == 1500:
        editions = render_all(parsed.article, ("txt", "epub", "pdf", "ninjs"), RenderOptions())
        assert set(editions) == {"txt", "epub", "pdf", "ninjs"}
        assert parsed.article.to_dict()["identifier"].startswith("urn:uuid:")


def test_a_deeply_nested_article_does_not_stop_the_batch(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("title: Deep\ndate: 2024-01-01\n\n" + "\u201ca " * 5000 + "x\n", encoding="utf-8")
    (inputs / "b.txt").write_text("title: Plain\ndate: 2024-01-02\n\nPlain text here.\n", encoding="utf-8")
    for jobs in ("1", "2"):
        result = cli(
            "build", str(inputs), "--out", str(tmp_path / f"dist{jobs}"), "--jobs", jobs, "--format", "txt,epub,pdf"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1].startswith("2 articles: 2 built (6 editions)")
        assert cli("verify", str(tmp_path / f"dist{jobs}")).returncode == 0


# Hypothesis: the adversarial pieces, freely mixed, at sizes where quadratic code shows.
hostile_piece = st.sampled_from(
    [
        "a] ",
        "[a ",
        "Mr. ",
        "\u201ca ",
        "\u201d",
        "\u00ab",
        "\u00bb",
        "\u201e",
        "[",
        "]",
        "word, and ",
        "a b\n\n",
        " ",
        "x. ",
        "\n",
    ]
)
hostile_text = st.tuples(st.lists(hostile_piece, min_size=1, max_size=12), st.integers(1, 4000)).map(
    lambda pair: "".join(pair[0]) * pair[1]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_adversarial_mixtures_parse_fast_and_losslessly(body):
    started = time.perf_counter()
    try:
        parsed = parse(f"title: Mixed\ndate: 2024-01-01\nlanguage: en\nkeep-breaks: yes\n\n{body}")
    except Exception as error:  # noqa: BLE001 - only "no paragraphs" may be refused
        assert "no paragraphs" in str(error)
        return
    assert time.perf_counter() - started < 2.0  # at most ~60 KB: linear code takes milliseconds
    # Paragraphs are runs of lines that are not blank (a line of spaces is blank too).
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n[^\S\n]*(?=\n)", body) if block.strip()]
    assert [p.text for p in parsed.article.blocks] == paragraphs
    for paragraph in parsed.article.blocks:
        assert nesting_depth(paragraph.runs) <= MAX_NESTING


def test_parse_inlines_keeps_its_meaning():
    assert parse_inlines("a \u201cb [c] d\u201d e") == (
        Text("a "),
        Quotation((Text("\u201cb "), Editorial((Text("[c]"),)), Text(" d\u201d"))),
        Text(" e"),
    )
    assert parse_inlines("a] [b \u201cc") == (Text("a] [b "), Quotation((Text("\u201cc"),), closed=False))


# --- 8. Devices and pipes ------------------------------------------------------------------------

LIMIT_LINE = (
    "more than 10,485,760 bytes; the limit for one article is 10,485,760 (hint: split it into several articles)"
)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_inspect_a_device_is_bounded_and_one_line(device):
    result = subprocess.run(
        ["prlimit", "--as=1500000000", sys.executable, "-m", "publish", "inspect", device],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"{device}: error: {LIMIT_LINE}\n"


def test_build_from_a_device_fails_that_article_only(tmp_path):
    result = cli("build", "/dev/urandom", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt")
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"/dev/urandom: error: {LIMIT_LINE}"
    ]
    assert len(list((tmp_path / "dist").glob("*.txt"))) == 1
    assert cli("verify", str(tmp_path / "dist")).returncode == 0


def test_a_twelve_megabyte_pipe_is_bounded():
    result = cli("inspect", "/dev/stdin", input="a" * 12_000_000)
    assert result.returncode == 1
    assert result.stderr == f"/dev/stdin: error: {LIMIT_LINE}\n"


# --- 12. publish check does not lie ------------------------------------------------------------


def test_a_word_hyphenated_across_a_page_break_is_whole_again():
    pages = [
        "Talks in the capital would con-\n1 of 2\nSource: Trend\n",
        "tinue next week, the minister said.\n2 of 2\nSource: Trend\nCouncil agrees\n1 March 2024\n",
    ]
    expected = ["Talks", "in", "the", "capital", "would", "continue", "next", "week,", "the", "minister", "said."]
    assert missing_word(expected, "\n".join(pages)) == "continue"  # what the check used to see
    assert missing_word(expected, joined_pages(pages)) is None


#: Long words, so that every line of a justified English paragraph ends in a hyphenated
#: break and the PDF cannot move the break off the page's foot by giving the page fewer lines.
LONG_WORDS = [
    "internationalization",
    "incomprehensibilities",
    "counterrevolutionaries",
    "telecommunications",
    "institutionalization",
    "disproportionately",
    "characteristically",
    "unconstitutionality",
    "electroencephalogram",
    "misrepresentations",
    "responsibilities",
    "extraordinarily",
    "notwithstanding",
    "interdisciplinary",
]


def test_check_passes_a_real_pdf_with_a_word_hyphenated_across_a_page_break(tmp_path):
    from pypdf import PdfReader

    body = " ".join(LONG_WORDS[index % len(LONG_WORDS)] for index in range(280))
    (tmp_path / "long.txt").write_text(f"title: Long words\ndate: 2024-01-01\nlanguage: en\n\n{body}.\n")
    build = cli("build", str(tmp_path / "long.txt"), "--out", str(tmp_path / "dist"), "--format", "pdf,txt")
    assert build.returncode == 0, build.stderr
    pages = [page.extract_text() for page in PdfReader(tmp_path / "dist" / "2024-01-01-long-words.pdf").pages]
    assert len(pages) == 2
    assert pages[0].split("\n")[-3:] == [
        "tionalization disproportionately characteristically unconstitutionality electroen-",
        "1 of 2",
        "",
    ]
    assert pages[1].startswith("cephalogram misrepresentations ")
    whole = "\nelectroencephalogram misrepresentations "
    assert whole not in "\n".join(pages)  # as extracted
    assert whole in joined_pages(pages) and "electroen-\n1 of 2" not in joined_pages(pages)
    assert missing_word(f"{body}.".split(), joined_pages(pages)) is None
    result = cli("check", str(tmp_path / "dist"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "2 editions checked, 0 problems\n", "")


def test_check_falls_back_to_one_epubcheck_per_book_when_its_jvm_cannot_start(tmp_path, monkeypatch):
    import publish.check

    books = [tmp_path / "a.epub", tmp_path / "b.epub"]
    asked: list[list[Path]] = []

    def one_by_one(paths: list[Path]) -> list[tuple[Path, int, str]]:
        asked.append(paths)
        return [(path, 1, "ERROR(RSC-001): it is broken\n") for path in paths]

    monkeypatch.setattr(publish.check, "EPUBCHECK_SERVER", tmp_path / "missing" / "EpubCheckServer.java")
    monkeypatch.setattr(publish.check, "_epubcheck_one_by_one", one_by_one)
    report = publish.check.CheckReport()
    publish.check.check_epubs(books, report)
    assert asked == [books]
    assert (report.checked, report.problems) == (2, [f"{book}: ERROR(RSC-001): it is broken" for book in books])


def test_check_passes_publishs_own_benchmark_articles(tmp_path):
    BENCH.make_corpus(tmp_path / "in", 12)
    assert cli("build", str(tmp_path / "in"), "--out", str(tmp_path / "dist"), "--format", "pdf,txt").returncode == 0
    result = cli("check", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "24 editions checked, 0 problems\n"


# --- 13. The ASCII edition and astral letters ---------------------------------------------------------


def test_an_ascii_edition_of_an_unnameable_title_is_clean(tmp_path):
    (tmp_path / "u.txt").write_text("title: \ue000\ue001\ndate: 2024-01-01\n\n\ue002\n\nBody text.\n", encoding="utf-8")
    result = cli("build", str(tmp_path / "u.txt"), "--out", str(tmp_path / "dist"), "--format", "ascii")
    assert result.returncode == 0, result.stderr
    ascii_edition = (tmp_path / "dist" / "2024-01-01-article.ascii.txt").read_text(encoding="ascii")
    assert ascii_edition.startswith("Title: ?\n")
    assert ascii_edition.endswith("\n\n?\n\nBody text.\n")
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.txt")) == [
        "2024-01-01-article.ascii.txt",
        "2024-01-01-article.txt",
    ]
    check = cli("check", str(tmp_path / "dist"))
    assert check.returncode == 0 and check.stdout == "2 editions checked, 0 problems\n", check.stderr


def test_astral_letters_in_the_pdf_are_named_in_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text(
        "title: Letters\ndate: 2024-01-01\n\nBold \U0001d400, clef \U0001d11e, Gothic \U00010330.\n", encoding="utf-8"
    )
    result = cli("build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "dist"), "--format", "pdf")
    assert result.returncode == 0
    assert result.stderr == (
        f"{tmp_path / 'a.txt'}: warning: 3 characters in no font of the PDF (\U00010330 "
        f"U+10330, \U0001d11e U+1D11E, \U0001d400 U+1D400): the PDF leaves them out\n"
    )
