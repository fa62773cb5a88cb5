"""Shared fixtures: the real seed, the corpus, and the field's own validators."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from publish.inputs import read_article
from publish.check import missing_word
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
