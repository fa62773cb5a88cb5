"""The public API (`publish.read`, `publish.write`, `publish.convert`): the paths the CLI
takes, so an article handed over in memory is cleaned and recorded as a file is."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SEED, epubcheck

import publish
from publish.cli import main
from publish.errors import InputError, OptionsError, PublishError
from publish.render.text import render_text

#: The seed with a control character in a sentence and a vertical tab in a word: what a
#: CMS's copy-paste leaves behind, and what XHTML cannot hold.
DIRTY = SEED.read_text(encoding="utf-8").replace(". ", ".\x01 ", 1).replace("Azerbaijan", "Azer\x0bbaijan", 2)


def test_read_cleans_text_as_it_cleans_a_file_and_the_epub_passes_epubcheck(tmp_path):
    warnings: list[str] = []
    article = publish.read(DIRTY, warnings=warnings)
    assert any("control character" in warning for warning in warnings)
    assert any("U+000B" in warning for warning in warnings)
    assert "\x01" not in json.dumps(article.to_dict()) and "\x0b" not in json.dumps(article.to_dict())
    book = tmp_path / "dirty.epub"
    book.write_bytes(publish.write(article, "epub"))
    assert epubcheck(book) == []
    # The same text as a file is the same article, and records the same provenance but its name.
    (tmp_path / "dirty.txt").write_text(DIRTY, encoding="utf-8")
    from_file = publish.read(tmp_path / "dirty.txt")
    assert from_file.identifier == article.identifier and from_file.blocks == article.blocks
    assert article.provenance is not None and from_file.provenance is not None
    assert article.provenance.name == "<text>"
    assert article.provenance.sha256 == from_file.provenance.sha256 == hashlib.sha256(DIRTY.encode()).hexdigest()


def test_read_takes_a_path_its_bytes_or_its_text_and_reads_each_the_same(tmp_path):
    data = SEED.read_bytes()
    from_path = publish.read(SEED)
    from_bytes = publish.read(data, name=SEED.name)
    from_text = publish.read(data.decode("utf-8"), name=SEED.name)
    for other in (from_bytes, from_text):
        assert dataclasses.replace(other, source_path=from_path.source_path, provenance=from_path.provenance) == (
            from_path
        )
    assert from_path.provenance is not None and from_path.provenance.name == str(SEED)
    assert from_bytes.provenance is not None and from_bytes.provenance.name == SEED.name


def test_read_tells_ninjs_from_bytes_without_a_name_and_by_the_name_given():
    document = (CORPUS / "ninjs" / "en_wire_3x.json").read_bytes()
    by_opening = publish.read(document)
    by_name = publish.read(document, name="story.json")
    from_file = publish.read(CORPUS / "ninjs" / "en_wire_3x.json")
    assert by_opening.identifier == by_name.identifier == from_file.identifier
    assert by_opening.title == from_file.title


def test_read_refuses_what_is_no_article_with_the_name_and_line_it_goes_by():
    with pytest.raises(InputError) as caught:
        publish.read("title: No body\ndate: 2024-01-01\n\n")
    assert caught.value.path == "<text>" and caught.value.line is not None
    assert "no paragraphs" in caught.value.message
    with pytest.raises(InputError) as caught:
        publish.read(b"\xff\xfe\x00" * 3 + b"\x81", name="odd.txt", encoding="utf-8")
    assert caught.value.path == "odd.txt"
    with pytest.raises(ValueError, match="already decoded"):
        publish.read("Title\n\nBody.\n", encoding="latin-1")
    with pytest.raises(TypeError, match="int"):
        publish.read(42)  # type: ignore[arg-type]


def test_write_gives_every_edition_of_the_table_by_its_name(seed_article):
    assert publish.write(seed_article, "txt") == render_text(seed_article)
    assert publish.write(seed_article, " TXT ") == render_text(seed_article)
    assert publish.write(seed_article, "epub").startswith(b"PK")
    assert json.loads(publish.write(seed_article, "ninjs"))["uri"] == seed_article.identifier
    assert publish.write(seed_article, "ascii").isascii()
    with pytest.raises(OptionsError) as caught:
        publish.write(seed_article, "docx")
    assert "epub, pdf, txt, ascii, ninjs" in (caught.value.hint or "")


def test_write_of_a_digest_refuses_an_edition_digests_do_not_have(seed_article):
    from publish.model import Collection
    from publish.render.text import render_collection_text

    digest = Collection(title="Morning digest", slug="morning-digest", articles=(seed_article,))
    assert publish.write(digest, "txt") == render_collection_text(digest)
    with pytest.raises(OptionsError, match="no ascii edition"):
        publish.write(digest, "ascii")


def test_convert_builds_through_the_builder_and_says_what_it_wrote(tmp_path):
    out = tmp_path / "out"
    written = publish.convert(SEED, out, formats=["txt", "ninjs"])
    assert sorted(path.suffix for path in written) == [".json", ".txt"]
    assert all(path.is_file() and path.parent == out for path in written)
    assert (out / "SHA256SUMS").is_file()  # the builder's manifest, as `publish build` writes it
    assert publish.convert(str(SEED), out, formats="txt,ninjs") == []  # up to date: nothing written
    assert len(publish.convert([SEED], out, formats=["txt", "ninjs"], force=True)) == 2


def test_convert_writes_the_good_articles_then_raises_the_first_failure(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_good.txt").write_bytes(SEED.read_bytes())
    (folder / "b_bad.txt").write_bytes((CORPUS / "bad" / "no_paragraphs.txt").read_bytes())
    out = tmp_path / "out"
    with pytest.raises(PublishError) as caught:
        publish.convert(folder, out, formats=["txt"])
    assert caught.value.path is not None and caught.value.path.endswith("b_bad.txt")
    assert len(list(out.glob("*.txt"))) == 1


def test_the_cli_and_the_builder_read_through_the_public_reading_functions(monkeypatch, tmp_path):
    import publish.api
    import publish.readers

    read_calls: list[object] = []
    real_read = publish.api.read

    def counting_read(source: object, **kwargs: object) -> object:
        read_calls.append(source)
        return real_read(source, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish.api, "read", counting_read)
    result = CliRunner().invoke(main, ["inspect", "-"], input=DIRTY)
    assert result.exit_code == 0, result.output
    assert "control character" in result.output
    assert read_calls == [DIRTY.encode()]
    assert CliRunner().invoke(main, ["inspect", str(SEED)]).exit_code == 0
    assert read_calls[1:] == [SEED]

    from_calls: list[object] = []
    real_from = publish.readers.read_from

    def counting_from(source: object, **kwargs: object) -> object:
        from_calls.append(source)
        return real_from(source, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish.readers, "read_from", counting_from)
    publish.build([SEED], tmp_path / "out", formats=["txt"])
    assert from_calls == [SEED.read_bytes()]


def test_check_calls_the_checker_each_edition_registers(monkeypatch, tmp_path):
    import publish.check
    import publish.editions

    out = tmp_path / "out"
    publish.convert(SEED, out, formats=["txt"])
    seen: list[list[Path]] = []

    def recording(paths: list[Path], report: publish.check.CheckReport) -> None:
        seen.append(paths)
        report.checked += len(paths)

    editions = tuple(
        dataclasses.replace(edition, checker=recording) if edition.name == "txt" else edition
        for edition in publish.check.EDITIONS
    )
    monkeypatch.setattr(publish.check, "EDITIONS", editions)
    monkeypatch.setattr(publish.editions, "EDITIONS", editions)
    report = publish.check.check_folder(out)
    assert seen == [sorted(out.glob("*.txt"))]
    assert report.ok and report.checked == 1


def test_reading_and_writing_text_loads_no_builder_cli_or_pdf_library():
    script = (
        "import sys, publish; publish.write(publish.read('title: A\\ndate: 2024-01-01\\n\\nBody.\\n'), 'txt'); "
        "print(sorted(m for m in sys.modules if m in ('publish.building', 'publish.cli', 'publish.digest', "
        "'reportlab', 'ebooklib', 'jinja2')))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr
