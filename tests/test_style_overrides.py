"""A house style holds only what it changes (issue 32, point 6): a `pdf/style.toml` in a
--templates folder is merged over the built-in one, key by key; `publish templates --copy
DIR` copies the built-in templates out for editing."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED

import publish
from publish.options import RenderOptions
from publish.templates import default_template_dir, load_style

BUILTIN = default_template_dir() / "pdf" / "style.toml"


def house(tmp_path: Path, text: str, name: str = "house") -> Path:
    """A template folder holding only a `pdf/style.toml` of `text`."""
    (tmp_path / name / "pdf").mkdir(parents=True)
    (tmp_path / name / "pdf" / "style.toml").write_text(text, encoding="utf-8")
    return tmp_path / name


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_a_style_file_of_one_key_changes_just_that_key(tmp_path):
    expected = copy.deepcopy(load_style())
    expected["body"]["size"] = 12
    assert load_style((house(tmp_path, "[body]\nsize = 12\n"),)) == expected
    dotted = house(tmp_path, "body.size = 12\n", "dotted")
    assert load_style((dotted,)) == expected
    assert load_style()["body"]["size"] == 10.5  # the built-in style is not changed by a merge


def test_a_style_file_of_one_table_changes_just_that_table(tmp_path):
    expected = copy.deepcopy(load_style())
    expected["page"] = {"margin_top": 50, "margin_bottom": 60, "margin_inside": 70, "margin_outside": 80}
    text = "[page]\nmargin_top = 50\nmargin_bottom = 60\nmargin_inside = 70\nmargin_outside = 80\n"
    assert load_style((house(tmp_path, text),)) == expected


def test_the_first_template_folder_wins_key_by_key(tmp_path):
    first = house(tmp_path, "[body]\nsize = 12\n", "first")
    second = house(tmp_path, '[body]\nsize = 11\nleading = 16\n\n[meta]\ncolour = "#000000"\n', "second")
    style = load_style((first, second))
    assert (style["body"]["size"], style["body"]["leading"], style["meta"]["colour"]) == (12, 16, "#000000")
    assert style["body"]["first_line_indent"] == load_style()["body"]["first_line_indent"]
    assert style["headline"] == load_style()["headline"]


def test_one_key_renders_the_pdf_a_whole_edited_copy_renders(tmp_path, seed_article):
    partial = house(tmp_path, "[body]\nsize = 12\n", "partial")
    whole = house(tmp_path, BUILTIN.read_text(encoding="utf-8").replace("size = 10.5", "size = 12", 1), "whole")
    assert load_style((whole,))["body"]["size"] == 12
    merged = publish.write(seed_article, "pdf", RenderOptions(template_dirs=(partial,)))
    assert merged == publish.write(seed_article, "pdf", RenderOptions(template_dirs=(whole,)))
    assert merged != publish.write(seed_article, "pdf")


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "[body]\nsise = 12\n",
            "2: [body] has no key 'sise' (hint: the keys of [body] are size, leading, first_line_indent)",
        ),
        (
            "# house\n[bodies]\nsize = 12\n",
            "2: the style file has no table [bodies] (hint: its tables are [page], [fonts], [body], [headline], "
            "[dateline], [meta], [editorial])",
        ),
        (
            "[headline]\nleading = 30\n\n[meta]\ncolour = 'grey'\n",
            "5: [meta] colour must be a colour such as \"#333333\", not 'grey' (hint: compare with the built-in "
            "pdf/style.toml, which publish templates --copy DIR copies out)",
        ),
        ("page = 3\n", "1: [page] must be a table, not 3"),
        (
            "body.first_line_indent = -1\n",
            "1: [body] first_line_indent must be a number of points from 0 to 100, not -1 (hint: compare with "
            "the built-in pdf/style.toml, which publish templates --copy DIR copies out)",
        ),
    ],
)
def test_what_the_style_table_does_not_know_is_refused_naming_the_file_and_line(tmp_path, text, message):
    folder = house(tmp_path, text)
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "pdf", "--templates", str(folder))
    assert result.returncode == 2, result.stderr
    line, text = message.split(": ", 1)
    assert result.stderr.strip().splitlines() == [f"{folder / 'pdf' / 'style.toml'}:{line}: error: {text}"]
    assert not list(tmp_path.glob("dist/*.pdf"))


def test_templates_copy_copies_every_builtin_template_to_edit(tmp_path):
    target = tmp_path / "house"
    result = cli("templates", "--copy", str(target))
    assert result.returncode == 0, result.stderr
    builtin = sorted(path.relative_to(default_template_dir()) for path in default_template_dir().rglob("*.*"))
    copied = sorted(path.relative_to(target) for path in target.rglob("*.*"))
    assert copied == builtin and Path("pdf/style.toml") in copied and Path("epub/article.xhtml") in copied
    for name in copied:
        assert (target / name).read_bytes() == (default_template_dir() / name).read_bytes()
    assert result.stdout == f"copied {len(builtin)} templates to {target}; build with --templates {target}\n"
    (tmp_path / "empty").mkdir()
    assert cli("templates", "--copy", str(tmp_path / "empty")).returncode == 0  # an empty folder will do


def test_templates_copy_refuses_a_folder_with_something_in_it(tmp_path):
    target = tmp_path / "house"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    result = cli("templates", "--copy", str(target))
    assert result.returncode == 2
    assert result.stderr == (
        f"{target}: error: the folder is not empty (hint: name a new or empty folder: nothing is overwritten)\n"
    )
    assert [path.name for path in target.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("mine\n")
    result = cli("templates", "--copy", str(tmp_path / "file"))
    assert (result.returncode, result.stderr) == (
        2,
        f"{tmp_path / 'file'}: error: not a folder (hint: name a new or empty folder)\n",
    )


def test_templates_copy_that_cannot_write_is_one_line_exit_1(tmp_path):
    (tmp_path / "file").write_text("mine\n")
    result = cli("templates", "--copy", str(tmp_path / "file" / "house"))
    assert result.returncode == 1
    assert re.fullmatch(r"\S+: error: cannot copy the templates: Not a directory\n", result.stderr), result.stderr


def test_templates_says_where_the_templates_are_looked_for(tmp_path):
    (tmp_path / "house").mkdir()
    (tmp_path / "publish.toml").write_text('templates = ["house"]\n')
    result = cli("templates", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # The publish that runs there (installed: its package data; a checkout: templates/).
    where = "from publish.templates import default_template_dir; print(default_template_dir())"
    built_in = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.splitlines() == ["house", f"{built_in.stdout.strip()} (built-in)"]
    assert (Path(built_in.stdout.strip()) / "pdf" / "style.toml").is_file()
    assert (default_template_dir() / "pdf" / "style.toml").is_file()


def test_the_readme_shows_a_one_key_house_style_that_works(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "publish templates --copy" in readme
    example = re.search(r"# house/pdf/style.toml\n(.*?)```", readme, re.S)
    assert example is not None
    changed = load_style((house(tmp_path, example.group(1)),))
    differences = {
        (section, key)
        for section, table in changed.items()
        for key in table
        if table[key] != load_style()[section][key]
    }
    assert len(differences) == 1
