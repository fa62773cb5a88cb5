"""Bad options, environment, configuration, templates and style files (issue 15, items 9,
10, 12): each is a usage error (exit 2) in one line naming it, and nothing is written."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from conftest import ROOT, SEED
from conftest import publish_cli as cli

TEMPLATES = ROOT / "templates"


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ") or ": error: " in line]


@pytest.mark.parametrize(
    "value", ["4354819200", "253402300800", "99999999999999999999999", "\u0661\u0662\u0663", "-1", "1.5"]
)
def test_bad_source_date_epoch_is_a_usage_error(tmp_path, value):
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 2
    assert errors(result) == [
        f"error: SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds from 1970 to "
        f"2107 (hint: unset it, or give seconds since 1970 in ASCII digits)"
    ]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "bz2", "uu", "hex", "quopri"])
def test_codecs_that_are_not_text_encodings_are_refused(tmp_path, codec):
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--encoding", codec)
    assert result.returncode == 2
    assert len(errors(result)) == 1 and "is not a text encoding" in errors(result)[0]


@pytest.mark.parametrize("tag", ["en us", "en-12", "e", "en-abcd-12x", "english-language-tag"])
def test_bad_language_tags_are_usage_errors(tmp_path, tag):
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--language", tag)
    assert result.returncode == 2
    assert errors(result) == [f"error: --language = {tag!r}: use a tag such as en, az, ru, hy or ka"]


@pytest.mark.parametrize(
    "tag,normal",
    [
        ("EN-gb", "en-GB"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("de-CH-1996", "de-CH-1996"),
        ("zh-Hant", "zh-Hant"),
    ],
)
def test_good_language_tags_are_normalised(tag, normal):
    from publish.language import normalise_tag

    assert normalise_tag(tag) == normal


def test_a_garbage_font_file_is_named(tmp_path):
    font = tmp_path / "x.ttf"
    font.write_bytes(b"not a font at all")
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "pdf", "--font", str(font))
    assert result.returncode == 2
    assert errors(result) == [
        f"{font}: error: not a usable TrueType font (TTLibError: Not a TrueType or OpenType "
        f"font (bad sfntVersion)) (hint: give --font a .ttf file with TrueType outlines)"
    ]
    assert not list((tmp_path / "dist").glob("*.pdf"))


@pytest.mark.parametrize("how", ["article", "--date"])
def test_a_date_after_2107_makes_a_valid_epub(tmp_path, how):
    source = tmp_path / "a.txt"
    source.write_text(
        f"title: Future\ndate: {'2150-06-01' if how == 'article' else '2024-01-01'}\n\nText.\n", encoding="utf-8"
    )
    if how == "article":
        result = cli("build", str(source), "--out", str(tmp_path / "dist"), "--format", "epub")
    else:
        result = cli(
            "collect",
            str(source),
            "--title",
            "Digest",
            "--date",
            "2150-06-01",
            "--out",
            str(tmp_path / "dist"),
            "--format",
            "epub",
        )
    assert result.returncode == 0, result.stderr
    [epub] = (tmp_path / "dist").glob("*.epub")
    assert {info.date_time for info in zipfile.ZipFile(epub).infolist()} == {(2107, 12, 31, 23, 59, 58)}


@pytest.mark.parametrize(
    "content,message",
    [
        (
            b"formats = [1, 2]\n",
            "publish.toml:1: error: setting 'formats': format 1 is not a name (hint: choose from epub, pdf, "
            "txt, ascii, ninjs)",
        ),
        (b"templates = [1]\n", "publish.toml:1: error: setting 'templates' = [1]: expected folder names, not int"),
        (b'out = "\xff"\n', "publish.toml: error: not UTF-8 (byte offset 7)"),
        (
            b'out = ""\n',
            "publish.toml:1: error: setting 'out' = '': expected a folder name (an empty one would write into the "
            "working folder)",
        ),
    ],
)
def test_bad_configuration_values_are_usage_errors(tmp_path, content, message):
    (tmp_path / "publish.toml").write_bytes(content)
    result = cli("build", str(SEED), "--format", "txt", cwd=tmp_path)
    assert result.returncode == 2
    assert errors(result) == [message]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publish.toml"]


def test_tool_publish_that_is_not_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool]\npublish = 5\n")
    result = cli("build", str(SEED), cwd=tmp_path)
    assert result.returncode == 2
    assert errors(result) == ["pyproject.toml:2: error: [tool.publish] must be a table"]


def test_an_empty_out_is_a_usage_error(tmp_path):
    result = cli("build", str(SEED), "--out", "", cwd=tmp_path)
    assert result.returncode == 2
    assert errors(result) == [
        "error: --out = '': expected a folder name (an empty one would write into the working folder)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("publisher", ["a\x01b", "a\ufffeb"])
def test_a_publisher_with_control_or_noncharacters_is_refused(tmp_path, publisher):
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--publisher", publisher)
    assert result.returncode == 2
    assert errors(result) == [
        f"error: --publisher = {publisher!r}: control characters and noncharacters are not allowed"
    ]


# --- 10. Templates and style files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,message",
    [
        ("{% if %}", "template error: Expected an expression, got 'end of statement block'"),
        ("{{ nosuchname }}", "template error: UndefinedError: 'nosuchname' is undefined"),
        ("{{ 1/0 }}", "template error: ZeroDivisionError: division by zero"),
    ],
)
def test_template_errors_name_the_template_and_line(tmp_path, line, message):
    folder = tmp_path / "tpl" / "epub"
    folder.mkdir(parents=True)
    template = folder / "article.xhtml"
    original = (TEMPLATES / "epub" / "article.xhtml").read_text(encoding="utf-8")
    template.write_text(original + line + "\n", encoding="utf-8")
    number = original.count("\n") + 1
    second = tmp_path / "b.txt"
    second.write_text("title: Second\ndate: 2024-01-01\n\nText.\n", encoding="utf-8")
    result = cli(
        "build",
        str(SEED),
        str(second),
        "--out",
        str(tmp_path / "dist"),
        "--format",
        "epub",
        "--templates",
        str(tmp_path / "tpl"),
    )
    assert result.returncode == 2
    expected = f"{template}:{number}: error: {message} (hint: fix the template in your --templates folder)"
    assert errors(result) == [expected, expected]  # every article is tried: the batch is not aborted
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "margin_top = 78",
            "margin_top = 900",
            "5: [page] margin_top must be a number of points from 0 to 250, not 900",
        ),
        ("size = 10.5", 'size = "big"', "16: [body] size must be a number of points from 4 to 72, not 'big'"),
        (
            'colour = "#333333"',
            'colour = "grey"',
            "33: [editorial] colour must be a colour such as \"#333333\", not 'grey'",
        ),
    ],
)
def test_style_file_values_are_checked(tmp_path, old, new, message):
    folder = tmp_path / "tpl" / "pdf"
    folder.mkdir(parents=True)
    original = (TEMPLATES / "pdf" / "style.toml").read_text(encoding="utf-8")
    assert old in original
    (folder / "style.toml").write_text(original.replace(old, new, 1), encoding="utf-8")
    result = cli(
        "build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "pdf", "--templates", str(tmp_path / "tpl")
    )
    assert result.returncode == 2
    hint = "compare with the built-in pdf/style.toml, which publish templates --copy DIR copies out"
    line, text = message.split(": ", 1)
    assert errors(result) == [f"{folder / 'style.toml'}:{line}: error: {text} (hint: {hint})"]
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.pdf"))


def test_a_style_file_that_is_not_toml(tmp_path):
    folder = tmp_path / "tpl" / "pdf"
    folder.mkdir(parents=True)
    (folder / "style.toml").write_text("[page\n")
    result = cli(
        "build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "pdf", "--templates", str(tmp_path / "tpl")
    )
    assert result.returncode == 2
    assert errors(result) == [
        f"{folder / 'style.toml'}: error: the style file is not valid TOML: Expected ']' at "
        f"the end of a table declaration (at line 1, column 6)"
    ]


def test_the_shipped_style_file_passes_its_own_table():
    from publish.templates import STYLE_KEYS, load_style

    style = load_style()
    assert {section: set(style[section]) for section in STYLE_KEYS} == {
        section: set(keys) for section, keys in STYLE_KEYS.items()
    }
    assert shutil.which("true")
