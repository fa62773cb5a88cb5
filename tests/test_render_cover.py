"""The raster cover: size, format, reproducibility, and type in every promised script."""

import hashlib
import io
import itertools
import os
import subprocess
import sys
from functools import cache

import pytest
import uharfbuzz as hb
from bidi import get_display
from conftest import characters_measured
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw

from publish.fonts import coverage, shipped_font
from publish.render import cover
from publish.render.cover import GLYPH_CODES, CoverText, fit_title, render_cover, script_runs, shaped_line

SEED_COVER = CoverText(
    title="Azerbaijan conducted local anti-terrorist activities and neutralized all Armenian illegal\u2026",
    place="BAKU, Azerbaijan",
    date="September 21, 2023",
    credit="Trend",
)


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in `box` clearly darker than the paper."""
    return sum(image.crop(box).convert("L").histogram()[:128])


def test_cover_is_a_1000_by_1600_rgb_baseline_jpeg_without_metadata():
    data = render_cover(SEED_COVER)
    image = picture(data)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (1000, 1600) and image.height / image.width == 1.6
    assert "exif" not in image.info and "progressive" not in image.info and "icc_profile" not in image.info
    assert b"Exif" not in data[:200]
    assert image.getpixel((800, 40)) == pytest.approx((0xF7, 0xF3, 0xEA), abs=3)  # the paper, not white


def test_two_renders_are_byte_identical_in_other_processes_and_time_zones(tmp_path):
    script = (
        "import sys; from publish.render.cover import CoverText, render_cover;"
        "sys.stdout.buffer.write(render_cover(CoverText(title='Երևանում բացվել է նոր գրադարան',"
        "place='ԵՐԵՎԱՆ', date='12 հուլիսի, 2024 թ.', credit='Trend')))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, check=True, timeout=120, env={**os.environ, "TZ": zone}
        ).stdout
        for zone in ("UTC", "Pacific/Kiritimati")
    ]
    here = render_cover(
        CoverText(title="Երևանում բացվել է նոր գրադարան", place="ԵՐԵՎԱՆ", date="12 հուլիսի, 2024 թ.", credit="Trend")
    )
    assert (
        runs[0]
        == runs[1]
        == here
        == render_cover(
            CoverText(
                title="Երևանում բացվել է նոր գրադարան", place="ԵՐԵՎԱՆ", date="12 հուլիսի, 2024 թ.", credit="Trend"
            )
        )
    )


@pytest.mark.parametrize(
    "text, families",
    [
        ("BAKU, Azerbaijan", ["Publish Serif"]),
        ("Москва · Αθήνα", ["Publish Serif"]),
        ("Երևանում բացվել", ["Publish Serif"]),  # one family has every promised script
        ("თბილისი", ["Publish Serif"]),
        ("Yerevan (Երևան)", ["Publish Serif"]),
        ("Cairo (القاهرة)", ["Publish Serif", "Noto Naskh Arabic", "Publish Serif"]),
        ("ירושלים", ["Noto Serif Hebrew"]),
        ("北京（新华社）", ["Publish Sans CJK"]),
        ("東京・カタカナ", ["Publish Sans CJK"]),
        ("서울 2024년", ["Publish Sans CJK", "Publish Serif", "Publish Sans CJK"]),  # the CJK face has no digits
    ],
)
def test_each_run_is_set_in_the_shipped_family_that_has_it(text, families):
    runs = script_runs(text)
    assert "".join(run for _, run in runs) == text
    assert [family for family, _ in runs] == families
    for family, run in runs:
        for char in run:
            if char.isalpha():
                assert ord(char) in coverage(shipped_font(family)), (family, char)


@pytest.mark.parametrize(
    "title, cut",
    [
        ("Short", False),
        (SEED_COVER.title, False),
        ("თბილისში ახალი პარკი გაიხსნა, რომელიც ათ ჰექტარზე მეტ ტერიტორიას მოიცავს და ღია იქნება დღე და ღამე", False),
        ("word " * 120, True),
        ("Supercalifragilisticexpialidociousnessmakesnospaceatallforanythingelse", True),
    ],
    ids=["short", "seed", "georgian", "too-many-lines", "too-long-a-word"],
)
def test_headlines_fit_the_measure_and_the_band(title, cut):
    size, lines = fit_title(title)
    leading = round(size * 1.22)
    assert size in cover.TITLE_SIZES
    assert size + (len(lines) - 1) * leading <= cover.TITLE_BOTTOM - cover.TITLE_TOP
    assert all(cover._width(line, "bold", size, 0) <= cover.MEASURE for line in lines)
    words = " ".join(title.split())
    if cut:
        assert lines[-1].endswith("\u2026") and words.startswith(" ".join(lines)[:-1])
    else:
        assert " ".join(lines) == words


#: Closing marks no line may begin with, opening ones no line may end with.
CLOSING, OPENING = "，。、：；？！）」』】〉》”’…ー", "（「『【〈《“‘"


@pytest.mark.parametrize(
    "title",
    [
        "国家统计局：4月份国民经济持续恢复，“稳中有进”态势延续，社会消费品零售总额同比增长2.3%",
        "「子どもからお年寄りまで」新しい区立図書館が開館、蔵書は約80万冊に",
        "《四库全书》影印本首次公开展出（记者李晓明）——杭州图书馆",
    ],
)
def test_chinese_and_japanese_headlines_break_between_characters_keeping_kinsoku(title):
    """Set large and broken between characters, never before a closing mark or after an
    opening one, never inside a Latin word or a number; nothing cut, nothing added."""
    size, lines = fit_title(title, "zh")
    assert size == cover.TITLE_SIZES[0] and len(lines) > 2 and "".join(lines) == title
    assert all(cover._width(line, "bold", size, 0, "zh") <= cover.MEASURE for line in lines)
    assert [line for line in lines[1:] if line[0] in CLOSING] == []
    assert [line for line in lines[:-1] if line[-1] in OPENING] == []
    assert all(not (a[-1].isdigit() and b[0] in "0123456789.%") for a, b in itertools.pairwise(lines))


def test_a_headline_keeps_its_phrases_whole_when_they_fit_one_size_smaller():
    """ "...正式开 / 放 馆藏..." at the largest size, or each phrase on its own line one
    size smaller: the phrases win. Two sizes smaller they lose to the larger type."""
    assert fit_title("杭州新图书馆正式开放 馆藏图书超过120万册", "zh") == (
        cover.TITLE_SIZES[1],
        ["杭州新图书馆正式开放", "馆藏图书超过120万册"],
    )
    assert fit_title("上野に新しい区立図書館が開館 蔵書は約80万冊", "ja") == (
        cover.TITLE_SIZES[0],
        ["上野に新しい区立図", "書館が開館 蔵書は", "約80万冊"],
    )


def test_a_korean_headline_breaks_only_at_its_spaces():
    title = "서울 도심에 새 공공도서관 문 열어…장서 50만 권"
    size, lines = fit_title(title, "ko")
    assert size == cover.TITLE_SIZES[0] and " ".join(lines) == title and len(lines) > 1


def test_short_headline_is_set_large_and_long_one_is_cut_with_an_ellipsis():
    assert fit_title("Short") == (cover.TITLE_SIZES[0], ["Short"])
    size, lines = fit_title("word " * 120)
    assert size == cover.TITLE_SIZES[-1] and lines[-1].endswith("\u2026") and len(lines) > 10


@pytest.mark.parametrize(
    "text, family",
    [
        (CoverText(title="ירושלים מארחת כנס", place="ירושלים", date="12 במרץ 2024"), "Noto Serif Hebrew"),
        (CoverText(title="हिंदी समाचार", place="मुंबई", date="5 अप्रैल 2024"), "Noto Serif Devanagari"),
    ],
    ids=["hebrew", "hindi"],
)
def test_scripts_outside_publish_serif_are_drawn_in_their_own_family(text, family):
    """The headline is set in the chain's family for its script: drawn in Publish Serif
    (which lacks these letters) the same line would be a row of .notdef boxes."""
    image = picture(render_cover(text))
    size, lines = fit_title(text.title)
    assert ink(image, (100, cover.TITLE_TOP, 900, cover.TITLE_TOP + size * 2)) > 800
    assert script_runs(lines[0]) == ((family, lines[0]),)

    def alone(font_family: str) -> Image.Image:
        canvas = Image.new("L", (2400, 300), 255)
        ImageDraw.Draw(canvas).text(
            (10, 200), lines[0], font=cover._font(font_family, "bold", size), anchor="ls", fill=0
        )
        return canvas

    assert ImageChops.difference(alone(family), alone("Publish Serif")).getbbox() is not None


def test_author_place_date_and_credit_are_all_drawn():
    bare = picture(render_cover(CoverText(title="Armenia and Azerbaijan agree")))
    full = picture(
        render_cover(
            CoverText(
                title="Armenia and Azerbaijan agree",
                kicker="Daily Wire",
                author="Leyla Mammadova",
                place="YEREVAN, Armenia",
                date="April 19, 2024",
                credit="Trend",
            )
        )
    )
    size, lines = fit_title("Armenia and Azerbaijan agree")
    rule_y = cover.TITLE_TOP + size + (len(lines) - 1) * round(size * 1.22) + round(size * 0.9)
    for name, y in (
        ("kicker", cover.KICKER[0]),
        ("author", rule_y + cover.BELOW_RULE["author"]),
        ("place", rule_y + cover.BELOW_RULE["place"]),
        ("date", rule_y + cover.BELOW_RULE["date"]),
        ("credit", cover.CREDIT[0]),
    ):
        box = (125, y - 32, 875, y + 6)
        assert ink(bare, box) == 0 and ink(full, box) > 120, name


def test_too_long_a_credit_shrinks_then_is_cut():
    data = render_cover(CoverText(title="Digest", credit=" · ".join(["A very long agency name"] * 12)))
    image = picture(data)
    # Nothing is drawn over the frames: the margins stay paper.
    assert ink(image, (70, cover.CREDIT[0] - 38, 131, cover.CREDIT[0] + 6)) == 0
    assert ink(image, (869, cover.CREDIT[0] - 38, 931, cover.CREDIT[0] + 6)) == 0


#: Covers in scripts Pillow draws character by character: drawing complex scripts by
#: glyph id must leave their path (and so their bytes) as it was.
UNSHAPED_COVERS = {
    "seed": SEED_COVER,
    "russian": CoverText(
        title="В Баку прошла международная конференция по энергетике",
        kicker="Daily Wire",
        author="Лейла Мамедова",
        place="БАКУ",
        date="4 июня 2024\u202fг.",
        credit="Trend",
        language="ru",
    ),
    "armenian": CoverText(
        title="Երևանում բացվել է նոր գրադարան", place="ԵՐԵՎԱՆ", date="12 հուլիսի, 2024 թ.", language="hy"
    ),
    "georgian": CoverText(
        title="თბილისში ახალი პარკი გაიხსნა", place="თბილისი", date="20 აგვისტო, 2024", language="ka"
    ),
    "greek": CoverText(title="Νέα γέφυρα στην Αθήνα", place="ΑΘΗΝΑ", date="3 Μαΐου 2024", credit="ΑΠΕ", language="el"),
}


@pytest.mark.parametrize("name", UNSHAPED_COVERS)
def test_latin_cyrillic_greek_armenian_georgian_covers_never_reach_the_shaper(name, monkeypatch):
    """Scripts Pillow sets right by itself keep the code path (and so the bytes, checked
    against main by hash when the shaper came in) they always had."""
    from publish.render import runs

    def refuse(*args, **kwargs):
        raise AssertionError("an unshaped script was shaped")

    monkeypatch.setattr(runs, "shape_run", refuse)
    assert render_cover(UNSHAPED_COVERS[name]).startswith(b"\xff\xd8")


def drawn(text: str, language: str, size: int = 80) -> list[tuple[float, float, int]]:
    """(x, y, glyph id) of every glyph `_runs` draws for a headline line on baseline 500:
    the pen positions it hands to `_draw_letter`, before they are put on whole pixels."""
    calls: list[tuple[float, float, str]] = []

    def record(draw: object, x: float, y: float, font: object, char: str, colour: object) -> None:
        calls.append((x, y, char))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cover, "_draw_letter", record)
        cover._runs(None, text, "bold", size, 0, (0, 0, 0), 500, language)
    out = []
    for x, y, chars in calls:
        assert len(chars) == 1 and ord(chars) >= GLYPH_CODES, "a shaped line is drawn one glyph id at a time"
        out.append((x, y, ord(chars) - GLYPH_CODES))
    return out


def harfbuzz(family: str, text: str, direction: str, language: str) -> list[tuple[int, int, int, int]]:
    """HarfBuzz's own shaping of `text` in the family's bold face: (id, advance, x, y offset)."""
    blob = hb.Blob.from_file_path(str(shipped_font(family, "bold")))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.direction, buffer.language = direction, language
    buffer.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(blob)), buffer, {})
    return [
        (i.codepoint, p.x_advance, p.x_offset, p.y_offset) for i, p in zip(buffer.glyph_infos, buffer.glyph_positions)
    ]


@cache
def glyph_names(family: str) -> list[str]:
    return TTFont(str(shipped_font(family, "bold")), lazy=True).getGlyphOrder()


@cache
def char_of(family: str) -> dict[int, str]:
    """Glyph id -> the character the family's cmap maps to it."""
    font = TTFont(str(shipped_font(family, "bold")), lazy=True)
    names = {name: glyph for glyph, name in enumerate(font.getGlyphOrder())}
    return {names[name]: chr(code) for code, name in sorted(font.getBestCmap().items(), reverse=True)}


def test_devanagari_is_drawn_as_harfbuzz_shapes_it_with_its_conjuncts():
    """ "क्षेत्र" is 7 characters and 3 glyphs: the conjunct क्ष, the vowel sign े above it, the
    conjunct त्र; never क + ् + ष (a visible virama), and each at HarfBuzz's position."""
    family, size = "Noto Serif Devanagari", 80
    glyphs = drawn("क्षेत्र", "hi", size)
    expected = harfbuzz(family, "क्षेत्र", "ltr", "hi")
    assert [glyph for _, _, glyph in glyphs] == [glyph for glyph, *_ in expected]
    assert [glyph_names(family)[glyph] for _, _, glyph in glyphs] == ["uni0915094D0937", "uni0947", "uni0924094D0930"]
    scale = size / 1000  # Noto's units per em
    width = sum(advance for _, advance, _, _ in expected) * scale
    pen = (cover.WIDTH - width) / 2
    for (x, y, _), (_, advance, x_offset, y_offset) in zip(glyphs, expected):
        assert x == pytest.approx(pen + x_offset * scale) and y == pytest.approx(500 - y_offset * scale)
        pen += advance * scale


def test_devanagari_vowel_sign_i_is_drawn_before_its_consonant():
    """ "रिज़र्व" is 7 characters and 5 glyphs: the vowel sign ि (typed after र) stands to its
    left, ज + nukta is one glyph, and the र of र्व is a reph drawn after व (above it)."""
    family = "Noto Serif Devanagari"
    glyphs = drawn("रिज़र्व", "hi")
    assert [glyph for _, _, glyph in glyphs] == [glyph for glyph, *_ in harfbuzz(family, "रिज़र्व", "ltr", "hi")]
    names = [glyph_names(family)[glyph] for _, _, glyph in glyphs]
    assert names == ["uni093F.01", "uni0930", "uni095B", "uni0935", "uni0930094D"]


def test_arabic_lam_alef_is_the_fonts_ligature_not_two_letters():
    """Noto Naskh Arabic writes lam-alef as a required ligature (`rlig`): its own lam and
    alef forms, one cluster, set on one advance; never the isolated ل and final ا."""
    family = "Noto Naskh Arabic"
    glyphs = drawn("لا", "ar")
    assert [glyph_names(family)[glyph] for _, _, glyph in glyphs] == ["uniFE8E.rlig", "uniFEDF.rlig"]
    assert [glyph for _, _, glyph in glyphs] == [glyph for glyph, *_ in harfbuzz(family, "لا", "rtl", "ar")]
    assert glyphs[0][0] == glyphs[1][0]  # drawn at one x: one ligature


def test_a_mixed_arabic_line_is_in_the_visual_order_of_the_bidi_algorithm():
    """ "سلام (IAEA) 12" reads, left to right, "12 (IAEA) " then the Arabic word: numbers and
    the acronym keep their own order and the brackets are mirrored, in python-bidi's order."""
    line = "سلام (IAEA) 12"
    glyphs, width = shaped_line(line, "bold", 80, "ar")
    xs = [glyph.x for glyph in glyphs]
    assert xs == sorted(xs) and 0 < width < cover.MEASURE
    latin = "".join(char_of(glyph.family)[glyph.glyph] for glyph in glyphs if glyph.family == "Publish Serif")
    arabic = [glyph.glyph for glyph in glyphs if glyph.family == "Noto Naskh Arabic"]
    # python-bidi gives the order (and leaves mirroring to the renderer): "12 )IAEA( مالس".
    visual = get_display(line, base_dir="R")
    assert visual.translate(str.maketrans("()", ")(")).startswith(latin) and latin == "12 (IAEA)"
    assert arabic == [glyph for glyph, *_ in harfbuzz("Noto Naskh Arabic", "سلام ", "rtl", "ar")]
    # A right-to-left book sets even a line with no Arabic letter from the right.
    assert [char_of("Publish Serif")[glyph.glyph] for glyph in shaped_line("(IAEA) 12", "bold", 80, "ar")[0]] == list(
        "12 (IAEA)"
    )


def test_a_glyph_drawn_by_id_is_the_glyph_pillow_draws_for_its_character():
    """The private-use cmap changes nothing else: the same pixels as the font's own cmap
    (hinting included, which finds a glyph's script through its characters)."""
    for family, char in (("Noto Serif Devanagari", "क"), ("Noto Naskh Arabic", "س"), ("Noto Serif Hebrew", "ש")):
        glyph = next(glyph for glyph, found in char_of(family).items() if found == char)

        def alone(font, text):
            canvas = Image.new("L", (200, 200), 255)
            ImageDraw.Draw(canvas).text((40.3, 150), text, font=font, anchor="ls", fill=0)
            return canvas

        by_id = alone(cover._glyph_font(family, "bold", 80), chr(GLYPH_CODES + glyph))
        by_char = alone(cover._font(family, "bold", 80), char)
        assert by_id.getbbox() is not None and ImageChops.difference(by_id, by_char).getbbox() is None


SHAPED_COVERS = (
    CoverText(
        title="भारतीय रिज़र्व बैंक ने रेपो दर 6.5 प्रतिशत पर बरकरार रखी क्षेत्र",
        place="मुंबई",
        date="5 अप्रैल 2024",
        language="hi",
    ),
    CoverText(
        title="الوكالة الدولية للطاقة الذرية (IAEA): إيران وسعت مخزون اليورانيوم 12",
        place="فيينا",
        date="12 مارس 2024",
        credit="رويترز",
        language="ar",
    ),
)


def test_shaped_covers_are_byte_identical_in_other_processes():
    """Shaping, the in-memory font and drawing by glyph id depend on nothing of the process."""
    script = (
        "import hashlib; from publish.render.cover import CoverText, render_cover;"
        f"print(*(hashlib.sha256(render_cover(c)).hexdigest() for c in {SHAPED_COVERS!r}))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            check=True,
            timeout=120,
            text=True,
            env={**os.environ, "TZ": zone},
        ).stdout.split()
        for zone in ("UTC", "Pacific/Kiritimati")
    ]
    here = [hashlib.sha256(render_cover(text)).hexdigest() for text in SHAPED_COVERS]
    assert runs[0] == runs[1] == here and len(set(here)) == 2


def test_a_cut_line_never_leaves_a_vowel_sign_without_its_letter():
    """Shortening a too-long line drops a letter together with its marks."""
    assert cover._without_last("रखी") == "र"
    assert cover._without_last("कि") == ""
    assert cover._without_last("abc") == "ab"


# --- Issue 29, point 15: the line shortener measures a line's worth, not the whole text -------------


def _measured_characters(text: CoverText, monkeypatch) -> int:
    return characters_measured(monkeypatch, cover, "_width", lambda: render_cover(text))


@pytest.mark.parametrize(
    "word, language", [("Author", "en"), ("\u0645\u0631\u062d\u0628\u0627", "ar")], ids=["latin", "arabic"]
)
def test_a_huge_author_or_publisher_is_cut_in_linear_work(word, language, monkeypatch):
    def text(words: int) -> CoverText:
        name = " ".join(f"{word}{index % 7}" for index in range(words))
        return CoverText(title="Council agrees", kicker=name, author=name, language=language)

    small = _measured_characters(text(200), monkeypatch)
    large = _measured_characters(text(800), monkeypatch)
    assert large < 6 * small, (small, large)


def test_a_cut_huge_author_is_the_same_cut_as_a_short_one():
    short, huge = ("Anna Author " * count for count in (40, 4000))
    assert cover._cut(huge, "regular", cover.MIN_LINE_SIZE, 0, "en") == cover._cut(
        short, "regular", cover.MIN_LINE_SIZE, 0, "en"
    )


def test_each_letter_is_rasterised_once_per_process_and_drawn_from_then_on():
    """A batch's covers draw the same letters at the same few sizes: FreeType rasterises
    each (font, letter) once, later covers only paste its mask."""
    first = CoverText(title="Parliament approves the budget", place="BAKU", date="21 September 2024", credit="Trend")
    again = CoverText(title="Parliament the budget approves", place="BAKU", date="21 September 2024", credit="Trend")
    render_cover(first)
    rasterised = cover._letter.cache_info().misses
    render_cover(again)  # the same letters, in another order
    assert cover._letter.cache_info().misses == rasterised
    assert cover._letter.cache_info().hits > 0
