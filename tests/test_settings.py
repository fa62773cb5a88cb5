"""One settings table: CLI options, configuration files, `publish config` and RenderOptions
all come from `publish.settings.SETTINGS`."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner
from conftest import SEED

from publish.cli import main
from publish.errors import OptionsError
from publish.options import RenderOptions
from publish.settings import READING_SETTINGS, SETTINGS, checked, load_config, render_options


def test_render_options_hold_exactly_the_settings_that_shape_editions():
    shaping = {setting.name for setting in SETTINGS if setting.shapes_editions} - set(READING_SETTINGS)
    fields = {field.name for field in dataclasses.fields(RenderOptions)} - {"source_date_epoch", "modified"}
    assert shaping == (fields - {"template_dirs"}) | {"templates"}
    values = {setting.name: setting.default for setting in SETTINGS}
    assert render_options(values) == RenderOptions()  # the table's defaults are the options' defaults


def test_every_setting_is_an_option_of_build_and_a_line_of_publish_config():
    runner = CliRunner()
    help_text = runner.invoke(main, ["build", "--help"]).output
    shown = runner.invoke(main, ["config"]).output
    for setting in SETTINGS:
        assert setting.flags[-1] in help_text, setting.name
        assert f"\n{setting.name} = " in shown, setting.name
    collect_help = runner.invoke(main, ["collect", "--help"]).output
    for setting in SETTINGS:
        assert (setting.flags[-1] in collect_help) == setting.for_digests, setting.name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('width = "wide"\n', "publish.toml:1: setting 'width' must be a whole number, not str"),
        ("formats = [1, 2]\n", "publish.toml:1: setting 'formats': format 1 is not a name"),
        ("templates = [1]\n", "publish.toml:1: setting 'templates' = [1]: expected folder names, not int"),
        ('paper = "A5"\n', "publish.toml:1: setting 'paper' = 'A5': expected auto, A4 or Letter"),
        ("\nstrict = 1\n", "publish.toml:2: setting 'strict' must be true or false, not int"),
        ('encoding = "rot13"\n', "publish.toml:1: setting 'encoding' = 'rot13': rot13 is not a text encoding"),
    ],
)
def test_a_wrong_value_in_the_configuration_names_file_line_key_and_what_was_expected(tmp_path, text, message):
    (tmp_path / "publish.toml").write_text(text, encoding="utf-8")
    with pytest.raises(OptionsError) as raised:
        load_config(tmp_path)
    assert str(raised.value).startswith(str(tmp_path / message.split(":")[0]) + ":" + message.split(":", 1)[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--width", "5"], "error: --width = 5: expected a whole number from 20 to 400"),
        (["--paper", "A5"], "error: --paper = 'A5': expected auto, A4 or Letter"),
        (
            ["--format", "docx"],
            "error: --format: unknown format 'docx' (hint: choose from epub, pdf, txt, ascii, ninjs)",
        ),
        (["--encoding", "base64"], "error: --encoding = 'base64': base64 is not a text encoding"),
    ],
)
def test_a_wrong_option_is_a_usage_error_naming_it(args, message, tmp_path):
    result = CliRunner().invoke(main, ["build", str(SEED), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == message
    assert not (tmp_path / "out").exists()


def test_the_command_line_wins_over_the_configuration(tmp_path, monkeypatch):
    (tmp_path / "publish.toml").write_text('formats = ["txt"]\nwidth = 50\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert checked("width", 60, where="--width") == 60
    result = CliRunner().invoke(main, ["build", str(SEED), "--width", "60", "-q"])
    assert result.exit_code == 0, result.output
    text = next((tmp_path / "dist").glob("*.txt")).read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines() if " " in line.strip()) == 60


def test_a_bug_in_publish_is_said_as_one_and_exits_70(tmp_path, monkeypatch):
    import publish.render.text

    def broken(article, options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(publish.render.text, "render_text", broken)
    result = CliRunner().invoke(main, ["build", str(SEED), "--out", str(tmp_path), "--format", "txt", "-j", "1"])
    assert result.exit_code == 70
    assert (
        result.output.strip().splitlines()[-1]
        == "1 article: 0 built (0 editions), 0 up to date, 1 failed, in "
        + result.output.strip().splitlines()[-1].split(" in ")[-1]
    )
    assert (
        f"{SEED}: error: could not render the txt edition: ZeroDivisionError: division by zero "
        "(hint: this is a bug in publish; run with --verbose and report it)"
    ) in result.output
