"""Fonts ship with publish: the same PDF bytes whatever fonts the machine has."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, SEED, article_from
from fontTools.ttLib import TTFont

import publish.fonts as fonts
from publish.builder import build
from publish.errors import OptionsError
from publish.options import RenderOptions
from publish.render.pdf import preflight, render_pdf

SCRIPT_ARTICLES = [
    SEED,
    *(CORPUS / name for name in ("azerbaijani.txt", "russian.txt", "armenian.txt", "georgian.txt", "header_block.txt")),
]
PROMISED = "əğışƏĞİŞ Россия Ελλάδα Հայաստան საქართველო ₼ ֏ € £ $ ₽ ₺ ₾ — – … “ ” ‘ ’ « » „"


def _renamed(source: Path, family: str, target: Path, drop: str = "") -> Path:
    """A copy of a font under another family name, optionally without some characters:
    a stand-in for whatever a crowded machine may have installed."""
    font = TTFont(source)
    for table in font["cmap"].tables:
        for char in drop:
            table.cmap.pop(ord(char), None)
    names = font["name"]
    for name_id, value in (
        (1, family),
        (2, "Regular"),
        (4, f"{family} Regular"),
        (6, family.replace(" ", "") + "-Regular"),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    font.save(str(target))
    return target


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A font folder full of look-alikes: a different "Publish Serif", a "Noto Serif"
    without Armenian, and a family that sorts first and covers everything."""
    folder = tmp_path_factory.mktemp("crowded-fonts")
    regular = fonts.shipped_font()
    _renamed(regular, "Publish Serif", folder / "fake-publish.ttf", drop="Ա")
    _renamed(regular, "Noto Serif", folder / "NotoSerif-Regular.ttf", drop="ԱԲԳ")
    _renamed(fonts.shipped_font(face="bold"), "Aardvark Serif", folder / "Aardvark-Regular.ttf")
    return folder


def test_the_shipped_family_covers_every_promised_script_and_currency_sign():
    for face in fonts.FACES:
        cmap = TTFont(fonts.shipped_font(face=face), lazy=True).getBestCmap()
        assert [char for char in PROMISED if ord(char) not in cmap] == []
    assert (fonts.SHIPPED_DIR / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1


def test_default_editions_never_look_at_the_machines_fonts(monkeypatch):
    def forbidden(folders: object) -> None:
        raise AssertionError(f"system fonts were searched: {folders}")

    monkeypatch.setattr(fonts, "_installed", forbidden)
    for path in SCRIPT_ARTICLES:
        article = article_from(path)
        assert preflight(article, RenderOptions()) == ()
        assert render_pdf(article).startswith(b"%PDF-")


@pytest.mark.parametrize("path", SCRIPT_ARTICLES, ids=lambda path: path.name)
def test_pdf_bytes_are_the_same_with_no_fonts_with_a_crowded_folder_and_on_this_machine(
    path, crowded, tmp_path, monkeypatch
):
    article = article_from(path)
    options = RenderOptions(source_date_epoch=1_700_000_000)
    editions = []
    for folders in ((tmp_path,), (crowded,), fonts.SYSTEM_FONT_DIRS):
        monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", folders)
        editions.append(render_pdf(article, options))
    assert editions[0] == editions[1] == editions[2]


def test_a_font_the_user_names_is_used_and_is_part_of_the_rebuild_key(crowded, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (crowded,))
    options = RenderOptions(font="Aardvark Serif")
    first = build([SEED], tmp_path / "out", ["pdf"], options)
    assert first.ok and len(first.written) == 1
    assert b"AardvarkSerif" in first.written[0].read_bytes()
    assert build([SEED], tmp_path / "out", ["pdf"], options).skipped == 1
    # The same name, other glyphs: the edition is out of date.
    _renamed(fonts.shipped_font(), "Aardvark Serif", crowded / "Aardvark-Regular.ttf")
    again = build([SEED], tmp_path / "out", ["pdf"], options)
    assert again.skipped == 0 and len(again.written) == 1


@pytest.mark.parametrize(
    ("font", "message"),
    [
        ("No Such Family", "font 'No Such Family' is neither shipped with publish nor installed as TrueType"),
        ("missing.ttf", "font file 'missing.ttf' does not exist"),
    ],
)
def test_a_font_that_cannot_be_found_is_a_usage_error(font, message, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (tmp_path,))
    with pytest.raises(OptionsError) as raised:
        fonts.find_family(font)
    assert raised.value.message == message


def test_a_chinese_article_gets_one_warning_that_counts_what_no_font_has():
    text = "新华社北京9月21日电 " + "".join(chr(0x4E00 + (index * 37) % 2000) for index in range(1000))
    article = article_from_text(f"title: 报道\ndate: 2024-03-01\nlanguage: zh\n\n{text}。\n")
    (warning,) = preflight(article, RenderOptions())
    distinct = len({char for char in text + "报道。" if ord(char) >= 0x3000})
    assert warning.startswith(f"{distinct:,} characters in no font of the PDF (")
    assert warning.endswith(f" and {distinct - 12:,} more): the PDF shows a blank box for them")
    assert render_pdf(article).startswith(b"%PDF-")


def article_from_text(text: str):
    from publish.readers import parse

    return parse(text).article
