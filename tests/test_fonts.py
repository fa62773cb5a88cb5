"""Fonts ship with publish: the same PDF bytes whatever fonts the machine has."""

from __future__ import annotations

import runpy
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SEED, article_from
from fontTools.ttLib import TTFont

import publish.fonts as fonts
from publish.building.builder import build
from publish.errors import InputError, OptionsError
from publish.options import RenderOptions
from publish.render.pdf import preflight, render_pdf

SCRIPT_ARTICLES = [
    SEED,
    *(
        CORPUS / name
        for name in (
            "azerbaijani.txt",
            "russian.txt",
            "armenian.txt",
            "georgian.txt",
            "header_block.txt",
            "chinese.txt",
            "japanese.txt",
            "korean.txt",
        )
    ),
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


def test_characters_no_font_has_are_counted_in_one_warning_that_says_the_pdf_leaves_them_out(tmp_path):
    """Astral ideographs (Extension B: rare names, "𠮷野家") are in no shipped font: one
    warning names a dozen and counts the rest, and it is true: the PDF neither draws them
    nor has them in its text layer, while the ideographs around them print."""
    rare = "".join(chr(0x20000 + index * 37) for index in range(40))
    article = article_from_text(f"title: 报道\ndate: 2024-03-01\nlanguage: zh\n\n新华社北京电 {rare}。\n")
    (warning,) = preflight(article, RenderOptions())
    assert warning.startswith("40 characters in no font of the PDF (\U00020000 U+20000, \U00020025 U+20025, ")
    assert warning.endswith(" and 28 more): the PDF leaves them out")
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(render_pdf(article))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "新华社北京电" in text and "报道" in text
    assert not any(char in text for char in rare)
    with pytest.raises(InputError, match="U\\+20000"):
        preflight(article, RenderOptions(strict=True))


def test_a_chinese_article_of_a_thousand_ideographs_needs_no_warning():
    text = "新华社北京9月21日电 " + "".join(chr(0x4E00 + (index * 37) % 20000) for index in range(1000))
    article = article_from_text(f"title: 报道\ndate: 2024-03-01\nlanguage: zh\n\n{text}。\n")
    assert preflight(article, RenderOptions()) == ()


def _repertoire(codec: str, lead: range, trail: range) -> set[str]:
    """Every character a double-byte national character set encodes (Python's codec)."""
    found = set()
    for first in lead:
        for second in trail:
            try:
                found.add(bytes((first, second)).decode(codec))
            except UnicodeDecodeError:
                continue
    return {char for char in found if len(char) == 1}


#: Han, kana and hangul of the national character sets, as Unicode names them.
_LETTERS = ("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "HANGUL SYLLABLE")


@pytest.mark.parametrize(
    ("codec", "lead", "trail", "size"),
    [
        ("gb2312", range(0xA1, 0xFF), range(0xA1, 0xFF), 6933),  # simplified Chinese: 6,763 hanzi, kana
        ("gbk", range(0x81, 0xFF), range(0x40, 0xFF), 21078),  # the whole Unified Ideographs block
        ("big5", range(0x81, 0xFF), range(0x40, 0xFF), 13233),  # traditional Chinese: 13,061 hanzi, kana
        ("euc_jp", range(0xA1, 0xFF), range(0xA1, 0xFF), 6533),  # JIS X 0208: 6,356 kanji, kana
        ("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF), 7139),  # KS X 1001: 4,620 hanja, 2,350 hangul, kana
    ],
)
def test_the_cjk_face_has_every_letter_of_the_national_character_sets(codec, lead, trail, size):
    letters = {char for char in _repertoire(codec, lead, trail) if unicodedata.name(char, "").startswith(_LETTERS)}
    assert len(letters) == size
    assert sorted(char for char in letters if ord(char) not in fonts.coverage(fonts.CJK_FAMILY.regular)) == []


def test_the_cjk_face_has_every_hangul_syllable_and_the_punctuation_of_the_wires():
    have = fonts.coverage(fonts.CJK_FAMILY.regular)
    syllables = [chr(code) for code in range(0xAC00, 0xAC00 + 19 * 21 * 28)]  # every modern syllable
    assert all(unicodedata.name(char).startswith("HANGUL SYLLABLE") for char in syllables)
    assert [char for char in syllables if ord(char) not in have] == []
    punctuation = "，。、；：？！（）《》〈〉「」『』【】〔〕〖〗・ー々〜～\u3000"
    assert [char for char in punctuation if ord(char) not in have] == []
    # What it lacks the body family has: Latin letters and digits, quotation marks, dashes.
    assert [char for char in "A1“”‘’—…·" if ord(char) not in fonts.coverage(fonts.shipped_font())] == []


def test_the_cjk_face_is_droid_sans_fallback_renamed_with_its_angle_brackets_and_licence():
    """As `tools/cjk_font.py` makes it: Google's names, notices and licence entry kept, a
    family name of its own, and 〈 〉 each one chevron of the font's own 《 》."""
    tool = runpy.run_path(str(ROOT / "tools" / "cjk_font.py"))
    shipped = fonts.SHIPPED_DIR / tool["TARGET"]
    assert fonts.CJK_FAMILY.regular == shipped and fonts.FALLBACK_CHAIN[-1] == fonts.CJK_FAMILY.name == tool["FAMILY"]
    assert fonts.find_family("Droid Sans Fallback") == fonts.CJK_FAMILY
    font = TTFont(shipped)
    names = {record.nameID: record.toUnicode() for record in font["name"].names}
    assert names[1] == names[4] == "Publish Sans CJK" and names[6] == "PublishSansCJK"
    assert names[5] == "Version 2.55b; publish: made from Droid Sans Fallback, U+3008 and U+3009 added, renamed"
    assert names[0] == "Digitized data copyright Google Corporation \u00a9 2006"
    assert names[7].startswith("Droid is a trademark of Google")
    assert names[13] == "Licensed under the Apache License, Version 2.0"
    assert "glyf" in font and "CFF " not in font  # TrueType outlines: reportlab embeds them
    cmap, glyf = font.getBestCmap(), font["glyf"]
    for added, (double, contour) in tool["ADDED"].items():
        coordinates, ends, _ = glyf[cmap[double]].getCoordinates(glyf)
        start = 0 if contour == 0 else ends[contour - 1] + 1
        single, _, _ = glyf[cmap[added]].getCoordinates(glyf)
        assert list(single) == list(coordinates[start : ends[contour] + 1])
        assert font["hmtx"][cmap[added]][0] == font["hmtx"][cmap[double]][0] == 256  # a full em, as 《 》
    licence = (fonts.SHIPPED_DIR / "Apache-2.0.txt").read_text(encoding="utf-8")
    assert licence.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in licence


def article_from_text(text: str):
    from publish.readers import parse

    return parse(text).article
