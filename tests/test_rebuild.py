"""Per-edition rebuild keys (issue 31, point 4): each setting of the settings table says
which editions it shapes, and a change of it rewrites exactly those; the others are not
touched (same inode, same modification time, same bytes)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SEED

from publish.building.record import STATE_FILE
from publish.cli import main
from publish.editions import EDITIONS, edition_of
from publish.settings import SETTINGS
from publish.templates import default_template_dir

ALL = tuple(edition.name for edition in EDITIONS)
FORMATS = ",".join(ALL)
FONT = Path(__file__).resolve().parent.parent / "publish" / "data" / "fonts" / "PublishSerif-Bold.ttf"


def _theme(tmp_path: Path, file: str, addition: str) -> str:
    """A template folder overriding one built-in file, with `addition` at its end."""
    theme = tmp_path / "theme"
    (theme / file).parent.mkdir(parents=True, exist_ok=True)
    (theme / file).write_text((default_template_dir() / file).read_text(encoding="utf-8") + addition)
    return str(theme)


#: For every setting of the table: the value a second build is given (a callable makes it
#: in the test's folder), and the editions that second build must rewrite. A setting
#: missing here fails `test_every_setting_has_a_rebuild_case`.
CHANGES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "out": (lambda tmp: str(tmp / "elsewhere"), ()),
    "formats": ("txt", ()),
    "ascii": (True, ()),
    "width": ("66", ("txt", "ascii")),
    "paper": ("Letter", ("pdf",)),
    "font": (str(FONT), ("pdf",)),
    "publisher": ("Daily Planet", ("epub", "pdf")),
    "language": ("fr", ALL),
    "templates": (lambda tmp: _theme(tmp, "epub/article.css", "\nh1 { color: maroon; }\n"), ("epub",)),
    "encoding": ("utf-8", ALL),
    "strict": (True, ("pdf",)),
    "keep_breaks": (True, ALL),
    "ignore_embargo": (True, ()),
    "now": ("2030-01-01T00:00:00Z", ()),
    "jobs": ("2", ()),
    "layout": ("date", ALL),
    "cluster": ("local:1", ()),
}


def stamps(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every edition file below `out`: (inode, modification time, bytes) by relative name."""
    found = {}
    for path in out.rglob("*"):
        if path.is_file() and edition_of(path.name) is not None and not path.name.startswith("."):
            status = path.stat()
            found[path.relative_to(out).as_posix()] = (status.st_ino, status.st_mtime_ns, path.read_bytes())
    return found


def rewritten(before: dict[str, tuple[int, int, bytes]], after: dict[str, tuple[int, int, bytes]]) -> set[str]:
    """The editions (kinds) whose files were written, moved or removed between two looks."""
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    return {edition_of(name.rpartition("/")[2]).name for name in changed}


def run(inputs: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> None:
    args = ["build", str(inputs), "--out", str(out), "--format", FORMATS, "--quiet", *extra]
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_every_setting_has_a_rebuild_case_and_declares_known_editions():
    assert {setting.name for setting in SETTINGS} == set(CHANGES)
    for setting in SETTINGS:
        assert isinstance(setting.shapes_editions, tuple), setting.name
        assert set(setting.shapes_editions) <= set(ALL), setting.name


@pytest.mark.parametrize("setting", SETTINGS, ids=[setting.name for setting in SETTINGS])
def test_a_changed_setting_rewrites_exactly_the_editions_it_shapes(setting, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    run(inputs, out)
    before = stamps(out)
    assert rewritten({}, before) == set(ALL)

    value, expected = CHANGES[setting.name]
    value = value(tmp_path) if callable(value) else value
    flag = setting.flags[-1]
    extra = [flag] if value is True else [flag, value]
    if setting.name == "formats":  # --format is given once: the changed one replaces the build's
        run_args = ["build", str(inputs), "--out", str(out), "--quiet", flag, value]
        assert CliRunner().invoke(main, run_args, catch_exceptions=False).exit_code == 0
    else:
        run(inputs, out, *extra)
    assert rewritten(before, stamps(out)) == set(expected)
    # The table says the same: a setting shapes the editions a change of it rewrites (a
    # theme that holds only EPUB templates rewrites only the EPUB of the editions the
    # templates shape).
    if setting.name == "templates":
        assert set(expected) <= set(setting.shapes_editions)
    else:
        assert set(expected) == set(setting.shapes_editions)
    # And the next build with the change rewrites nothing.
    if setting.name not in ("out", "formats"):
        settled = stamps(out)
        run(inputs, out, *extra)
        assert stamps(out) == settled


@pytest.mark.parametrize(
    "template, comment, edition",
    [
        ("pdf/style.toml", "# a comment changes the file, so the key\n", "pdf"),
        ("epub/article.css", "/* a comment changes the file, so the key */\n", "epub"),
    ],
)
def test_a_template_change_rewrites_only_its_edition(template, comment, edition, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    theme = _theme(tmp_path, template, "\n")
    run(inputs, out, "--templates", theme)
    before = stamps(out)
    changed = Path(theme) / template
    changed.write_text(changed.read_text(encoding="utf-8") + comment)
    run(inputs, out, "--templates", theme)
    assert rewritten(before, stamps(out)) == {edition}


def test_source_date_epoch_rewrites_the_editions_that_carry_a_time(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    run(inputs, out)
    before = stamps(out)
    run(inputs, out, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert rewritten(before, stamps(out)) == {"epub", "pdf"}


def test_an_edition_lost_is_the_only_one_made_again(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    run(inputs, out)
    before = stamps(out)
    lost = next(name for name in before if name.endswith(".pdf"))
    (out / lost).unlink()
    run(inputs, out)
    after = stamps(out)
    assert rewritten(before, after) == {"pdf"} and after[lost][2] == before[lost][2]
    listed = (out / "SHA256SUMS").read_text()
    assert all(name in listed for name in after)


def test_a_record_of_schema_2_gains_edition_keys_and_rebuilds_once(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    run(inputs, out)
    db = sqlite3.connect(out / STATE_FILE)
    db.execute("ALTER TABLE editions DROP COLUMN settings")
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    db.commit()
    db.close()
    before = stamps(out)
    run(inputs, out)  # each article once, under its own name (its claim kept)
    once = stamps(out)
    assert rewritten(before, once) == set(ALL) and set(once) == set(before)
    run(inputs, out)
    assert stamps(out) == once
    db = sqlite3.connect(out / STATE_FILE)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",)
    assert db.execute("SELECT count(*) FROM editions WHERE settings IS NULL").fetchone() == (0,)
    db.close()


def test_an_edition_added_is_the_only_one_made(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / SEED.name)
    out = tmp_path / "out"
    first = ["build", str(inputs), "--out", str(out), "--format", "txt,epub", "--quiet"]
    assert CliRunner().invoke(main, first, catch_exceptions=False).exit_code == 0
    before = stamps(out)
    assert CliRunner().invoke(main, [*first, "--ascii"], catch_exceptions=False).exit_code == 0
    after = stamps(out)
    assert rewritten(before, after) == {"ascii"}
    db = sqlite3.connect(out / STATE_FILE)
    assert db.execute("SELECT count(*) FROM editions").fetchone() == (3,)
    db.close()
