import datetime

import pytest

from publish.dates import reader_date

DAY = datetime.date(2023, 9, 21)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "September 21, 2023"),
        ("en-GB", "21 September 2023"),
        ("ru", "21 сентября 2023\u202fг."),  # CLDR keeps "г." on the line (narrow no-break space)
        ("az", "21 sentyabr 2023"),
        ("ka", "21 სექტემბერი, 2023"),
        ("el", "21 Σεπτεμβρίου 2023"),
        ("sr-Latn-RS", "21. septembar 2023."),
    ],
)
def test_reader_dates_follow_cldr_for_the_article_language(language, expected):
    assert reader_date(DAY, language) == expected


def test_an_unknown_language_falls_back_to_english():
    assert reader_date(DAY, "zz") == "September 21, 2023"
