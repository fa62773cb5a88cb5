import pytest

from publish.typography import for_reading, smarten


@pytest.mark.parametrize(
    "before, after",
    [
        ('"Hello," he said.', "\u201cHello,\u201d he said."),
        ("Azerbaijan's haven't", "Azerbaijan\u2019s haven\u2019t"),
        ("the '90s", "the \u201990s"),
        ("'quoted' word", "\u2018quoted\u2019 word"),
        ('("nested")', "(\u201cnested\u201d)"),
        ("wait -- what...", "wait \u2014 what\u2026"),
        ("a---b and x-y", "a---b and x-y"),
        ("\u201calready curly\u201d", "\u201calready curly\u201d"),
        ("no marks at all", "no marks at all"),
        # Hebrew abbreviations take gershayim and geresh, quotations still curl.
        ("צה\"ל ופרופ' ירון", "צה\u05f4ל ופרופ\u05f3 ירון"),
        ('אמר "שלום" לכולם', "אמר \u201cשלום\u201d לכולם"),
    ],
)
def test_smarten(before, after):
    assert smarten(before) == after


def test_smarten_touches_only_punctuation():
    text = 'Tags <b>"x"</b> & \\"escaped\\" {{ 7*7 }}'
    result = smarten(text)
    strip = str.maketrans({"\u201c": '"', "\u201d": '"'})
    assert result.translate(strip) == text


@pytest.mark.parametrize(
    "language, before, after",
    [
        ("en", "talks - and more", "talks\u00a0\u2013 and more"),
        ("en", "rose 20-25% in 1990-95", "rose 20\u201325% in 1990\u201395"),
        (
            "en",
            "on 2023-09-21, call 555-1234 or +994 12 555-12-34",
            "on 2023-09-21, call 555-1234 or +994 12 555-12-34",
        ),
        (
            "en",
            "A320-200, COVID-19, ISO 9001-2015, well-known, 3-1 win",
            "A320-200, COVID-19, ISO 9001-2015, well-known, 3-1 win",
        ),
        (
            "en",
            "see https://example.com/a-b - or www.x.org/1-2",
            "see https://example.com/a-b\u00a0\u2013 or www.x.org/1-2",
        ),
        (
            "en",
            "Ms Boynton, Mr. Smith and J. Walter Thompson",
            "Ms\u00a0Boynton, Mr.\u00a0Smith and J.\u00a0Walter Thompson",
        ),
        (
            "en",
            "on 31 March 2023, September 21 and 5 ₼",
            "on 31\u00a0March\u00a02023, September\u00a021\u00a0and 5\u00a0₼",
        ),
        ("en", "Ms said the ms - ok", "Ms said the ms\u00a0\u2013 ok"),
        (
            "ru",
            "4 июня 2024 г. г-н Иванов - министр",
            "4\u00a0июня\u00a02024\u00a0г. г-н\u00a0Иванов\u00a0\u2013 министр",
        ),
        ("az", "BAKI, 28 may. 8 faizdə 2030-cu ilə", "BAKI, 28\u00a0may. 8\u00a0faizdə 2030-cu ilə"),
        ("hy", "12 հուլիսի - նոր", "12\u00a0հուլիսի\u00a0\u2013 նոր"),
        # Honorifics and months in any case, whole words only, the full stop optional.
        ("en", "MR. Smith, dr Who, DrX Y, mr. smith", "MR.\u00a0Smith, dr\u00a0Who, DrX Y, mr. smith"),
        ("en", "Mayday 5 and (May 5) and re-May 5", "Mayday 5\u00a0and (May\u00a05) and re-May 5"),
        # Initials: one letter alone before its full stop, then a capital.
        ("en", "J. R. R. Tolkien, Jr. Smith, j. Smith", "J.\u00a0R.\u00a0R.\u00a0Tolkien, Jr. Smith, j. Smith"),
        # A month name with a space inside (CLDR's Vietnamese "Tháng 9") takes the other pattern.
        ("vi", "ngày 5 Tháng 9 9 người", "ngày 5\u00a0Tháng 9\u00a09\u00a0người"),
    ],
)
def test_for_reading(language, before, after):
    assert for_reading(before, language) == after
    assert len(for_reading(before, language)) == len(before)  # one for one: offsets stay valid


def test_for_reading_keeps_the_archival_text_untouched(seed_article):
    from publish.readers import parse
    from publish.render.text import render_text

    text = render_text(seed_article)
    assert parse(text.decode("utf-8")).article == seed_article  # the model keeps the wire's characters
    assert "\u00a0" not in text.decode("utf-8")
