import os
import subprocess
import sys

import pytest
from conftest import BAD, CORPUS, SEED

from publish.building.builder import build
from publish.editions import parse_formats
from publish.errors import OptionsError, OutputError
from publish.output import write_atomic


def cli(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_build_writes_three_editions(tmp_path):
    report = build([SEED], tmp_path)
    assert report.ok
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    slug = "2023-09-21-azerbaijan-conducted-local-anti-terrorist-activities"
    assert names == [f"{slug}.epub", f"{slug}.pdf", f"{slug}.txt", "SHA256SUMS"]


def test_bad_article_writes_nothing_and_batch_goes_on(tmp_path):
    report = build([BAD / "impossible_date.txt", CORPUS / "header_block.txt"], tmp_path, ["txt"])
    assert not report.ok
    assert report.results[0].error is not None and report.results[0].written == ()
    assert len(report.results[1].written) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        ["SHA256SUMS", report.results[1].written[0].name]
    )


def test_two_stories_with_one_slug_both_publish_under_stable_names(tmp_path):
    """The second story of a headline and day is named `-2` (the third `-3`), and keeps
    that name in every later build, `--force` too; the same article twice is published once."""
    (tmp_path / "in").mkdir()
    for name, body in (("a.txt", "Body."), ("b.txt", "Another body."), ("c.txt", "A third.")):
        (tmp_path / "in" / name).write_text(f"title: Same\ndate: 2024-01-01\n\n{body}\n")
    (tmp_path / "in" / "d.txt").write_text("title: Same\ndate: 2024-01-01\n\nBody.\n")  # a.txt again
    report = build([tmp_path / "in"], tmp_path / "out", ["txt"])
    assert [(r.source.name, r.slug, r.error, r.notice) for r in report.results] == [
        ("a.txt", "2024-01-01-same", None, None),
        ("b.txt", "2024-01-01-same-2", None, None),
        ("c.txt", "2024-01-01-same-3", None, None),
        ("d.txt", None, None, ("same", f"the same article as {tmp_path / 'in' / 'a.txt'}: published once")),
    ]
    first = {path.name: path.read_bytes() for path in (tmp_path / "out").glob("*.txt")}
    for force in (False, True):
        build([tmp_path / "in"], tmp_path / "out", ["txt"], force=force)
        assert {path.name: path.read_bytes() for path in (tmp_path / "out").glob("*.txt")} == first


def test_formats_are_checked():
    assert parse_formats("txt,EPUB") == ("epub", "txt")
    with pytest.raises(OptionsError):
        parse_formats("docx")


def test_atomic_write_replaces_a_symlink_not_its_target(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside, out / "x.txt")
    write_atomic(out, "x.txt", b"new")
    assert outside.read_text() == "keep me"
    assert not (out / "x.txt").is_symlink() and (out / "x.txt").read_bytes() == b"new"
    with pytest.raises(OutputError):
        write_atomic(out, "../escape.txt", b"no")
    assert sorted(p.name for p in out.iterdir()) == ["x.txt"]


def test_a_failed_write_is_reported_and_retried_next_build(tmp_path, monkeypatch):
    import errno
    import importlib

    output = importlib.import_module("publish.output")
    real_write = output._temporary

    def disk_full_for_russian(folder, name, data, *rest):
        if name.startswith("2024-06-04-v-baku"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(folder, name, data, *rest)

    sources = [CORPUS / "header_block.txt", CORPUS / "russian.txt", CORPUS / "armenian.txt"]
    monkeypatch.setattr(output, "_temporary", disk_full_for_russian)
    report = build(sources, tmp_path, ["txt", "epub"], jobs=2)
    failed = [result for result in report.results if result.error is not None]
    assert [result.source for result in failed] == [CORPUS / "russian.txt"]
    assert "cannot write: No space left on device" in str(failed[0].error)
    assert [result.source for result in report.results] == sources  # input order kept
    assert not any(".tmp" in p.name or "v-baku" in p.name for p in tmp_path.iterdir())

    monkeypatch.setattr(output, "_temporary", real_write)
    again = build(sources, tmp_path, ["txt", "epub"])
    assert again.ok and again.skipped == 2  # only the failed article is built again
    assert len(again.written) == 2


def test_a_script_no_font_has_fails_the_pdf_alone(tmp_path):
    """Ethiopic, which no shipped font has: the PDF would print gaps, so it is not made
    (exit 1, one line saying why), while the EPUB and the text edition are written; a
    PDF of the article's earlier text is not left beside them."""
    story = tmp_path / "in" / "amharic.txt"
    story.parent.mkdir()
    story.write_text("title: Addis Ababa\ndate: 2024-05-02\n\nThe council met.\n")
    assert cli("build", str(story.parent), "--out", "out", cwd=tmp_path).returncode == 0
    assert (tmp_path / "out" / "2024-05-02-addis-ababa.pdf").is_file()
    story.write_text("title: Addis Ababa\ndate: 2024-05-02\n\nየከተማው ምክር ቤት ዛሬ ተሰብስቧል።\n")
    result = cli("build", str(story.parent), "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"{story}: error: no font of the PDF has the Ethiopic script: this article's PDF cannot be made "
        "(its other editions are written) (hint: give --font a .ttf file that has the script)"
    ]
    assert sorted(path.name for path in (tmp_path / "out").glob("2024-05-02-addis-ababa.*")) == [
        "2024-05-02-addis-ababa.epub",
        "2024-05-02-addis-ababa.txt",
    ]
    assert "ምክር ቤት" in (tmp_path / "out" / "2024-05-02-addis-ababa.txt").read_text()
    assert cli("verify", "out", cwd=tmp_path).returncode == 0
