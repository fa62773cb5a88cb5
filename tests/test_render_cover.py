"""The raster cover: size, format, reproducibility, and type in every promised script."""

import io
import os
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageDraw

from publish.fonts import coverage, shipped_font
from publish.render import cover
from publish.render.cover import CoverText, fit_title, render_cover, script_runs

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


def test_arabic_is_drawn_joined_and_right_to_left_and_latin_as_it_is():
    visual = cover._visual("سلام (IAEA) 12")
    # Joined presentation forms, in visual order: the Latin run keeps its own order, and the
    # brackets around it, in the right-to-left paragraph, are mirrored.
    assert visual == "12 (IAEA) \ufee1\ufefc\ufeb3"  # lam-alef is one ligature
    assert cover._visual("BAKU, Azerbaijan") == "BAKU, Azerbaijan"
    assert cover._visual("ירושלים") == "םילשורי"
