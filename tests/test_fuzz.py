"""Fuzzing: arbitrary text and bytes end in valid editions or a PublishError, nothing else."""

from __future__ import annotations

import io
import zipfile

from conftest import epubcheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from publish.errors import PublishError
from publish.readers import parse
from publish.readers.source import read_source
from publish.render.epub import render_epub
from publish.render.pdf import render_pdf
from publish.render.text import render_text

# Text that looks like wire copy some of the time and like noise the rest.
wire_pieces = st.sampled_from(
    [
        " date 2023-09-21 ",
        "title: ",
        "date: 2024-01-01\n",
        "BAKU, Azerbaijan, September 21. ",
        "\n\n",
        "\n",
        '"',
        "'",
        "[",
        "]",
        "\u201c",
        "\u201d",
        "\u00ab",
        "\u00bb",
        "--",
        "...",
        "<script>",
        "&amp;",
        "]]>",
        "{{ 7*7 }}",
        "\u0259\u015f\u011f",
        "\u0416\u0443\u0440\u043d\u0430\u043b",
        "\u0540\u0561\u0575",
        "\u10e5\u10d0\u10e0",
        "\u65e5\u672c",
        "\t",
        "\r\n",
        "\u00a0",
        "\u200b",
        "\u202e",
        "\x00",
        "\x07",
        "\ud800",
        "told Trend.",
        "https://example.org/a/very/long/path?x=1&y=2",
    ]
)
wire_text = st.lists(st.one_of(wire_pieces, st.text(max_size=30)), max_size=40).map("".join)


def _outcome(data: bytes) -> tuple[bytes, bytes, bytes] | None:
    try:
        source = read_source(data, "fuzz.txt")
        article = parse(source.text, "fuzz.txt").article
    except PublishError as error:
        assert str(error).startswith("fuzz.txt")
        return None
    return render_text(article), render_epub(article), render_pdf(article)


def _check(editions: tuple[bytes, bytes, bytes] | None) -> None:
    if editions is None:
        return
    text, epub, pdf = editions
    text.decode("utf-8")
    assert zipfile.ZipFile(io.BytesIO(epub)).testzip() is None
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wire_text)
def test_any_text_gives_editions_or_a_publish_error(text):
    _check(_outcome(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_give_editions_or_a_publish_error(data):
    _check(_outcome(data))


def test_fuzzed_epubs_pass_epubcheck(tmp_path):
    """A fixed sample of generated articles through the real validator."""
    found = 0
    for seed in range(200):
        text = _sample(seed)
        editions = _outcome(text.encode("utf-8", "surrogatepass"))
        if editions is None:
            continue
        path = tmp_path / f"fuzz{seed}.epub"
        path.write_bytes(editions[1])
        assert epubcheck(path) == [], text
        found += 1
        if found == 3:
            break
    assert found == 3


def _sample(seed: int) -> str:
    import random

    rng = random.Random(seed)
    pieces = ['title: Fuzz "<b>x</b>" & y\n', "date: 2024-01-01\n\n", "BAKU, Azerbaijan, May 1. "]
    pool = [
        " date ",
        '"',
        "'",
        "[",
        "]",
        "--",
        "...",
        "<script>",
        "&",
        "]]>",
        "{{ x }}",
        "\u0259",
        "\u0416",
        "\u0540",
        "\u10e5",
        "\u65e5",
        "\t",
        "\u00a0",
        "\u200b",
        "\u202e",
        "\x07",
        "\n\n",
        "word ",
        "words here ",
        "\u201cquote\u201d ",
    ]
    pieces += [rng.choice(pool) for _ in range(60)]
    return "".join(pieces) + " end."
