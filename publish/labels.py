"""The words the editions print around an article ("Source:", "1 of 3", "Contents",
"Cover"), in the article's own language: one table, the only place these words live.

A reader of an Arabic article should meet Arabic furniture, not English. Renderers take
the language from the model (the article's, or a digest's), never from the environment,
so an edition stays a pure function of its article.
"""

from __future__ import annotations

from typing import Any

#: Label key -> language (BCP 47 primary subtag, or a fuller tag where a region differs)
#: -> text, with `{placeholders}` filled by `label`. Every key has an English entry and
#: every language has every key (`tests/test_labels.py`). Digits stay as the articles
#: write them; the colon is the language's own (Armenian introduces with `՝`, its full
#: stop `։` looks like a Latin colon). A page count without a settled short form in a
#: language is written "{page} / {total}".
LABELS: dict[str, dict[str, str]] = {
    # The source credit in the PDF footer and the EPUB chapter's footer.
    "source": {
        "en": "Source: {source}",
        "az": "Mənbə: {source}",
        "tr": "Kaynak: {source}",
        "ru": "Источник: {source}",
        "uk": "Джерело: {source}",
        "hy": "Աղբյուր՝ {source}",
        "ka": "წყარო: {source}",
        "el": "Πηγή: {source}",
        "ar": "المصدر: {source}",
        "fa": "منبع: {source}",
        "he": "מקור: {source}",
        "hi": "स्रोत: {source}",
    },
    # The publisher named in the EPUB chapter's footer (`--publisher`).
    "published_by": {
        "en": "Published by {publisher}",
        "az": "Naşir: {publisher}",
        "tr": "Yayıncı: {publisher}",
        "ru": "Издатель: {publisher}",
        "uk": "Видавець: {publisher}",
        "hy": "Հրատարակիչ՝ {publisher}",
        "ka": "გამომცემელი: {publisher}",
        "el": "Εκδότης: {publisher}",
        "ar": "الناشر: {publisher}",
        "fa": "ناشر: {publisher}",
        "he": "מוציא לאור: {publisher}",
        "hi": "प्रकाशक: {publisher}",
    },
    # The PDF's page number, on every page.
    "folio": {
        "en": "{page} of {total}",
        "az": "{page} / {total}",
        "tr": "{page} / {total}",
        "ru": "{page} из {total}",
        "uk": "{page} з {total}",
        "hy": "{page} / {total}",
        "ka": "{page} / {total}",
        "el": "{page} από {total}",
        "ar": "{page} من {total}",
        "fa": "{page} از {total}",
        "he": "{page} מתוך {total}",
        "hi": "{page} / {total}",
    },
    # The table of contents: the digest PDF's contents page, the EPUB navigation document.
    "contents": {
        "en": "Contents",
        "az": "Mündəricat",
        "tr": "İçindekiler",
        "ru": "Содержание",
        "uk": "Зміст",
        "hy": "Բովանդակություն",
        "ka": "სარჩევი",
        "el": "Περιεχόμενα",
        "ar": "المحتويات",
        "fa": "فهرست مطالب",
        "he": "תוכן העניינים",
        "hi": "विषय-सूची",
    },
    # The EPUB cover page's name (its landmark, guide entry and ARIA label).
    "cover": {
        "en": "Cover",
        "az": "Üz qabığı",
        "tr": "Kapak",
        "ru": "Обложка",
        "uk": "Обкладинка",
        "hy": "Շապիկ",
        "ka": "ყდა",
        "el": "Εξώφυλλο",
        "ar": "الغلاف",
        "fa": "جلد",
        "he": "כריכה",
        "hi": "आवरण",
    },
    # The cover image's alternative text: what the cover prints, after its name.
    "cover_description": {
        "en": "Cover: {printed}",
        "az": "Üz qabığı: {printed}",
        "tr": "Kapak: {printed}",
        "ru": "Обложка: {printed}",
        "uk": "Обкладинка: {printed}",
        "hy": "Շապիկ՝ {printed}",
        "ka": "ყდა: {printed}",
        "el": "Εξώφυλλο: {printed}",
        "ar": "الغلاف: {printed}",
        "fa": "جلد: {printed}",
        "he": "כריכה: {printed}",
        "hi": "आवरण: {printed}",
    },
    # How many articles a digest holds, on its cover. Where a number's noun changes with the
    # number (Russian статья/статьи/статей, Arabic's dual and plurals) a count label is used;
    # Turkish, Azerbaijani, Armenian, Georgian and Persian take the singular after any number.
    "article_count": {
        "en": "{count} articles",
        "az": "{count} məqalə",
        "tr": "{count} makale",
        "ru": "Статей: {count}",
        "uk": "Статей: {count}",
        "hy": "{count} հոդված",
        "ka": "{count} სტატია",
        "el": "Άρθρα: {count}",
        "ar": "عدد المقالات: {count}",
        "fa": "{count} مقاله",
        "he": "כתבות: {count}",
        "hi": "लेख: {count}",
    },
    # Between the items of that alternative text: the language's full stop (Armenian `։`,
    # Devanagari danda `।`), so a screen reader pauses as it would in running text.
    "sentence_break": {
        "en": ". ",
        "az": ". ",
        "tr": ". ",
        "ru": ". ",
        "uk": ". ",
        "hy": "։ ",
        "ka": ". ",
        "el": ". ",
        "ar": ". ",
        "fa": ". ",
        "he": ". ",
        "hi": "। ",
    },
}

#: The language whose entry every key has, used where a language has none.
DEFAULT_LANGUAGE = "en"


def label_language(language: str) -> str:
    """The table's language for a BCP 47 tag: the tag, else each shorter prefix
    ("pt-BR" -> "pt"), else English."""
    parts = language.replace("_", "-").lower().split("-")
    languages = LABELS["source"]  # every key has the same languages (tested)
    for end in range(len(parts), 0, -1):
        tag = "-".join(parts[:end])
        if tag in languages:
            return tag
    return DEFAULT_LANGUAGE


def label(key: str, language: str, **values: Any) -> str:
    """The label `key` in `language` (see `label_language`), its placeholders filled
    with `values` (which are inserted as they are, never read as a format)."""
    return LABELS[key][label_language(language)].format(**values)
