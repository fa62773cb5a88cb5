import pytest

from publish.typography import smarten


@pytest.mark.parametrize("before, after", [
    ('"Hello," he said.', "\u201cHello,\u201d he said."),
    ("Azerbaijan's haven't", "Azerbaijan\u2019s haven\u2019t"),
    ("the '90s", "the \u201990s"),
    ("'quoted' word", "\u2018quoted\u2019 word"),
    ('("nested")', "(\u201cnested\u201d)"),
    ("wait -- what...", "wait \u2014 what\u2026"),
    ("a---b and x-y", "a---b and x-y"),
    ("\u201calready curly\u201d", "\u201calready curly\u201d"),
    ("no marks at all", "no marks at all"),
])
def test_smarten(before, after):
    assert smarten(before) == after


def test_smarten_touches_only_punctuation():
    text = 'Tags <b>"x"</b> & \\"escaped\\" {{ 7*7 }}'
    result = smarten(text)
    strip = str.maketrans({"\u201c": '"', "\u201d": '"'})
    assert result.translate(strip) == text
