"""Clean text -> `Article`.

Recognises three shapes of wire copy and the pieces inside them:

* the Trend shape: ` date YYYY-MM-DD ` running straight into the dateline and the lead;
* a header block of `key: value` lines, then a blank line, then the body (this is also
  the shape of our own plain-text edition, so archives re-parse losslessly);
* a title line, a blank line, then the body.

Then: paragraphs (hard-wrapped lines joined), the dateline in front of the lead, the
agency credit, typography, quotations and editorial insertions as inline runs, a title
when none is given, the slug and the language.
"""

from __future__ import annotations

import datetime
import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from publish import archival
from publish.errors import InputError
from publish.model import Article, Dateline, Editorial, Inline, Paragraph, Provenance, Text, make_slug
from publish.textblocks import (
    DATELINE_STOPS,
    DAY_MONTH,
    HEADER_LINE,
    ISO_DATE,
    MAX_NESTING,
    YEAR_RANGE,
    Block,
    Header,
    nesting_depth,
    normalise_language,
    paragraphs,
    parse_date,
    parse_inlines,
    read_header,
    require_body,
    split_blocks,
    split_dateline,
)
from publish.typography import EN_MONTH_ABBREVIATIONS, HONORIFICS, smarten

#: Names other modules and tests take from the parser (some live in `publish.textblocks`).
__all__ = [
    "DATELINE_STOPS",
    "MAX_NESTING",
    "YEAR_RANGE",
    "Parsed",
    "derive_title",
    "guess_language",
    "make_slug",
    "nesting_depth",
    "normalise_language",
    "parse",
    "parse_article",
    "parse_date",
    "parse_inlines",
    "self_credit",
]

#: A derived headline aims at this many characters (PDF, cover and metadata set it large)...
TITLE_AIM = (40, 90)
TITLE_MAX = TITLE_AIM[1]
#: ... and is never shorter than this when it ends at a natural boundary.
TITLE_MIN = 20
#: Languages whose verb comes last: a cut would drop it, so the whole first sentence is kept
#: up to this length.
VERB_FINAL = frozenset({"az", "tr", "hy", "ka", "ja", "ko"})
VERB_FINAL_MAX = 110

#: Header keys of wire copy (lower case) -> the name each is filed under; the archival text
#: edition's own keys (`publish.archival.KEYS`) are read too, so archives re-parse losslessly.
HEADER_KEYS: dict[str, str] = {
    **archival.KEYS,
    "headline": "title",
    "by": "author",
    "byline": "author",
    "agency": "source",
    "lang": "language",
    "keep-breaks": "keep-breaks",
    "keep_breaks": "keep-breaks",
}
#: Warnings about single lines stop after this many (then one line counts the rest).
MAX_LINE_WARNINGS = 20
_YES_NO: dict[str, bool] = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}

#: News agencies, one row each: (the name credited as the source, spellings seen in wire copy in
#: any script, longest first where one is the start of another). Georgian spellings are stems:
#: case endings follow them.
AGENCIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Trend", ("Trend", "Тренд")),
    ("APA", ("APA",)),
    ("Report", ("Report",)),
    ("Azertac", ("Azertac", "AzerTac", "AZERTAC", "Азертадж", "АЗЕРТАДЖ")),
    ("Turan", ("Turan", "Туран")),
    ("Caliber", ("Caliber",)),
    ("Day.Az", ("Day.Az",)),
    ("TASS", ("TASS", "ТАСС")),
    ("Interfax", ("Interfax", "Интерфакс")),
    ("RIA Novosti", ("RIA Novosti", "РИА Новости")),
    ("Sputnik", ("Sputnik", "Спутник")),
    ("Armenpress", ("Armenpress", "Արմենպրես", "Арменпресс")),
    ("News.am", ("News.am",)),
    ("Agenda.ge", ("Agenda.ge",)),
    ("Interpressnews", ("Interpressnews", "ინტერპრესნიუს", "Интерпресньюс")),
    ("Reuters", ("Reuters", "Рейтер", "رويترز", "רויטרס")),
    ("Associated Press", ("Associated Press",)),
    ("AP", ("AP",)),
    ("AFP", ("AFP", "Франс Пресс", "فرانس برس", "أ ف ب", "أ.ف.ب")),
    ("dpa", ("dpa",)),
    ("Xinhua", ("Xinhua", "Синьхуа")),
    ("Anadolu", ("Anadolu", "الأناضول")),
    ("Bloomberg", ("Bloomberg",)),
    ("EFE", ("EFE",)),
    ("ANSA", ("ANSA",)),
    ("Kyodo", ("Kyodo",)),
    ("Yonhap", ("Yonhap",)),
    ("PTI", ("PTI", "पीटीआई")),
    ("Bhasha", ("भाषा",)),
    ("WAM", ("WAM", "وام")),
    ("SPA", ("SPA", "واس")),
    ("QNA", ("QNA", "قنا")),
    ("KUNA", ("KUNA", "كونا")),
    ("IRNA", ("IRNA", "ایرنا", "إرنا")),
    ("ISNA", ("ISNA", "ایسنا")),
    ("Fars", ("Fars News", "فارس")),
    ("Tasnim", ("Tasnim", "تسنیم")),
    ("Mehr", ("Mehr News", "مهر")),
    ("UNIAN", ("UNIAN", "УНИАН")),
    ("Ukrinform", ("Ukrinform", "Укрінформ", "Укринформ")),
    ("BelTA", ("BelTA", "БелТА")),
    ("Kazinform", ("Kazinform", "Казинформ")),
)

#: How wire copy credits an agency, by language: regular expressions in which `{agency}` stands
#: for any spelling above (optionally in quotation marks). One row per language; a row for
#: another language (ar, fa, he, hi...) is all it takes to read its credits.
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

#: Words that open a new clause, by language (primary subtag): a derived headline may end before
#: them. `_NOT_AFTER` lists words after which one does not (`such as`, `as well as`).
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
_NOT_AFTER: dict[str, frozenset[str]] = {
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

_PLACE_PART = r"[^\W\d_][^,.()/\u2014\u2013:\u0589\"\u201c\d]{0,40}?"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE_PART}(?:, {_PLACE_PART}){{0,2}}?)"
    rf"(?:,? (?P<date>{DAY_MONTH}))?"
    r"(?: \((?P<agency>[^()]{2,40})\)|(?<!\.) ?/(?P<slashed>[^/\s][^/]{0,38}[^/\s])/)?"
    # After an agency in parentheses a space will do (Hindi: `मुंबई, 5 अप्रैल (भाषा) ...`).
    r"(?P<stop>[.\u0589] | ?[\u2014\u2013] | -{1,2} |: |(?<=\)) )"
)
_SEED_FIRST_LINE = re.compile(r"\s*date\s+(?P<date>\S+)(?:\s+(?P<rest>.*))?", re.IGNORECASE)
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_AGENCY_NAMES: dict[str, str] = {spelling: name for name, spellings in AGENCIES for spelling in spellings}
_SPELLINGS = "|".join(re.escape(spelling) for spelling in sorted(_AGENCY_NAMES, key=len, reverse=True))
#: One agency spelling, optionally in quotation marks; `{group}` names its capture group.
_AGENCY = '[\u00ab"\u201c\u201e]?(?P<{group}>' + _SPELLINGS + ')[\u00bb"\u201d\u201c]?'
_CREDITS: list[str] = [phrase for phrases in CREDIT_PHRASES.values() for phrase in phrases]
#: Every credit phrase of every language in one expression; group `aN` holds phrase N's agency.
_SELF_CREDIT = re.compile(
    "|".join(
        rf"(?<![\w-])(?:{phrase.replace('{agency}', _AGENCY.format(group=f'a{index}'))})(?![\w-])"
        for index, phrase in enumerate(_CREDITS)
    )
)
_ANY_AGENCY = re.compile(_SPELLINGS)
#: How far a credit phrase reaches before and after the agency's name, in characters.
_CREDIT_BEFORE, _CREDIT_AFTER = 80, 60
#: A known agency named right after the dateline (TASS's `/ТАСС/.`, RIA's `— РИА Новости.`).
_AGENCY_AFTER_DATELINE = re.compile(
    r"(?:/(?P<slashed>[^/\s][^/]{0,38}[^/\s])/|" + _AGENCY.format(group="known") + r")(?:\.|:| ?[\u2014\u2013-]) "
)
_SENTENCE_END = re.compile(r"[.!?\u2026\u0589\u3002\uff01\uff1f][\"\u201d\u2019\u00bb)]*(?=\s|$)")
#: A paragraph that ends like this has ended; one that does not may run on into the next.
_TERMINAL = re.compile(r"[.!?\u2026\u0589\u3002\uff01\uff1f:;][\"'\u201d\u2019\u00bb)\]]*$")
#: Words with a full stop that does not end a sentence: English titles and short month names
#: (the typography's own tables), and a few more.
_ABBREVIATIONS = frozenset([*HONORIFICS["en"], *EN_MONTH_ABBREVIATIONS, "St", "Jr", "Sr", "No", "vs", "etc"])
_TITLE_FINAL_PUNCTUATION = tuple(".,;:!\u2026")


@dataclass(frozen=True)
class Parsed:
    """An article and what the parser had to guess to build it."""

    article: Article
    warnings: tuple[str, ...] = ()


def parse_article(text: str, path: str | None = None) -> Article:
    """Parse clean article text; raise `InputError` (with file and line) when it is not one."""
    return parse(text, path).article


def parse(
    text: str,
    path: str | None = None,
    default_language: str = "en",
    *,
    keep_breaks: bool = False,
    provenance: Provenance | None = None,
) -> Parsed:
    """Parse clean article text into an `Article` plus warnings about what was guessed.

    `keep_breaks` keeps every paragraph break as written (a `keep-breaks: yes` header does too);
    otherwise a break inside a sentence is repaired. `provenance` describes the bytes the text
    was read from; a text edition that states its own carries that one through instead.
    """
    with _no_cycle_collection():
        return _parse(text, path, default_language, keep_breaks, provenance)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while parsing: the parser makes millions of small,
    acyclic objects for a large article, and the collector would re-walk them all again
    and again (half the time of a 10 MB article). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(
    text: str, path: str | None, default_language: str, keep_breaks: bool, provenance: Provenance | None
) -> Parsed:
    warnings: list[str] = []
    lines = [line.rstrip() for line in text.split("\n")]
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise InputError("empty article: the file has no text", path=path, line=1)

    header = Header()
    title: str | None = None
    first_match = _SEED_FIRST_LINE.fullmatch(lines[start])
    header_match = HEADER_LINE.fullmatch(lines[start])
    if (first_match and ISO_DATE.fullmatch(first_match["date"]) is not None) or (
        first_match and not header_match and re.match(r"\d", first_match["date"])
    ):
        header.values["date"], header.lines["date"] = first_match["date"], start + 1
        lines[start] = first_match["rest"] or ""
        body_start = start
    elif header_match and header_match["key"].lower() in HEADER_KEYS:
        body_start = read_header(lines, start, header, HEADER_KEYS, path, warnings)
    else:
        body_start = start

    if archival.is_record(header):  # our own text edition: read by the format's own reader
        article = archival.read_record(
            header,
            lines,
            body_start,
            path,
            provenance,
            warnings,
            language_of=lambda blocks: _language(header, blocks, path, default_language, warnings),
            title_of=derive_title,
        )
        return Parsed(article, tuple(warnings))
    for key in sorted(archival.RECORD_ONLY & header.values.keys()):
        warnings.append(
            f"line {header.lines[key]}: header {key!r} is only read in a text edition (one with an Identifier); ignored"
        )
    derived: set[str] = set()
    blocks = split_blocks(lines, body_start)
    if "title" not in header.values and len(blocks) > 1 and _looks_like_title(blocks[0].text):
        title = blocks.pop(0).text
    require_body(blocks, path, len(lines))
    if not (keep_breaks or _keep_breaks(header, path)):
        blocks = _repair_breaks(blocks, warnings)

    date = _article_date(header, path, warnings)
    if "date" not in header.values and date is not None:
        derived.add("date")
    language = _language(header, blocks, path, default_language, warnings)
    if "language" not in header.values:
        derived.add("language")
    dateline, source_from_lead, blocks = _dateline(header, blocks)
    source = header.values.get("source")
    if source is None:
        source = source_from_lead or _self_credit(blocks[0].text)
        if source is not None:
            derived.add("source")

    body = paragraphs(blocks, warnings)
    if title is None:
        title = header.values.get("title")
        if title is None:
            title = derive_title(body[0], language)
            derived.add("title")
    title = smarten(title)
    slug_given = "slug" in header.values
    slug = make_slug(header.values["slug"], None, undated_prefix=False) if slug_given else make_slug(title, date)
    article = Article(
        title=title,
        slug=slug,
        slug_given=slug_given,
        paragraphs=body,
        date=date,
        dateline=dateline,
        author=header.values.get("author"),
        source=source,
        language=language,
        source_path=path,
        derived=frozenset(derived),
        provenance=provenance,
    )
    return Parsed(article, tuple(warnings))


def _keep_breaks(header: Header, path: str | None) -> bool:
    value = header.values.get("keep-breaks")
    if value is None:
        return False
    if value.lower() not in _YES_NO:
        raise InputError(f"keep-breaks: {value!r} is not yes or no", path=path, line=header.lines["keep-breaks"])
    return _YES_NO[value.lower()]


def _repair_breaks(blocks: list[Block], warnings: list[str]) -> list[Block]:
    """Join a paragraph that ends without terminal punctuation to the next when that one
    begins in lower case: a stray blank line inside a sentence, not a new paragraph."""
    repaired: list[tuple[int, list[str]]] = [(blocks[0].line, [blocks[0].text])]  # pieces, joined once
    joined: list[int] = []
    for block in blocks[1:]:
        previous = repaired[-1][1][-1]
        if _is_lower(block.text[:1]) and _TERMINAL.search(previous) is None:
            joined.append(block.line)
            repaired[-1][1].append(block.text)
        else:
            repaired.append((block.line, [block.text]))
    why = (
        "joined to the paragraph before, which ends without punctuation while this one begins in lower "
        "case (a stray blank line?); `keep-breaks: yes` keeps such breaks"
    )
    warnings.extend(f"line {line}: {why}" for line in joined[:MAX_LINE_WARNINGS])
    if len(joined) > MAX_LINE_WARNINGS:
        warnings.append(f"{len(joined) - MAX_LINE_WARNINGS:,} more paragraphs {why.split(',')[0]}")
    return [Block(line, " ".join(pieces)) for line, pieces in repaired]


def _looks_like_title(text: str) -> bool:
    return (
        len(text) <= 200
        and not text.endswith(_TITLE_FINAL_PUNCTUATION)
        and not (text.endswith(('"', "\u201d", "\u2019", "'")) and text[:-1].endswith(_TITLE_FINAL_PUNCTUATION))
    )


def _article_date(header: Header, path: str | None, warnings: list[str]) -> datetime.date | None:
    value = header.values.get("date")
    if value is None:
        # The file's own name only: a folder's name (archive-2020-01-01/) is not the article's.
        found = _FILENAME_DATE.search(os.path.basename(path or ""))
        if found:
            return parse_date(found.group(0), path, None)
        warnings.append("no date given: the article is published undated (add a `date: YYYY-MM-DD` header line)")
        return None
    return parse_date(value, path, header.lines.get("date"))


def _dateline(header: Header, blocks: list[Block]) -> tuple[Dateline | None, str | None, list[Block]]:
    """Take the dateline off the front of the lead (or from the header)."""
    lead = blocks[0]
    given = header.values.get("dateline")
    if given:
        for stop in DATELINE_STOPS:
            dateline = split_dateline(given, stop)
            prefix = dateline.lead_in + " "
            if lead.text.startswith(prefix) and len(lead.text) > len(prefix):
                return dateline, None, [Block(lead.line, lead.text[len(prefix) :]), *blocks[1:]]
        return split_dateline(given), None, blocks
    match = _DATELINE.match(lead.text)
    if match is None or match.end() >= len(lead.text):
        return None, None, blocks
    place = match["place"].strip()
    city, *regions = place.split(", ")
    caseless = not any(ch.isupper() or _is_lower(ch) for ch in city)
    if (
        any(_is_lower(ch) for ch in city)
        or sum(ch.isalpha() for ch in city) < 2
        or any(_is_lower(region[:1]) for region in regions)
        # Caseless scripts (Georgian, Arabic, Hebrew, Devanagari): insist on a date or a known agency
        # (`القاهرة (رويترز) -`, `تهران - ایرنا -`).
        or (caseless and not match["date"] and not _names_agency(match, lead.text))
    ):
        return None, None, blocks
    end = match.end()
    agency = match["agency"] or match["slashed"]
    after = _AGENCY_AFTER_DATELINE.match(lead.text, end) if agency is None else None
    if after is not None and after.end() < len(lead.text):
        agency = after["slashed"] or after["known"]
        end = after.end()
    if agency is not None:
        agency = _AGENCY_NAMES.get(agency, agency)  # a known agency by its name in `AGENCIES`
    stop = match["stop"].strip()
    blocks = [Block(lead.line, lead.text[end:]), *blocks[1:]]
    dateline = Dateline(place=place, date_text=match["date"], end=stop if stop in DATELINE_STOPS else ".")
    return dateline, agency, blocks


def _names_agency(match: re.Match[str], lead: str) -> bool:
    """Whether a dateline `match` names a known agency, in parentheses or right after it."""
    if match["agency"] is not None:
        return match["agency"] in _AGENCY_NAMES
    after = _AGENCY_AFTER_DATELINE.match(lead, match.end())
    return after is not None and after["known"] is not None


def _is_lower(char: str) -> bool:
    """Lower case, not counting Georgian Mkhedruli, which news text uses as caseless."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


def self_credit(text: str) -> re.Match[str] | None:
    """The first agency credit ("... told Trend", "Trend xəbər verir", "сообщает ТАСС") in `text`."""
    return next(_credits(text), None)


def _credits(text: str, reverse: bool = False) -> Iterator[re.Match[str]]:
    """Credits in `text`, found only around a spelling of an agency: the one expression of every
    phrase of every language is slow to try at each character of a paragraph."""
    spellings = list(_ANY_AGENCY.finditer(text))
    for spelling in reversed(spellings) if reverse else spellings:
        window = (max(0, spelling.start() - _CREDIT_BEFORE), min(len(text), spelling.end() + _CREDIT_AFTER))
        for match in _SELF_CREDIT.finditer(text, *window):
            if match.start() <= spelling.start() < match.end():
                yield match
                break


def _credited(match: re.Match[str]) -> str:
    """The agency a `self_credit` match names, by its name in `AGENCIES`."""
    return _AGENCY_NAMES[next(value for value in match.groupdict().values() if value)]


def _self_credit(lead: str) -> str | None:
    match = self_credit(lead)
    return _credited(match) if match else None


def derive_title(lead: Paragraph, language: str = "en") -> str:
    """A headline from the lead's first sentence, as an editor would cut it.

    The sentence loses its editorial insertions, a trailing agency credit (", ... told Trend")
    and its final full stop. If it is still longer than `TITLE_MAX` (`VERB_FINAL_MAX` in a
    verb-final language, whose verb a cut would drop), it ends at the last natural boundary
    that leaves at least `TITLE_MIN` characters: before an editorial insertion, a comma,
    semicolon, colon or dash, or a word that opens a clause (`CLAUSE_WORDS`), never inside a
    quotation or parenthesis. Punctuation wins over a clause word ("and" also joins nouns)
    within `TITLE_AIM`; below it only punctuation counts. Only when there is no boundary at all
    is it cut at a word and marked "…".
    """
    primary = language.split("-")[0].lower()
    sentence = _first_sentence(_with_insertion_marks(lead.runs)).strip()
    sentence = _without_credit(sentence)
    if not _clean_title(sentence):
        return _clean_title(_with_insertion_marks(lead.runs)) or "Untitled"
    limit = VERB_FINAL_MAX if primary in VERB_FINAL else TITLE_MAX
    whole = _clean_title(sentence)
    if len(whole) <= limit:
        return whole
    # Only a prefix can hold a cut short enough: looking further would cost time in the
    # sentence's length squared for nothing.
    heads = [(_clean_title(sentence[:cut]), weak) for cut, weak in _boundaries(sentence[:_BOUNDARY_REACH], primary)]
    for shortest, weak_too in ((TITLE_AIM[0], False), (TITLE_AIM[0], True), (TITLE_MIN, False)):
        fitting = [head for head, weak in heads if shortest <= len(head) <= TITLE_MAX and (weak_too or not weak)]
        if fitting:
            return max(fitting, key=len)
    cut = whole.rfind(" ", 0, TITLE_MAX)
    head = whole[: cut if cut > 0 else TITLE_MAX - 1]
    dangling = DANGLING_WORDS.get(primary, frozenset())
    while head.rsplit(" ", 1)[-1].lower() in dangling and head.count(" ") > 2:
        head = head[: head.rfind(" ")]  # "... the next meeting…", not "... the next meeting of…"
    return head.rstrip(" ,;:\u2014\u2013-") + "\u2026"


#: Stands for an editorial insertion while a headline is derived (a boundary, never text).
_INSERTION = "\x00"
#: How far into a long first sentence a headline's end is looked for (several TITLE_MAX).
_BOUNDARY_REACH = 8 * TITLE_MAX
_CLOSERS_OF: dict[str, str] = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c", "(": ")"}
_DASH_BOUNDARY = re.compile(r" [\u2014\u2013-] ")
_WORD = re.compile(r"[^\W\d_]+(?![\w-])")


def _with_insertion_marks(runs: tuple[Inline, ...]) -> str:
    """The runs' text with each editorial insertion replaced by one `_INSERTION` mark."""
    return "".join(
        _INSERTION
        if isinstance(run, Editorial)
        else run.text
        if isinstance(run, Text)
        else _with_insertion_marks(run.children)
        for run in runs
    )


def _clean_title(text: str) -> str:
    text = " ".join(text.replace(_INSERTION, " ").split())
    text = re.sub(r"\s+([,;:.])", r"\1", text)
    return text.rstrip(" ,;:\u2014\u2013-")


def _without_credit(sentence: str) -> str:
    """Drop a closing agency credit and the attribution clause it ends (", X told Trend")."""
    credit = next(_credits(sentence, reverse=True), None)
    if credit is None or sentence[credit.end() :].strip(' .\u0589\u201d"') or credit.start() == 0:
        return sentence
    comma = max(sentence.rfind(",", 0, credit.start()), sentence.rfind(" \u2014 ", 0, credit.start()))
    head = sentence[:comma] if comma > 0 else sentence
    return head if len(_clean_title(head)) >= TITLE_MIN else sentence


def _boundaries(sentence: str, language: str) -> list[tuple[int, bool]]:
    """Where a headline may end in `sentence`: offsets outside quotations and parentheses
    before an insertion, a clause punctuation mark or a dash, and (weak: "and" also joins
    nouns) before a clause-opening word that does not follow a preposition ("in which")."""
    words = frozenset(CLAUSE_WORDS.get(language, ()))
    cuts: list[tuple[int, bool]] = []
    open_marks: list[str] = []
    for index, char in enumerate(sentence):
        if open_marks and char == _CLOSERS_OF[open_marks[-1]]:
            open_marks.pop()
        elif char in _CLOSERS_OF:
            open_marks.append(char)
        elif open_marks:
            continue
        elif char in ",;:" + _INSERTION or _DASH_BOUNDARY.match(sentence, index):
            cuts.append((index, False))
        elif char == " ":
            word = _WORD.match(sentence, index + 1)
            previous = sentence[sentence.rfind(" ", 0, index) + 1 : index]
            if (
                word
                and word.group() in words
                and previous.lower() not in _NOT_AFTER.get(word.group(), ())
                and not (len(previous) <= 3 and previous.isalpha() and previous.islower())
            ):
                cuts.append((index, True))
    return cuts


def _first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        word = text[text.rfind(" ", 0, end.start()) + 1 : end.start()]
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()) or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word):
            continue
        return text[: end.start()]
    return text


_SCRIPTS: tuple[tuple[str, str, str], ...] = (  # (first, last, language)
    ("\u0530", "\u058f", "hy"),
    ("\u10a0", "\u10ff", "ka"),
    ("\u1c90", "\u1cbf", "ka"),
    ("\u0400", "\u04ff", "ru"),
    ("\u0370", "\u03ff", "el"),
    ("\u0590", "\u05ff", "he"),
    ("\u0600", "\u06ff", "ar"),
    ("\u0900", "\u097f", "hi"),
)
#: Letters Persian writes and Arabic does not (پ چ ژ گ, Persian yeh and kaf, Persian
#: digits), against Arabic's own yeh and kaf (ي ك): the more frequent side decides.
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9\u06f0-\u06f9]")
_ARABIC_ONLY = re.compile("[\u064a\u0643]")


def _language(header: Header, blocks: list[Block], path: str | None, default: str, warnings: list[str]) -> str:
    given = header.values.get("language")
    if given:
        return normalise_language(given, path, header.lines.get("language"))
    guessed = guess_language(" ".join(block.text for block in blocks[:5]))
    if guessed and guessed != default:
        warnings.append(
            f"no language given: guessed {guessed!r} from the script (add a `language:` header line to be sure)"
        )
        return guessed
    return default


def guess_language(text: str) -> str | None:
    """The language when the script alone says it (Armenian, Georgian...), else None."""
    counts: dict[str, int] = {}
    latin = 0
    for char in text:
        if not char.isalpha():
            continue
        if char < "\u0250":
            latin += 1
            continue
        for first, last, language in _SCRIPTS:
            if first <= char <= last:
                counts[language] = counts.get(language, 0) + 1
                break
    if counts:
        language, count = max(counts.items(), key=lambda item: item[1])
        if count > latin:
            if language == "ru" and re.search("[\u0456\u0457\u0454\u0491]", text):
                return "uk"
            if language == "ar" and len(_PERSIAN.findall(text)) > len(_ARABIC_ONLY.findall(text)):
                return "fa"
            return language
    if text.count("\u0259") + text.count("\u018f") >= 3:
        return "az"
    return None
