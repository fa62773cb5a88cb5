"""The one language module: tags, CLDR facts (dates, digits, list patterns, plurals,
direction, scripts), the house's tables (furniture, quotes, hyphenation), and naming the
language of a text that does not say (issue 27)."""

from __future__ import annotations

import ast
import datetime
import string
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, article_from

from publish.errors import InputError
from publish.language import DEFAULT, guess, normalise_tag, of, tables
from publish.render.pdf import font_set
from publish.templates import pdf_font_family

DAY = datetime.date(2023, 9, 21)
#: The common newsroom languages the issue promises furniture for.
NEWSROOM = {
    "en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "nb", "da", "fi", "tr", "ru", "uk",
    "az", "hy", "ka", "ar", "fa", "he", "hi", "zh", "ja", "ko",
}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("EN-gb", "en-GB"),
        ("sr_latn", "sr-Latn"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("de-CH-1996", "de-CH-1996"),
        ("zh-Hant", "zh-Hant"),
        ("az", "az"),
    ],
)
def test_tags_are_normalised(value, expected):
    assert normalise_tag(value) == expected


@pytest.mark.parametrize("value", ["C", "POSIX.UTF-8", "english language"])
def test_a_string_that_is_no_tag_is_an_error(value):
    with pytest.raises(InputError, match="BCP 47"):
        normalise_tag(value)


@pytest.mark.parametrize(
    ("tag", "locale", "script", "rtl"),
    [
        ("en", "en", "Latn", False),
        ("sr-Latn-RS", "sr_Latn_RS", "Latn", False),
        ("sr", "sr", "Cyrl", False),
        ("pt-BR", "pt_BR", "Latn", False),
        ("fa-IR", "fa_IR", "Arab", True),
        ("he", "he", "Hebr", True),
        ("ur", "ur", "Arab", True),
        ("zh-Hant", "zh_Hant", "Hant", False),
        ("tlh", "en", "Latn", False),  # a language CLDR does not know: English facts
    ],
)
def test_locale_script_and_direction_come_from_cldr(tag, locale, script, rtl):
    language = of(tag)
    assert (str(language.locale), language.script, language.rtl) == (locale, script, rtl)
    assert language.direction == ("rtl" if rtl else "ltr")


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
        ("de", "21. September 2023"),
        ("zh", "2023年9月21日"),
        ("fa", "۲۱ سپتامبر ۲۰۲۳"),  # Persian digits: CLDR's default numbering system for fa
        ("ar", "21 سبتمبر 2023"),  # CLDR's Arabic writes Western digits
        ("zz", "September 21, 2023"),
    ],
)
def test_dates_follow_cldr_in_the_languages_digits(language, expected):
    assert of(language).date(DAY) == expected


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("en", ["A", "B"], "A and B"),
        ("en", ["A", "B", "C"], "A, B, and C"),
        ("de", ["A", "B", "C"], "A, B und C"),
        ("fr", ["A", "B"], "A et B"),
        ("ru", ["А", "Б"], "А и Б"),
        ("en", ["A"], "A"),
    ],
)
def test_names_are_joined_by_cldr_list_patterns(language, names, expected):
    assert of(language).join(names) == expected


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 article"),
        ("en", 5, "5 articles"),
        ("ru", 1, "1 статья"),
        ("ru", 3, "3 статьи"),
        ("ru", 5, "5 статей"),
        ("pl", 22, "22 artykuły"),
        ("pl", 25, "25 artykułów"),
        ("fa", 12, "۱۲ مقاله"),
        ("pt-BR", 2, "2 artigos"),
        ("tlh", 2, "2 articles"),
    ],
)
def test_article_counts_take_the_plural_cldr_gives_the_number(language, count, expected):
    assert of(language).article_count(count) == expected


def test_the_furniture_table_has_every_newsroom_language_and_every_key_each():
    rows = {language for texts in tables.LABELS.values() for language in texts}
    assert rows >= NEWSROOM
    for key, texts in tables.LABELS.items():
        assert set(texts) == rows, f"{key}: lacks {sorted(rows - set(texts))}"
    assert set(tables.ARTICLE_COUNTS) == rows
    assert set(tables.QUOTES) >= rows


def test_every_translation_fills_the_same_placeholders_as_english():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in tables.LABELS.items():
        for language, text in texts.items():
            assert fields(text) == fields(texts[DEFAULT]), (key, language)
    for language, forms in tables.ARTICLE_COUNTS.items():
        assert "other" in forms and all(fields(form) == {"count"} for form in forms.values()), language


def test_every_label_is_in_a_font_the_pdf_ships():
    fonts = font_set(pdf_font_family())
    lacking = {
        (key, language, char)
        for key, texts in tables.LABELS.items()
        for language, text in texts.items()
        for char in text
        if fonts.font_for(char) is None
    }
    assert lacking == set()


def test_a_tag_takes_the_row_of_its_language_else_english_words_and_a_neutral_page_number():
    assert of("ru-RU").label("source", source="{page} & <Trend>") == "Источник: {page} & <Trend>"
    assert of("pt-BR").label("source", source="Lusa") == "Fonte: Lusa"
    assert of("fr-CA").label("folio", page=2, total=12) == "2 sur 12"
    assert of("sw").label("source", source="KBC") == "Source: KBC"
    assert of("sw").label("folio", page=2, total=12) == "2 / 12"
    assert of("fa").label("folio", page=2, total=12) == "۲ از ۱۲"


@pytest.mark.parametrize(
    ("language", "quotes"),
    [
        ("en", "\u201c\u201d\u2018\u2019"),
        ("de", "\u201e\u201c\u201a\u2018"),
        ("de-CH", "\u00ab\u00bb\u2039\u203a"),
        ("fr", "\u00ab\u00bb\u201c\u201d"),
        ("ru", "\u00ab\u00bb\u201e\u201c"),
        ("ja", "\u300c\u300d\u300e\u300f"),
        ("pt-BR", "\u201c\u201d\u2018\u2019"),
        ("pt-PT", "\u00ab\u00bb\u201c\u201d"),
    ],
)
def test_quotation_marks_are_the_languages(language, quotes):
    assert "".join(of(language).quotes) == quotes


@pytest.mark.parametrize(
    ("language", "patterns", "justified", "epub", "minima"),
    [
        ("en", "en_US", True, True, (2, 3, 6)),
        ("en-GB", "en_GB", True, True, (2, 3, 6)),
        ("de", "de", False, True, (2, 3, 6)),
        ("ru", "ru", False, True, (2, 2, 5)),
        ("uk", "uk", False, True, (2, 2, 5)),
        ("hy", "", False, False, (2, 3, 6)),
        ("tr", "", False, False, (2, 3, 6)),
    ],
)
def test_hyphenation_and_justification_are_the_house_rules(language, patterns, justified, epub, minima):
    facts = of(language)
    assert (facts.hyphenation, facts.justified, facts.epub_hyphenates, facts.hyphenation_minima) == (
        patterns,
        justified,
        epub,
        minima,
    )


# --- Naming the language of a text that does not say -----------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Բանակցությունները կվերսկսվեն մայիսին։", "hy"),  # the script decides
        ("მოლაპარაკებები მაისში განახლდება.", "ka"),
        ("בנק ישראל הותיר את הריבית ללא שינוי", "he"),
        ("북한이 동해상으로 탄도미사일을 발사했다고 합참이 밝혔다", "ko"),
        ("東京都は14日、新しい計画を発表した", "ja"),  # kana among the ideographs
        ("北京时间5月14日，中国人民银行宣布", "zh"),
        # The script alone does not decide: the identifier, among that script's languages.
        ("Azerbaijan conducted local anti-terrorist activities and neutralized the armed groups.", "en"),
        ("Bakıda yeni metro stansiyası sərnişinlərin istifadəsinə verilib.", "az"),
        ("Görüşmeler mayısta sürecek, bakan yardımcısı açıklama yaptı.", "tr"),
        ("Der Streik der Lokführer hat am Dienstag den Fernverkehr weitgehend lahmgelegt.", "de"),
        ("Международная выставка открылась в четверг в Москве.", "ru"),
        ("Переговори відновляться у травні, повідомляє Укрінформ.", "uk"),
        ("قال المدير العام للوكالة الدولية إن المفتشين زاروا المنشآت", "ar"),
        ("بانک مرکزی نرخ تورم سالانه را اعلام کرد و گفت که", "fa"),
        ("भारतीय रिज़र्व बैंक ने रेपो दर बरकरार रखी", "hi"),
    ],
)
def test_the_language_of_a_text_is_named_by_its_script_or_the_identifier(text, language):
    assert guess(text) == language


def test_english_copy_is_never_called_azerbaijani():
    """The old hand guess called any text with three `ə` Azerbaijani; English wire copy about
    Azerbaijan (its names spelled the local way) stays English."""
    for path in [ROOT / "seeds" / "000_264bae632806d3a8.txt", CORPUS / "title_first.txt"]:
        text = " ".join(block.text for block in article_from(path).blocks)
        assert guess(text + " Ələsgərov, Məmmədov and Əliyev attended.") == "en"


def test_a_text_with_no_letters_names_no_language():
    assert guess("2024 — 12:30 — 5 000") is None


def test_no_other_module_keeps_a_language_table():
    """Every dict keyed by language subtags lives in publish/language/: a module-level
    constant elsewhere whose keys are two-letter language codes is a table out of place."""
    offenders = []
    for path in (ROOT / "publish").rglob("*.py"):
        if "language" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Dict):
                keys = [key.value for key in value.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)]
                if len(keys) >= 3 and sum(key in NEWSROOM for key in keys) >= 3:
                    offenders.append(f"{Path(path).relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_default_language_is_declared_once():
    mentions = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "publish").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if '= "en"' in line or ': str = "en"' in line
    ]
    assert mentions == ["publish/language/tables.py:15"]


def test_the_readmes_language_table_is_what_the_module_gives():
    from publish.language import FACTS_COLUMNS, facts_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Languages", 1)[1]
    rows = [line for line in readme.splitlines() if line.startswith("| ")]
    assert rows[0] == "| " + " | ".join(FACTS_COLUMNS) + " |"
    assert rows[2 : 2 + len(facts_table())] == ["| " + " | ".join(row) + " |" for row in facts_table()]
