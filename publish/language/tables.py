"""Every per-language table publish keeps, in one place (the `publish.language` package
reads them; no other module holds a language table).

Rows are keyed by BCP 47 primary language subtag (a fuller tag where a region differs:
`fr-CH`, `zh-Hant`). What CLDR knows (dates, list patterns, plural rules, numbering systems,
writing direction, scripts) comes from CLDR through babel and is not copied here; these
are the facts CLDR does not have: the words the editions print around an article, quotation
marks (CLDR's delimiters, which babel does not carry), house rules for hyphenation and
justification, and the words the readers of wire copy look for.
"""

from __future__ import annotations

#: The language of an article that does not say, and whose text does not tell.
DEFAULT = "en"

# --- Furniture: the words the editions print around an article -------------------------------

#: Label key -> language -> text, with `{placeholders}` filled by `Language.label`. A
#: reviewed row for each common newsroom language; every key has every language of the
#: table (tested, and each row rendered). A language without a row prints English words,
#: and the neutral "{page} / {total}" as its page number. The colon is the language's own
#: (French puts a no-break space before it; Armenian introduces with `՝`; Chinese and
#: Japanese use the full-width `：`).
LABELS: dict[str, dict[str, str]] = {
    # The source credit in the PDF footer and the EPUB chapter's footer.
    "source": {
        "en": "Source: {source}",
        "fr": "Source\u00a0: {source}",
        "de": "Quelle: {source}",
        "es": "Fuente: {source}",
        "it": "Fonte: {source}",
        "pt": "Fonte: {source}",
        "nl": "Bron: {source}",
        "pl": "Źródło: {source}",
        "sv": "Källa: {source}",
        "nb": "Kilde: {source}",
        "da": "Kilde: {source}",
        "fi": "Lähde: {source}",
        "tr": "Kaynak: {source}",
        "az": "Mənbə: {source}",
        "ru": "Источник: {source}",
        "uk": "Джерело: {source}",
        "hy": "Աղբյուր՝ {source}",
        "ka": "წყარო: {source}",
        "el": "Πηγή: {source}",
        "ar": "المصدر: {source}",
        "fa": "منبع: {source}",
        "he": "מקור: {source}",
        "hi": "स्रोत: {source}",
        "zh": "来源：{source}",
        "ja": "出典：{source}",
        "ko": "출처: {source}",
    },
    # Over a later version of an item, with when it was made (EPUB and PDF, under the byline).
    "updated": {
        "en": "Updated {moment}",
        "fr": "Mis à jour le {moment}",
        "de": "Aktualisiert am {moment}",
        "es": "Actualizado el {moment}",
        "it": "Aggiornato il {moment}",
        "pt": "Atualizado em {moment}",
        "nl": "Bijgewerkt op {moment}",
        "pl": "Zaktualizowano {moment}",
        "sv": "Uppdaterad {moment}",
        "nb": "Oppdatert {moment}",
        "da": "Opdateret {moment}",
        "fi": "Päivitetty {moment}",
        "tr": "Güncellendi: {moment}",
        "az": "Yeniləndi: {moment}",
        "ru": "Обновлено {moment}",
        "uk": "Оновлено {moment}",
        "hy": "Թարմացվել է՝ {moment}",
        "ka": "განახლდა: {moment}",
        "el": "Ενημερώθηκε: {moment}",
        "ar": "تم التحديث: {moment}",
        "fa": "به‌روزرسانی: {moment}",
        "he": "עודכן: {moment}",
        "hi": "अद्यतन: {moment}",
        "zh": "更新于{moment}",
        "ja": "更新：{moment}",
        "ko": "업데이트: {moment}",
    },
    # A correction the item carries, shown to readers under the byline.
    "correction": {
        "en": "Correction: {text}",
        "fr": "Rectificatif : {text}",
        "de": "Korrektur: {text}",
        "es": "Corrección: {text}",
        "it": "Correzione: {text}",
        "pt": "Correção: {text}",
        "nl": "Correctie: {text}",
        "pl": "Sprostowanie: {text}",
        "sv": "Rättelse: {text}",
        "nb": "Rettelse: {text}",
        "da": "Rettelse: {text}",
        "fi": "Korjaus: {text}",
        "tr": "Düzeltme: {text}",
        "az": "Düzəliş: {text}",
        "ru": "Исправление: {text}",
        "uk": "Виправлення: {text}",
        "hy": "Ուղղում՝ {text}",
        "ka": "შესწორება: {text}",
        "el": "Διόρθωση: {text}",
        "ar": "تصحيح: {text}",
        "fa": "تصحیح: {text}",
        "he": "תיקון: {text}",
        "hi": "सुधार: {text}",
        "zh": "更正：{text}",
        "ja": "訂正：{text}",
        "ko": "정정: {text}",
    },
    # The publisher named in the EPUB chapter's footer (`--publisher`).
    "published_by": {
        "en": "Published by {publisher}",
        "fr": "Publié par {publisher}",
        "de": "Herausgegeben von {publisher}",
        "es": "Publicado por {publisher}",
        "it": "Pubblicato da {publisher}",
        "pt": "Publicado por {publisher}",
        "nl": "Uitgegeven door {publisher}",
        "pl": "Wydawca: {publisher}",
        "sv": "Utgiven av {publisher}",
        "nb": "Utgitt av {publisher}",
        "da": "Udgivet af {publisher}",
        "fi": "Julkaisija: {publisher}",
        "tr": "Yayıncı: {publisher}",
        "az": "Naşir: {publisher}",
        "ru": "Издатель: {publisher}",
        "uk": "Видавець: {publisher}",
        "hy": "Հրատարակիչ՝ {publisher}",
        "ka": "გამომცემელი: {publisher}",
        "el": "Εκδότης: {publisher}",
        "ar": "الناشر: {publisher}",
        "fa": "ناشر: {publisher}",
        "he": "מוציא לאור: {publisher}",
        "hi": "प्रकाशक: {publisher}",
        "zh": "出版者：{publisher}",
        "ja": "発行：{publisher}",
        "ko": "발행: {publisher}",
    },
    # The PDF's page number, on every page.
    "folio": {
        "en": "{page} of {total}",
        "fr": "{page} sur {total}",
        "de": "{page} von {total}",
        "es": "{page} de {total}",
        "it": "{page} di {total}",
        "pt": "{page} de {total}",
        "nl": "{page} van {total}",
        "pl": "{page} z {total}",
        "sv": "{page} av {total}",
        "nb": "{page} av {total}",
        "da": "{page} af {total}",
        "fi": "{page} / {total}",
        "tr": "{page} / {total}",
        "az": "{page} / {total}",
        "ru": "{page} из {total}",
        "uk": "{page} з {total}",
        "hy": "{page} / {total}",
        "ka": "{page} / {total}",
        "el": "{page} από {total}",
        "ar": "{page} من {total}",
        "fa": "{page} از {total}",
        "he": "{page} מתוך {total}",
        "hi": "{page} / {total}",
        "zh": "第 {page} 页，共 {total} 页",
        "ja": "{page} / {total}",
        "ko": "{page} / {total}",
    },
    # The table of contents: the digest PDF's contents page, the EPUB navigation document.
    "contents": {
        "en": "Contents",
        "fr": "Sommaire",
        "de": "Inhalt",
        "es": "Índice",
        "it": "Indice",
        "pt": "Sumário",
        "nl": "Inhoud",
        "pl": "Spis treści",
        "sv": "Innehåll",
        "nb": "Innhold",
        "da": "Indhold",
        "fi": "Sisällys",
        "tr": "İçindekiler",
        "az": "Mündəricat",
        "ru": "Содержание",
        "uk": "Зміст",
        "hy": "Բովանդակություն",
        "ka": "სარჩევი",
        "el": "Περιεχόμενα",
        "ar": "المحتويات",
        "fa": "فهرست مطالب",
        "he": "תוכן העניינים",
        "hi": "विषय-सूची",
        "zh": "目录",
        "ja": "目次",
        "ko": "목차",
    },
    # The EPUB cover page's name (its landmark, guide entry and ARIA label).
    "cover": {
        "en": "Cover",
        "fr": "Couverture",
        "de": "Umschlag",
        "es": "Portada",
        "it": "Copertina",
        "pt": "Capa",
        "nl": "Omslag",
        "pl": "Okładka",
        "sv": "Omslag",
        "nb": "Omslag",
        "da": "Omslag",
        "fi": "Kansi",
        "tr": "Kapak",
        "az": "Üz qabığı",
        "ru": "Обложка",
        "uk": "Обкладинка",
        "hy": "Շապիկ",
        "ka": "ყდა",
        "el": "Εξώφυλλο",
        "ar": "الغلاف",
        "fa": "جلد",
        "he": "כריכה",
        "hi": "आवरण",
        "zh": "封面",
        "ja": "表紙",
        "ko": "표지",
    },
    # The cover image's alternative text: what the cover prints, after its name.
    "cover_description": {
        "en": "Cover: {printed}",
        "fr": "Couverture\u00a0: {printed}",
        "de": "Umschlag: {printed}",
        "es": "Portada: {printed}",
        "it": "Copertina: {printed}",
        "pt": "Capa: {printed}",
        "nl": "Omslag: {printed}",
        "pl": "Okładka: {printed}",
        "sv": "Omslag: {printed}",
        "nb": "Omslag: {printed}",
        "da": "Omslag: {printed}",
        "fi": "Kansi: {printed}",
        "tr": "Kapak: {printed}",
        "az": "Üz qabığı: {printed}",
        "ru": "Обложка: {printed}",
        "uk": "Обкладинка: {printed}",
        "hy": "Շապիկ՝ {printed}",
        "ka": "ყდა: {printed}",
        "el": "Εξώφυλλο: {printed}",
        "ar": "الغلاف: {printed}",
        "fa": "جلد: {printed}",
        "he": "כריכה: {printed}",
        "hi": "आवरण: {printed}",
        "zh": "封面：{printed}",
        "ja": "表紙：{printed}",
        "ko": "표지: {printed}",
    },
    # Between the items of that alternative text: the language's full stop (Armenian `։`,
    # Devanagari danda `।`, the ideographic `。`), so a screen reader pauses as in running text.
    "sentence_break": {
        "en": ". ",
        "fr": ". ",
        "de": ". ",
        "es": ". ",
        "it": ". ",
        "pt": ". ",
        "nl": ". ",
        "pl": ". ",
        "sv": ". ",
        "nb": ". ",
        "da": ". ",
        "fi": ". ",
        "tr": ". ",
        "az": ". ",
        "ru": ". ",
        "uk": ". ",
        "hy": "։ ",
        "ka": ". ",
        "el": ". ",
        "ar": ". ",
        "fa": ". ",
        "he": ". ",
        "hi": "। ",
        "zh": "。",
        "ja": "。",
        "ko": ". ",
    },
}
#: How many articles a digest holds, on its cover: language -> CLDR plural category
#: (`one`, `few`, `many`, `other`...) -> text. A category a language's table leaves out
#: takes its `other`; a language without a row counts in English.
ARTICLE_COUNTS: dict[str, dict[str, str]] = {
    "en": {"one": "{count} article", "other": "{count} articles"},
    "fr": {"one": "{count} article", "other": "{count} articles"},
    "de": {"other": "{count} Artikel"},
    "es": {"one": "{count} artículo", "other": "{count} artículos"},
    "it": {"one": "{count} articolo", "other": "{count} articoli"},
    "pt": {"one": "{count} artigo", "other": "{count} artigos"},
    "nl": {"one": "{count} artikel", "other": "{count} artikelen"},
    "pl": {
        "one": "{count} artykuł",
        "few": "{count} artykuły",
        "many": "{count} artykułów",
        "other": "{count} artykułu",
    },
    "sv": {"one": "{count} artikel", "other": "{count} artiklar"},
    "nb": {"one": "{count} artikkel", "other": "{count} artikler"},
    "da": {"one": "{count} artikel", "other": "{count} artikler"},
    "fi": {"one": "{count} artikkeli", "other": "{count} artikkelia"},
    "tr": {"other": "{count} makale"},
    "az": {"other": "{count} məqalə"},
    "ru": {"one": "{count} статья", "few": "{count} статьи", "many": "{count} статей", "other": "{count} статьи"},
    "uk": {"one": "{count} стаття", "few": "{count} статті", "many": "{count} статей", "other": "{count} статті"},
    "hy": {"other": "{count} հոդված"},
    "ka": {"other": "{count} სტატია"},
    "el": {"one": "{count} άρθρο", "other": "{count} άρθρα"},
    "ar": {"other": "عدد المقالات: {count}"},
    "fa": {"other": "{count} مقاله"},
    "he": {"other": "כתבות: {count}"},
    "hi": {"one": "{count} लेख", "other": "{count} लेख"},
    "zh": {"other": "{count} 篇文章"},
    "ja": {"other": "記事 {count} 本"},
    "ko": {"other": "기사 {count}건"},
}
#: The page number in a language without a row in `LABELS`.
NEUTRAL_FOLIO = "{page} / {total}"

# --- Quotation marks and spacing -----------------------------------------------------------

#: A language's quotation marks: (opening, closing) for a quotation, then for one inside
#: it, as CLDR's delimiters give them. The reading editions set typed straight quotes as these.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "fr": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "fr-CH": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "de-CH": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "pt-PT": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "nl": ("\u2018", "\u2019", "\u201c", "\u201d"),
    "pl": ("\u201e", "\u201d", "\u00ab", "\u00bb"),
    "sv": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "nb": ("\u00ab", "\u00bb", "\u2018", "\u2019"),
    "da": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "fi": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "tr": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "az": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "uk": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "hy": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ka": ("\u201e", "\u201c", "\u00ab", "\u00bb"),
    "el": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ar": ("\u201d", "\u201c", "\u2019", "\u2018"),
    "fa": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "he": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "hi": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "zh-Hant": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
}
#: Languages that set a no-break space inside guillemets and before `; : ! ?` (French,
#: not Swiss French): the reading editions make such a space no-break where the copy has one.
SPACED_PUNCTUATION = frozenset({"fr"})

# --- Hyphenation and justification (the PDF's house rules) ---------------------------------

#: pyphen's patterns for a bare language tag where its own default is not the house's
#: (pyphen reads plain `en` as British; an `en-GB` article still gets en_GB).
HYPHENATION_PATTERNS: dict[str, str] = {"en": "en_US"}
#: Languages whose house rules differ: (letters before a break, after it, shortest word).
#: Russian and Ukrainian typesetting breaks after two letters and keeps two on the next
#: line ("ра-бо-та"), which their long words need to fill a justified line.
HYPHENATION_MINIMA: dict[str, tuple[int, int, int]] = {"ru": (2, 2, 5), "uk": (2, 2, 5)}
#: Languages the PDF justifies (with their hyphenation patterns): where the lines stay even,
#: under 3% of justified lines with word spaces wider than 1.5 normal ones (reportlab breaks
#: lines greedily, in one 70-character column). Measured: English 2.6% on the bench corpus;
#: Russian 15.6% even with its patterns; on news vocabulary in random sentences (40
#: paragraphs each), German 20.0%, French 16.2%, Danish 11.4%, Norwegian 9.8%, Italian 7.8%,
#: Portuguese 7.1%, Dutch 6.4%, Swedish 5.7%, Spanish 5.4%. So every language but English is
#: set ragged-right, and hyphenated by its own patterns where pyphen has them (which evens
#: the rag); Armenian, Georgian and Azerbaijani have none.
JUSTIFIED_LANGUAGES = frozenset({"en"})
#: Languages that Apple Books, Kobo, Kindle and Chromium-based readers all hyphenate: only
#: these are justified in the EPUB (justified lines without hyphenation gape).
EPUB_HYPHENATED_LANGUAGES = frozenset(
    {"da", "de", "en", "es", "fi", "fr", "it", "nb", "nl", "nn", "no", "pt", "ru", "sv", "uk"}
)
#: Scripts (ISO 15924) written without spaces between words, so a line breaks between any
#: two characters (kinsoku kept: `publish.render.linebreak`), and by how many characters a
#: paragraph's first line is set in, keeping the character grid of the lines below: two in
#: Chinese (simplified, traditional), one in Japanese. Korean (Kore, Hang) breaks at spaces
#: and is set as Latin is; so is Chinese in pinyin (`zh-Latn`).
CHARACTER_INDENT: dict[str, int] = {"Hans": 2, "Hant": 2, "Hani": 2, "Jpan": 1}

# --- What the readers of wire copy look for ------------------------------------------------

#: Words that open a new clause, by language (primary subtag): a derived headline may end before
#: them. `NOT_AFTER` lists words after which one does not (`such as`, `as well as`).
CLAUSE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "which",
        "that",
        "who",
        "whom",
        "whose",
        "where",
        "and",
        "but",
        "while",
        "as",
        "amid",
        "because",
        "despite",
        "when",
        "after",
    ),
    "ru": (
        "который",
        "которая",
        "которое",
        "которые",
        "которых",
        "которым",
        "которой",
        "что",
        "и",
        "а",
        "но",
        "где",
        "когда",
        "чтобы",
    ),
    "uk": ("який", "яка", "яке", "які", "що", "і", "й", "та", "а", "але", "де", "коли"),
    "az": ("ki", "və", "amma", "lakin", "hansı", "hansılar"),
    "tr": ("ki", "ve", "ama", "fakat"),
    "hy": ("որը", "որոնք", "որ", "ով", "որտեղ", "և", "եւ", "բայց", "իսկ"),
    "ka": ("რომელიც", "რომლებიც", "რომ", "და", "ვინც", "მაგრამ", "სადაც"),
}
NOT_AFTER: dict[str, frozenset[str]] = {
    "as": frozenset({"such", "well", "as", "so", "much", "many", "far", "long", "soon", "same", "known"}),
    "that": frozenset({"so", "such", "now"}),
    "after": frozenset(
        {
            "day",
            "days",
            "week",
            "weeks",
            "month",
            "months",
            "year",
            "years",
            "shortly",
            "soon",
            "long",
            "just",
            "right",
            "hours",
            "minutes",
            "morning",
            "night",
        }
    ),
}

#: Words a headline cut at a word (with "…") must not end on, by language.
DANGLING_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "to",
            "in",
            "on",
            "at",
            "by",
            "for",
            "from",
            "with",
            "and",
            "or",
            "but",
            "as",
            "its",
            "his",
            "her",
            "their",
            "after",
        ]
    ),
    "ru": frozenset(
        ["в", "во", "на", "с", "со", "к", "ко", "по", "о", "об", "от", "из", "у", "за", "для", "и", "а", "но"]
    ),
}

#: Words that open a phrase, by language: a weak boundary too, where no clause boundary fits
#: ("... a High Court challenge | against a decision to change ...").
PHRASE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "on",
        "in",
        "at",
        "over",
        "against",
        "with",
        "without",
        "from",
        "near",
        "during",
        "following",
        "before",
        "under",
        "across",
        "into",
        "amid",
    ),
    "ru": ("в", "на", "по", "после", "из-за", "против", "для"),
    "uk": ("в", "у", "на", "після", "через", "проти", "для"),
    "fr": ("à", "dans", "sur", "après", "avant", "contre", "pour", "selon", "malgré"),
    "es": ("en", "sobre", "tras", "después", "antes", "contra", "para", "según"),
}

#: Words that show a headline still has its verb, by language: a cut before a phrase word
#: that would leave none is no headline ("The number of people waiting for treatment").
VERB_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "shall", "should"}
        | {"may", "might", "must", "do", "does", "did", "says", "said", "say"}
    ),
}

#: Clause words that also join two names ("Armenia and Azerbaijan", "Россия и Иран").
JOINING_WORDS = frozenset({"and", "и", "і", "та", "й", "və", "ve", "և", "եւ", "და"})

#: How wire copy credits an agency, by language: regular expressions in which `{agency}` stands
#: for any spelling above (optionally in quotation marks). One row per language; a row for
#: another language is all it takes to read its credits.
CREDIT_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        r"told (?:the )?{agency}",
        r"{agency} (?:reports|reported|has learned|learned|understands)",
        r"(?:reports|according to|speaking to|in an interview with|in a statement to|said to) (?:the )?{agency}",
    ),
    "az": (
        r"{agency} xəbər verir",
        r"{agency}-(?:ə|a|yə|ya) (?:bildirib|deyib|açıqlama verib|məlumat verib)",
        r"{agency}-(?:in|ın|nin|nın) (?:məlumatına görə|müxbirinə)",
    ),
    "tr": (r"{agency}(?:'?(?:a|e|ya|ye)) (?:açıklama yaptı|konuştu|söyledi)",),
    "ru": (
        (
            r"(?:сообща(?:ет|ют)|сообщил[аи]?|переда[её]т|передал[аи]?|рассказал[аи]?|заявил[аи]?|сказал[аи]?"
            r"|пишет|отмечает)(?: агентств[уоа]| корреспонденту(?: агентства)?)? {agency}"
        ),
        r"(?:по данным|по информации|в интервью|в беседе с) (?:агентства |агентству )?{agency}",
    ),
    "uk": (r"(?:повідомляє|повідомив|повідомила|передає|розповів|розповіла|заявив|заявила) {agency}",),
    "hy": (
        r"(?:հայտնում|հաղորդում|տեղեկացնում) է {agency}(?:-?ը)?",
        r"{agency}(?:-?ի(?:ն)?) (?:ասել|հայտնել|տեղեկացրել|ասաց)(?: է)?",
        r"{agency}(?:-?ի) թղթակցի հետ զրույցում",
    ),
    "ka": (
        r"(?:იტყობინება|გადმოსცემს|ავრცელებს) {agency}(?:-?ი)?",
        r"{agency}(?:-?ს|ს)? (?:განუცხადა|უთხრა)",
        r"{agency}(?:-?ის|ის)? (?:ცნობით|ინფორმაციით)",
        r"{agency}(?:-?თან|თან)? საუბარში",
    ),
    "ar": (
        r"(?:ذكرت|أفادت|قالت|أوردت|نقلت) (?:وكالة )?(?:أنباء )?{agency}",
        r"ل(?:وكالة (?:أنباء )?|ـ ?){agency}",
        r"(?:بحسب|حسب|وفقا ل|وفقاً ل)(?: ?وكالة (?:أنباء )?| )?{agency}",
    ),
    "fa": (
        r"به گزارش (?:خبرگزاری )?{agency}",
        r"(?:خبرگزاری )?{agency} گزارش (?:داد|می\u200cدهد)",
        r"به (?:خبرنگار )?(?:خبرگزاری )?{agency} گفت",
    ),
    "he": (
        r"(?:מסרה|מסר|דיווחה|מדווחת|כך דיווחה) (?:סוכנות הידיעות )?{agency}",
        r"ל{agency}",  # "told Reuters": the preposition is a prefix (אמר השר לרויטרס)
        r"(?:לפי|על פי|לדברי) (?:סוכנות הידיעות )?{agency}",
    ),
    "hi": (
        r"ने (?:समाचार एजेंसी )?{agency} को बताया",
        r"(?:समाचार एजेंसी )?{agency} के (?:अनुसार|मुताबिक)",
        r"(?:समाचार एजेंसी )?{agency} की (?:रिपोर्ट|ख़बर|खबर) के (?:अनुसार|मुताबिक)",
    ),
}


#: Words that open a byline, by language: "By", "Von", "Por", "Par"...
BYLINE_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("By",),
    "de": ("Von",),
    "es": ("Por",),
    "pt": ("Por",),
    "fr": ("Par",),
    "it": ("Di",),
    "nl": ("Door",),
    "sv": ("Av",),
    "no": ("Av",),
    "da": ("Af",),
    "pl": ("Autor:",),
    "tr": ("Yazan:",),
    "ru": ("Автор:",),
}
#: Words that say an editor's note is a correction ("CORRECTS spelling of ...", "Berichtigung:",
#: "Rectificatif"), by language, in lower case: a note is one when one of its first three
#: words begins with one of these. Agencies send updates and advisories as notes too; those
#: stay editorial notes.
CORRECTION_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("correct",),
    "de": ("berichtig", "korrektur", "korrigier"),
    "fr": ("rectifi", "correcti", "corrig"),
    "es": ("correcci", "corrige", "rectifica"),
    "it": ("correzion", "corregge", "rettific"),
    "pt": ("correç", "corrige", "retifica"),
    "nl": ("correctie", "rectificatie", "verbeter"),
    "sv": ("rättelse", "korrigering"),
    "nb": ("rettelse", "korrigering"),
    "da": ("rettelse", "korrektion"),
    "fi": ("korjaus", "oikaisu"),
    "pl": ("sprostowanie", "korekta"),
    "tr": ("düzeltme",),
    "az": ("düzəliş",),
    "ru": ("исправлен", "поправка"),
    "uk": ("виправлен", "поправка"),
    "hy": ("ուղղում",),
    "ka": ("შესწორება",),
    "el": ("διόρθωση",),
    "ar": ("تصحيح",),
    "fa": ("تصحیح",),
    "he": ("תיקון",),
}
#: Words that join the last two names of a byline, in any language.
NAME_JOINERS: tuple[str, ...] = ("and", "und", "y", "e", "et", "i", "en", "og", "och", "ve", "и", "і", "&")
#: Words inside a name that are not capitalised (von der Leyen, da Silva, bin Salman).
NAME_PARTICLES = frozenset(
    {
        "von",
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
    }
)

#: The dash a spaced hyphen between words becomes, by primary language subtag. House style
#: is the spaced en dash for English, Russian and Azerbaijani alike (Russian books often
#: prefer a spaced em dash: change the entry to "\u2014" for that).
SPACED_DASH: dict[str, str] = {"en": "\u2013", "ru": "\u2013", "az": "\u2013"}


#: Titles that are never left alone at a line end (a no-break space follows them when a
#: capitalised name comes next), by primary language subtag; a final "." is optional.
HONORIFICS: dict[str, tuple[str, ...]] = {
    "en": (
        "Mr",
        "Mrs",
        "Ms",
        "Mx",
        "Dr",
        "Prof",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Rev",
        "Fr",
        "Gen",
        "Col",
        "Maj",
        "Capt",
        "Lt",
        "Sgt",
        "Adm",
        "Sen",
        "Rep",
        "Gov",
        "Pres",
        "Supt",
        "Insp",
        "Det",
        "Cllr",
    ),
    "ru": ("г-н", "г-жа", "д-р", "проф", "акад", "ген"),
    "az": ("cənab", "xanım", "prof", "dr"),
}


#: Words with a full stop that does not end a sentence, beside the language's honorifics and
#: its month names as CLDR abbreviates them.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {"en": ("St", "Jr", "Sr", "No", "vs", "etc", "Sept")}
#: Languages whose verb comes last (German and Dutch put the participle or infinitive of a
#: main clause last): a derived headline keeps the whole first sentence up to a greater
#: length, and a longer one is cut only at a clause's punctuation.
VERB_FINAL = frozenset({"az", "tr", "hy", "ka", "ja", "ko", "de", "nl", "hi", "fa", "ur", "bn"})
