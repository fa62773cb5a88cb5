"""Agency credits and datelines, one row per convention and language (tables in publish/parse.py)."""

from __future__ import annotations

import pytest

from publish.language.tables import CREDIT_PHRASES
from publish.readers import parse
from publish.readers.agencies import AGENCIES
from publish.render.text import render_text

#: (language, lead after the dateline, agency credited)
CREDITS: list[tuple[str, str, str]] = [
    ("en", "The talks will resume in May, the deputy minister told Trend.", "Trend"),
    ("en", "The talks will resume in May, an official told the Associated Press on Tuesday.", "Associated Press"),
    ("en", "The talks will resume in May, Reuters reported.", "Reuters"),
    ("en", "The talks will resume in May, according to Interfax.", "Interfax"),
    ("az", "Danışıqlar may ayında davam edəcək, Trend xəbər verir.", "Trend"),
    ("az", "Danışıqlar may ayında davam edəcək, nazir müavini Trend-ə bildirib.", "Trend"),
    ("az", "Danışıqlar may ayında davam edəcək, nazir APA-ya açıqlama verib.", "APA"),
    ("tr", "Görüşmeler mayısta sürecek, bakan yardımcısı Trend'e açıklama yaptı.", "Trend"),
    ("ru", "Переговоры возобновятся в мае, сообщает Trend.", "Trend"),
    ("ru", "Переговоры возобновятся в мае, передает Trend.", "Trend"),
    ("ru", "Переговоры возобновятся в мае, передаёт ТАСС.", "TASS"),
    ("ru", "Переговоры возобновятся в мае, рассказал Trend замминистра.", "Trend"),
    ("ru", "Переговоры возобновятся в мае, сообщил агентству «Интерфакс» источник.", "Interfax"),
    ("ru", "Переговоры возобновятся в мае, сообщает РИА Новости.", "RIA Novosti"),
    ("uk", "Переговори відновляться у травні, повідомляє Укрінформ.", "Ukrinform"),
    ("hy", "Բանակցությունները կվերսկսվեն մայիսին, հայտնում է Արմենպրեսը։", "Armenpress"),
    ("hy", "Բանակցությունները կվերսկսվեն մայիսին, հայտնում է «Արմենպրես»-ը։", "Armenpress"),
    ("hy", "Բանակցությունները կվերսկսվեն մայիսին, Trend-ին ասել է փոխնախարարը։", "Trend"),
    ("ka", "მოლაპარაკებები მაისში განახლდება, იტყობინება Interpressnews.", "Interpressnews"),
    ("ka", "მოლაპარაკებები მაისში განახლდება, მინისტრის მოადგილემ ინტერპრესნიუსს განუცხადა.", "Interpressnews"),
    ("ka", "მოლაპარაკებები მაისში განახლდება, Agenda.ge-ის ცნობით.", "Agenda.ge"),
    ("ar", "وستستأنف المحادثات في مايو، حسبما ذكرت وكالة رويترز.", "Reuters"),
    ("ar", "وستستأنف المحادثات في مايو، قال المتحدث لوكالة فرانس برس.", "AFP"),
    ("ar", "وستستأنف المحادثات في مايو، قال المتحدث لـ أ ف ب.", "AFP"),
    ("ar", "وستستأنف المحادثات في مايو، بحسب وكالة الأناضول.", "Anadolu"),
    ("ar", "وستستأنف المحادثات في مايو، ذكرت وام.", "WAM"),
    ("ar", "وستستأنف المحادثات في مايو، نقلت واس.", "SPA"),
    ("ar", "وستستأنف المحادثات في مايو، قال الوزير لوكالة قنا.", "QNA"),
    ("ar", "وستستأنف المحادثات في مايو، أوردت وكالة كونا.", "KUNA"),
    ("fa", "مذاکرات در اردیبهشت ادامه می‌یابد، به گزارش ایرنا.", "IRNA"),
    ("fa", "به گزارش خبرگزاری تسنیم، مذاکرات در اردیبهشت ادامه می‌یابد.", "Tasnim"),
    ("fa", "مذاکرات در اردیبهشت ادامه می‌یابد، معاون وزیر به ایسنا گفت.", "ISNA"),
    ("fa", "مذاکرات در اردیبهشت ادامه می‌یابد، فارس گزارش داد.", "Fars"),
    ("fa", "مذاکرات در اردیبهشت ادامه می‌یابد، به گزارش مهر.", "Mehr"),
    ("he", "השיחות יתחדשו במאי, אמר סגן השר לרויטרס.", "Reuters"),
    ("he", "השיחות יתחדשו במאי, כך דיווחה סוכנות הידיעות רויטרס.", "Reuters"),
    ("he", "השיחות יתחדשו במאי, לפי רויטרס.", "Reuters"),
    ("hi", "बातचीत मई में फिर शुरू होगी, उप मंत्री ने पीटीआई को बताया।", "PTI"),
    ("hi", "समाचार एजेंसी पीटीआई के अनुसार बातचीत मई में फिर शुरू होगी।", "PTI"),
    ("hi", "भाषा के मुताबिक बातचीत मई में फिर शुरू होगी।", "Bhasha"),
]


@pytest.mark.parametrize("language, lead, agency", CREDITS)
def test_credits(language, lead, agency):
    article = parse(f"title: T\ndate: 2024-05-02\nlanguage: {language}\n\n{lead}\n").article
    assert article.source == agency
    assert article.derived == frozenset({"source"})


def test_every_language_of_the_table_is_tested():
    assert {language for language, _, _ in CREDITS} == set(CREDIT_PHRASES)
    assert {"en", "az", "ru", "hy", "ka"} <= set(CREDIT_PHRASES)
    names = {name for name, _ in AGENCIES}
    assert {
        "Trend",
        "APA",
        "Report",
        "Azertac",
        "TASS",
        "Interfax",
        "RIA Novosti",
        "Armenpress",
        "Agenda.ge",
        "Interpressnews",
        "Reuters",
        "AP",
        "AFP",
        "dpa",
    } <= names


@pytest.mark.parametrize(
    "lead",
    [
        "The talks will resume in May, he told trend watchers.",  # not the agency: lower case
        "The talks will resume in May, he told Trendline.",  # not a whole word
        "Trend xəbəri yoxdur.",
        "مذاکرات در ماه مهر ادامه می‌یابد.",  # Mehr the month, not the agency
        "उन्होंने कहा कि भाषा का सवाल अहम है।",  # Hindi "language", not the agency
    ],
)
def test_no_credit(lead):
    assert parse(f"title: T\ndate: 2024-05-02\n\n{lead}\n").article.source is None


#: (lead as filed, place, date, agency credited, lead after the dateline): the dateline is
#: kept exactly as it opens the lead.
DATELINES: list[tuple[str, str, str | None, str | None, str]] = [
    ("BAKU /Trend/ - The talks resumed.", "BAKU", None, "Trend", "The talks resumed."),
    ("BAKU, May 2 /Trend/ - The talks resumed.", "BAKU", "May 2", "Trend", "The talks resumed."),
    ("MOSCOW (Reuters) - The talks resumed.", "MOSCOW", None, "Reuters", "The talks resumed."),
    ("WASHINGTON, May 2 (AP) -- The talks resumed.", "WASHINGTON", "May 2", "AP", "The talks resumed."),
    ("БАКУ /Trend/ - Переговоры возобновились.", "БАКУ", None, "Trend", "Переговоры возобновились."),
    ("МОСКВА, 2 мая. /ТАСС/. Переговоры возобновились.", "МОСКВА", "2 мая", "TASS", "Переговоры возобновились."),
    (
        "МОСКВА, 2 мая — РИА Новости. Переговоры возобновились.",
        "МОСКВА",
        "2 мая",
        "RIA Novosti",
        "Переговоры возобновились.",
    ),
    (
        "ԵՐԵՎԱՆ, 2 մայիսի։ Բանակցությունները վերսկսվել են։",
        "ԵՐԵՎԱՆ",
        "2 մայիսի",
        None,
        "Բանակցությունները վերսկսվել են։",
    ),
    (
        "ԵՐԵՎԱՆ, 2 մայիսի. Բանակցությունները վերսկսվել են։",
        "ԵՐԵՎԱՆ",
        "2 մայիսի",
        None,
        "Բանակցությունները վերսկսվել են։",
    ),
    ("თბილისი, 2 მაისი. მოლაპარაკებები განახლდა.", "თბილისი", "2 მაისი", None, "მოლაპარაკებები განახლდა."),
    ("BAKI, 2 may. Danışıqlar bərpa olunub.", "BAKI", "2 may", None, "Danışıqlar bərpa olunub."),
    ("القاهرة (رويترز) - استؤنفت المحادثات.", "القاهرة", None, "Reuters", "استؤنفت المحادثات."),
    ("دبي (أ ف ب) - استؤنفت المحادثات.", "دبي", None, "AFP", "استؤنفت المحادثات."),
    ("تهران - ایرنا - مذاکرات از سر گرفته شد.", "تهران", None, "IRNA", "مذاکرات از سر گرفته شد."),
    ("ירושלים (רויטרס) - השיחות התחדשו.", "ירושלים", None, "Reuters", "השיחות התחדשו."),
    ("मुंबई, 5 अप्रैल (भाषा) बातचीत फिर शुरू हुई।", "मुंबई", "5 अप्रैल", "Bhasha", "बातचीत फिर शुरू हुई।"),
    ("नयी दिल्ली, 5 अप्रैल (पीटीआई) बातचीत फिर शुरू हुई।", "नयी दिल्ली", "5 अप्रैल", "PTI", "बातचीत फिर शुरू हुई।"),
]


@pytest.mark.parametrize(
    "lead",
    [
        "الوكالة الدولية (IAEA) - قالت إنها ستواصل التفتيش.",  # caseless, no date, no known agency
        "בנק ישראל (BOI) - הריבית לא שונתה.",
        "מחר - השיחות יתחדשו.",
    ],
)
def test_no_dateline_in_a_caseless_script_without_a_date_or_an_agency(lead):
    article = parse(f"title: T\ndate: 2024-05-02\n\n{lead}\n").article
    assert article.dateline is None and article.blocks[0].text == lead


@pytest.mark.parametrize("lead, place, date_text, agency, rest", DATELINES)
def test_datelines_round_trip(lead, place, date_text, agency, rest):
    article = parse(f"title: T\ndate: 2024-05-02\n\n{lead}\n").article
    assert article.dateline is not None
    assert (article.dateline.place, article.dateline.date_text) == (place, date_text)
    assert article.dateline.filed == lead[: -len(rest) - 1]  # as filed: its words and punctuation
    assert article.source == agency
    assert article.blocks[0].text == rest
    assert next(article.body_texts()) == lead
    assert render_text(article).decode().split("\n\n")[1].strip("\n").replace("\n", " ") == lead
    assert parse(render_text(article).decode(), "edition.txt").article == article
