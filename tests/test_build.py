import os

import pytest
from conftest import BAD, CORPUS, SEED

from publish.builder import build
from publish.editions import parse_formats
from publish.errors import OptionsError, OutputError
from publish.output import write_atomic


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


def test_slug_collision_is_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_text("title: Same\ndate: 2024-01-01\n\nBody.\n")
    report = build([tmp_path / "in"], tmp_path / "out", ["txt"])
    assert report.results[0].error is None
    assert "already used" in str(report.results[1].error)


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
