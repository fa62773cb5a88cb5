"""Shared fixtures: the real seed, the corpus, and the field's own validators."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from publish.build import read_article
from publish.model import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_264bae632806d3a8.txt"
CORPUS = ROOT / "tests" / "corpus"
BAD = CORPUS / "bad"
GOOD_CORPUS = sorted(CORPUS.glob("*.txt"))


def article_from(path: Path) -> Article:
    return read_article(path).article


def comparable_words(text: str) -> list[str]:
    """Words as a PDF/text extractor gives them back: hyphenation at line ends undone,
    hyphens and soft hyphens dropped, compatibility forms folded."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\w)[-\u2010\u00ad]\s*\n\s*(?=\w)", "", text)
    text = re.sub(r"[-\u2010\u00ad]", "", text)
    return text.split()


def assert_words_in_order(expected: list[str] | tuple[str, ...], actual_text: str) -> None:
    """Every expected word appears in `actual_text`, in order (other words may surround them)."""
    wanted = comparable_words(" ".join(expected))
    found = comparable_words(actual_text)
    position = 0
    for index, word in enumerate(wanted):
        try:
            position = found.index(word, position) + 1
        except ValueError:
            context = " ".join(wanted[max(0, index - 5): index + 1])
            raise AssertionError(f"word {index} {word!r} missing or out of order after: {context!r}") from None


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's messages (fatal, error, warning) for one file; [] means clean."""
    result = subprocess.run([sys.executable, "-m", "epubcheck", str(path)],
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in (result.stdout + result.stderr).splitlines()
             if re.match(r"(FATAL|ERROR|WARNING)", line)]
    if result.returncode != 0 and not lines:
        lines = [f"epubcheck exited {result.returncode}: {result.stdout}{result.stderr}"]
    return lines


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return article_from(SEED)
