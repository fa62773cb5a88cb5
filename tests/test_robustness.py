"""Hostile and broken input: every file ends in valid editions or one clear error."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, SEED, epubcheck
from conftest import publish_cli as cli
from pypdf import PdfReader

from publish.building.builder import build
from publish.readers import read_article

HOSTILE = CORPUS / "hostile"
#: What hygiene removes (a no-break space is content: it stays, see test_source).
FORBIDDEN = "\t\r\u200b\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u0007\u0085\uffff"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("hostile")
    report = build([HOSTILE], out)
    return out, report


def test_every_hostile_file_builds_three_editions(hostile_build):
    _, report = hostile_build
    # cr.txt and crlf.txt are utf8_bom.txt with other line ends: the same article, so the
    # first of the three is built and the other two are reported as published already.
    assert [r.error for r in report.results if r.error] == []
    same = {r.source.name: r.notice[1] for r in report.results if r.notice}
    assert sorted(same) == ["crlf.txt", "utf8_bom.txt"]
    assert all(notice.startswith(f"the same article as {HOSTILE / 'cr.txt'}") for notice in same.values())
    assert len(report.written) == 3 * (len(list(HOSTILE.glob("*.txt"))) - 2)


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("utf8_bom.txt", None),
        ("utf16le_bom.txt", None),
        ("utf16be_bom.txt", None),
        ("cp1252.txt", "cp1252"),
        ("latin1.txt", "cp1252"),
        ("cp1251.txt", "cp1251"),
    ],
)
def test_encodings_decode_to_the_right_letters(name, encoding):
    parsed = read_article(HOSTILE / name)
    text = " ".join(parsed.article.body_texts()) + parsed.article.title
    if name == "cp1251.txt":
        assert "Энергетическая безопасность" in text
    else:
        assert "Café" in text and "Zürich" in text and "déjà vu" in text
    guesses = [w for w in parsed.warnings if "decoded as" in w]
    assert (f"decoded as {encoding}" in guesses[0]) if encoding else not guesses


@pytest.mark.parametrize("name", ["crlf.txt", "cr.txt"])
def test_line_ends_do_not_change_the_article(name):
    # The same article; only its provenance (other bytes, another file) tells them apart.
    article, reference = (read_article(HOSTILE / file).article for file in (name, "utf8_bom.txt"))
    assert article.provenance != reference.provenance
    assert replace(article, provenance=None) == replace(reference, provenance=None)


def test_debris_is_removed_everywhere_and_reported(hostile_build):
    out, report = hostile_build
    result = next(r for r in report.results if r.source.name == "dirty.txt")
    assert any("removed" in w and "U+200B" in w and "U+202E" in w for w in result.warnings)
    text = (out / f"{result.slug}.txt").read_text(encoding="utf-8")
    assert not any(ch in text for ch in FORBIDDEN)
    assert "Second paragraph with stray spaces." in text
    assert "BAKU,\u00a0Azerbaijan" in text and "break\u00a0spaces" in text  # the wire's no-break spaces
    assert epubcheck(out / f"{result.slug}.epub") == []


def test_injection_stays_literal_in_all_three_editions(hostile_build):
    out, report = hostile_build
    slug = next(r.slug for r in report.results if r.source.name == "injection.txt")
    literals = [
        "<script>alert(1)</script>",
        "<para>",
        "<font name=x>",
        "&amp;",
        "&#0;",
        "]]>",
        "{{ 7*7 }}",
        '{% include "x" %}',
        "{# note #}",
        "<![CDATA[x]]>",
        "<?php echo 1; ?>",
    ]
    text = (out / f"{slug}.txt").read_text(encoding="utf-8")
    flat_text = " ".join(text.split())
    for literal in literals:
        assert literal in flat_text, literal  # the archival text as sent: straight quotes
    literals[literals.index('{% include "x" %}')] = "{% include \u201cx\u201d %}"  # the reading editions curl them
    with zipfile.ZipFile(out / f"{slug}.epub") as book:
        xhtml = book.read("EPUB/article.xhtml").decode()
    assert "<script" not in xhtml and "<para>" not in xhtml and "49" not in xhtml
    from lxml import etree

    body = " ".join("".join(etree.fromstring(xhtml.encode()).itertext()).split())
    for literal in literals:
        assert literal in body, literal
    pdf_text = " ".join("\n".join(p.extract_text() for p in PdfReader(out / f"{slug}.pdf").pages).split())
    for literal in ["<script>alert(1)</script>", "<para>", "<font name=x>", "&amp;", "&#0;", "{{ 7*7 }}"]:
        assert literal in pdf_text, literal
    assert epubcheck(out / f"{slug}.epub") == []


def _write(path: Path, body: str) -> Path:
    path.write_text(f"title: Limits\ndate: 2024-01-01\n\n{body}\n", encoding="utf-8")
    return path


def test_ten_thousand_paragraphs(tmp_path):
    source = _write(tmp_path / "many.txt", "\n\n".join(f"Paragraph number {i} of many." for i in range(10_000)))
    report = build([source], tmp_path / "out")
    assert report.ok
    assert "Paragraph number 9999 of many." in (tmp_path / "out" / "2024-01-01-limits.txt").read_text()


def test_a_200000_character_paragraph(tmp_path):
    paragraph = " ".join(f"word{i % 997}" for i in range(29_000))
    assert len(paragraph) >= 200_000
    report = build([_write(tmp_path / "long.txt", paragraph)], tmp_path / "out")
    assert report.ok, report.results[0].error


def test_a_one_megabyte_line_without_spaces(tmp_path):
    source = _write(tmp_path / "word.txt", "Start " + "x" * 1_000_000 + " end.")
    report = build([source], tmp_path / "out")
    assert report.failed == 1
    assert str(report.results[0].error) == (
        f"{source}: a word of 1,000,000 characters cannot be typeset (the limit "
        "is 2,000) (hint: break the text with spaces)"
    )
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".publish.lock"]  # nothing written


def test_a_twenty_megabyte_article_fails_fast_with_a_clear_error(tmp_path):
    source = tmp_path / "huge.txt"
    source.write_bytes(b"title: Huge\ndate: 2024-01-01\n\n" + (b"All work and no play. " * 50 + b"\n\n") * 18_500)
    assert source.stat().st_size > 20_000_000
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, subprocess, sys;"
            "r = subprocess.run([sys.executable, '-m', 'publish', 'build', sys.argv[1], '--out', sys.argv[2]],"
            " capture_output=True, text=True);"
            "print(r.returncode); print(r.stderr.strip());"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
            str(source),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    code, message, peak_kib = result.stdout.strip().split("\n")
    assert code == "1"
    assert message.startswith(f"{source}") and ": error: " in message and "limit" in message
    assert int(peak_kib) < 1024 * 1024
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".publish.lock"]  # no edition, no temporary


@pytest.mark.parametrize(
    "header, message",
    [
        ("date: 2023-02-30", "does not exist"),
        ("date: 2301-01-01", "outside"),
        ("date: 21.09.2023", "malformed date"),
    ],
)
def test_bad_dates_are_clear_errors(tmp_path, header, message):
    source = tmp_path / "dated.txt"
    source.write_text(f"title: T\n{header}\n\nBody.\n")
    result = cli("build", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{source}:2: error: ") and message in result.stderr


def test_time_zone_and_clock_never_change_the_output(tmp_path):
    digests = []
    for tz in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"):
        out = tmp_path / tz.replace("/", "_")
        assert cli("build", str(SEED), "--out", str(out), env={"TZ": tz}).returncode == 0
        digests.append({p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")})
    assert digests[0] == digests[1] == digests[2]


def test_a_failing_renderer_leaves_previous_editions_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build([SEED], out).ok
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}

    def broken(article, options):
        raise ValueError("renderer crashed")

    import publish.render.pdf

    monkeypatch.setattr(publish.render.pdf, "render_pdf", broken)
    report = build([SEED], out, force=True)
    assert not report.ok and "could not render the pdf edition" in str(report.results[0].error)
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == before


def _valid(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".epub":
        return zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    if path.suffix == ".txt":
        return data.endswith(b"\n") and data.decode("utf-8").startswith("Title: ")
    return path.name == "SHA256SUMS"


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"a{i:03}.txt").write_text(
            f"title: Article {i}\ndate: 2024-01-01\n\n" + "\n\n".join(["Some words in a paragraph. " * 30] * 20)
        )
    return folder


def test_interrupted_build_leaves_a_consistent_folder(tmp_path):
    sources = _corpus(tmp_path / "in", 40)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "build", str(sources), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.pdf")) if out.exists() else []) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert all(_valid(p) for p in out.iterdir() if not p.name.startswith("."))


def test_two_builds_into_one_folder_at_once(tmp_path):
    sources = _corpus(tmp_path / "in", 12)
    out = tmp_path / "out"
    runs = [
        subprocess.Popen([sys.executable, "-m", "publish", "build", str(sources), "--out", str(out), "-q"])
        for _ in range(2)
    ]
    assert [run.wait(timeout=600) for run in runs] == [0, 0]
    reference = tmp_path / "reference"
    assert build([sources], reference).ok
    for path in (p for p in reference.iterdir() if not p.name.startswith(".")):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_output_path_that_is_a_file_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("build", str(SEED), "--out", str(blocker))
    assert result.returncode == 2
    assert result.stderr == f"{blocker}: error: the output path is not a folder (hint: give --out a folder)\n"


def test_verbose_adds_the_traceback(tmp_path):
    bad = CORPUS / "bad" / "impossible_date.txt"
    quiet = cli("build", str(bad), "--out", str(tmp_path))
    loud = cli("build", str(bad), "--out", str(tmp_path), "--verbose")
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr
