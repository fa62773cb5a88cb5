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
from dataclasses import dataclass, field
from itertools import groupby

from publish.errors import InputError
from publish.model import (
    DERIVABLE_FIELDS,
    PROVENANCE_FIELDS,
    Article,
    Dateline,
    Editorial,
    Inline,
    Paragraph,
    Provenance,
    Quotation,
    Text,
    make_slug,
)
from publish.typography import smarten

#: A derived headline aims at this many characters (PDF, cover and metadata set it large)...
TITLE_AIM = (40, 90)
TITLE_MAX = TITLE_AIM[1]
#: ... and is never shorter than this when it ends at a natural boundary.
TITLE_MIN = 20
#: Languages whose verb comes last: a cut would drop it, so the whole first sentence is kept
#: up to this length.
VERB_FINAL = frozenset({"az", "tr", "hy", "ka", "ja", "ko"})
VERB_FINAL_MAX = 110
#: Dates outside this range are refused as typos (documented in the README).
YEAR_RANGE = (1800, 2199)

HEADER_KEYS: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "author": "author",
    "by": "author",
    "byline": "author",
    "source": "source",
    "agency": "source",
    "language": "language",
    "lang": "language",
    "slug": "slug",
    "dateline": "dateline",
    "keep-breaks": "keep-breaks",
    "keep_breaks": "keep-breaks",
    # Written by the plain-text edition; checked or ignored on the way back in.
    "words": "words",
    "identifier": "identifier",
    # Read only in a complete record (our own text edition), where they are carried through.
    "derived": "derived",
    **{key.lower(): key for key, _ in PROVENANCE_FIELDS},
}
#: Header keys that only a complete record (one stating its Identifier) may carry.
RECORD_ONLY_KEYS = frozenset({"derived", *(key for key, _ in PROVENANCE_FIELDS)})
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
    ("Reuters", ("Reuters", "Рейтер")),
    ("Associated Press", ("Associated Press",)),
    ("AP", ("AP",)),
    ("AFP", ("AFP", "Франс Пресс")),
    ("dpa", ("dpa",)),
    ("Xinhua", ("Xinhua", "Синьхуа")),
    ("Anadolu", ("Anadolu",)),
    ("Bloomberg", ("Bloomberg",)),
    ("EFE", ("EFE",)),
    ("ANSA", ("ANSA",)),
    ("Kyodo", ("Kyodo",)),
    ("Yonhap", ("Yonhap",)),
    ("PTI", ("PTI",)),
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

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY_MONTH = rf"(?:{_MONTH}\.? ?\d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} [^\W\d_]{{3,12}}\.?(?: \d{{4}})?)"
_PLACE_PART = r"[^\W\d_][^,.()/\u2014\u2013:\u0589\"\u201c\d]{0,40}?"
#: What closes a dateline: a full stop (Latin or Armenian "։"), a dash or a colon.
DATELINE_STOPS: tuple[str, ...] = (".", "\u0589")
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE_PART}(?:, {_PLACE_PART}){{0,2}}?)"
    rf"(?:,? (?P<date>{_DAY_MONTH}))?"
    r"(?: \((?P<agency>[^()]{2,40})\)|(?<!\.) ?/(?P<slashed>[^/\s][^/]{0,38}[^/\s])/)?"
    r"(?P<stop>[.\u0589] | ?[\u2014\u2013] | -{1,2} |: )"
)
_SEED_FIRST_LINE = re.compile(r"\s*date\s+(?P<date>\S+)(?:\s+(?P<rest>.*))?", re.IGNORECASE)
_HEADER_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*)")
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][0-9:.+\-Z]*)?")
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
#: A BCP 47 language tag (RFC 5646, section 2.1): language, then optional script, region,
#: variants, extensions and a private-use part, each subtag of its own shape.
_LANGUAGE_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{5,8})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
)
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
_ABBREVIATIONS = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "St",
        "Lt",
        "Jr",
        "Sr",
        "No",
        "Gen",
        "Sen",
        "Rep",
        "Gov",
        "Col",
        "Sgt",
        "Capt",
        "Prof",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "vs",
        "etc",
    ]
)
_INLINE_MARK = re.compile(r"[\u201c\u201d\u00ab\u00bb\u201e\[\]]")
_OPENERS: dict[str, tuple[str, str]] = {  # opener -> (closer, kind)
    "\u201c": ("\u201d", "quotation"),
    "\u00ab": ("\u00bb", "quotation"),
    "\u201e": ("\u201c", "quotation"),
    "[": ("]", "editorial"),
}
_TITLE_FINAL_PUNCTUATION = tuple(".,;:!\u2026")


@dataclass(frozen=True)
class Parsed:
    """An article and what the parser had to guess to build it."""

    article: Article
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)  # millions of them for an article of millions of one-line paragraphs
class _Block:
    line: int
    text: str


@dataclass
class _Header:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


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

    header = _Header()
    title: str | None = None
    first_match = _SEED_FIRST_LINE.fullmatch(lines[start])
    header_match = _HEADER_LINE.fullmatch(lines[start])
    if (first_match and _ISO_DATE.fullmatch(first_match["date"]) is not None) or (
        first_match and not header_match and re.match(r"\d", first_match["date"])
    ):
        header.values["date"], header.lines["date"] = first_match["date"], start + 1
        lines[start] = first_match["rest"] or ""
        body_start = start
    elif header_match and header_match["key"].lower() in HEADER_KEYS:
        body_start = _read_header(lines, start, header, path, warnings)
    else:
        body_start = start

    # A header that states the Identifier is a complete record (our own text edition):
    # what it leaves out is absent, so nothing is guessed from the body or the file name.
    record = "identifier" in header.values
    derived: set[str] = set()
    if record:
        derived, provenance = _record_provenance(header, path, provenance)
    else:
        for key in sorted(RECORD_ONLY_KEYS & header.values.keys()):
            warnings.append(
                f"line {header.lines[key]}: header {key!r} is only read in a text edition "
                f"(one with an Identifier); ignored"
            )
    blocks = _blocks(lines, body_start)
    if not record and "title" not in header.values and len(blocks) > 1 and _looks_like_title(blocks[0].text):
        title = blocks.pop(0).text
    if not blocks:
        raise InputError(
            "no paragraphs: the article has no body text",
            path=path,
            line=len(lines),
            hint="separate the header from the body with one blank line",
        )
    if not record and not (keep_breaks or _keep_breaks(header, path)):
        blocks = _repair_breaks(blocks, warnings)

    date = _article_date(header, None if record else path, [] if record else warnings)
    if not record and "date" not in header.values and date is not None:
        derived.add("date")
    language = _language(header, blocks, path, default_language, warnings)
    if not record and "language" not in header.values:
        derived.add("language")
    if record:
        dateline, blocks = _stated_dateline(header, blocks, path)
        source = header.values.get("source")
    else:
        dateline, source_from_lead, blocks = _dateline(header, blocks)
        source = header.values.get("source")
        if source is None:
            source = source_from_lead or _self_credit(blocks[0].text)
            if source is not None:
                derived.add("source")

    paragraphs = tuple(Paragraph(parse_inlines(smarten(block.text))) for block in blocks)
    for block, paragraph in zip(blocks, paragraphs):
        if nesting_depth(paragraph.runs) >= MAX_NESTING:
            warnings.append(
                f"line {block.line}: quotations or brackets nested {MAX_NESTING} deep; "
                f"marks opened deeper are read as plain text"
            )
    if title is None:
        title = header.values.get("title")
        if title is None:
            title = derive_title(paragraphs[0], language)
            derived.add("title")
    title = smarten(title)
    slug = (
        make_slug(header.values["slug"], None, undated_prefix=False)
        if "slug" in header.values
        else make_slug(title, date)
    )
    article = Article(
        title=title,
        slug=slug,
        paragraphs=paragraphs,
        date=date,
        dateline=dateline,
        author=header.values.get("author"),
        source=source,
        language=language,
        source_path=path,
        derived=frozenset(derived),
        provenance=provenance,
    )
    given_identifier = header.values.get("identifier")
    if given_identifier and given_identifier != article.identifier:
        warnings.append(
            f"the Identifier header ({given_identifier}) does not match the text: "
            f"the article changed since that edition was made"
        )
    return Parsed(article, tuple(warnings))


def _record_provenance(
    header: _Header, path: str | None, read: Provenance | None
) -> tuple[set[str], Provenance | None]:
    """A text edition's Derived and provenance lines, carried through; without provenance
    lines, the edition itself is the source (`read`)."""
    derived = set(header.values.get("derived", "").replace(",", " ").split())
    unknown = derived - set(DERIVABLE_FIELDS)
    if unknown:
        raise InputError(
            f"Derived names unknown fields: {', '.join(sorted(unknown))}",
            path=path,
            line=header.lines["derived"],
            hint=f"known: {', '.join(DERIVABLE_FIELDS)}",
        )
    stated = {key: header.values[key] for key, _ in PROVENANCE_FIELDS if key in header.values}
    if not stated:
        return derived, read
    try:
        return derived, Provenance.from_fields(stated)
    except ValueError as error:
        line = min(header.lines[key] for key in stated)
        raise InputError(
            str(error), path=path, line=line, hint="restore the provenance lines the text edition was written with"
        ) from None


def _keep_breaks(header: _Header, path: str | None) -> bool:
    value = header.values.get("keep-breaks")
    if value is None:
        return False
    if value.lower() not in _YES_NO:
        raise InputError(f"keep-breaks: {value!r} is not yes or no", path=path, line=header.lines["keep-breaks"])
    return _YES_NO[value.lower()]


def _repair_breaks(blocks: list[_Block], warnings: list[str]) -> list[_Block]:
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
    return [_Block(line, " ".join(pieces)) for line, pieces in repaired]


def _read_header(lines: list[str], start: int, header: _Header, path: str | None, warnings: list[str]) -> int:
    """Read `key: value` lines (continuations indented) up to the first blank line."""
    key: str | None = None
    index = start
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        match = _HEADER_LINE.fullmatch(line)
        if line[:1].isspace() and key is not None:
            header.values[key] = f"{header.values[key]} {line.strip()}".strip()
        elif match:
            name = match["key"].lower()
            key = HEADER_KEYS.get(name)
            if key is None:
                warnings.append(f"line {index + 1}: unknown header {match['key']!r} ignored")
            elif key in header.values:
                raise InputError(f"header {match['key']!r} is given twice", path=path, line=index + 1)
            else:
                header.values[key] = " ".join(match["value"].split())
                header.lines[key] = index + 1
        else:
            raise InputError(
                "expected a `key: value` header line or a blank line",
                path=path,
                line=index + 1,
                hint="put one blank line between the header and the body",
            )
        index += 1
    for key in [key for key, value in header.values.items() if not value]:
        del header.values[key]  # `author:` with nothing after it gives no author
    return index


def _blocks(lines: list[str], start: int) -> list[_Block]:
    """Split lines into paragraphs at blank lines; join hard-wrapped lines. (Lines are
    right-stripped, so a blank one is empty; grouping runs in C, for millions of lines.)"""
    blocks: list[_Block] = []
    number = start + 1
    for filled, group in groupby(lines[start:], key=bool):
        run = list(group)
        if filled:
            blocks.append(_Block(number, " ".join(" ".join(run).split())))
        number += len(run)
    return blocks


def _looks_like_title(text: str) -> bool:
    return (
        len(text) <= 200
        and not text.endswith(_TITLE_FINAL_PUNCTUATION)
        and not (text.endswith(('"', "\u201d", "\u2019", "'")) and text[:-1].endswith(_TITLE_FINAL_PUNCTUATION))
    )


def _article_date(header: _Header, path: str | None, warnings: list[str]) -> datetime.date | None:
    value = header.values.get("date")
    if value is None:
        # The file's own name only: a folder's name (archive-2020-01-01/) is not the article's.
        found = _FILENAME_DATE.search(os.path.basename(path or ""))
        if found:
            return parse_date(found.group(0), path, None)
        warnings.append("no date given: the article is published undated (add a `date: YYYY-MM-DD` header line)")
        return None
    return parse_date(value, path, header.lines.get("date"))


def parse_date(value: str, path: str | None = None, line: int | None = None) -> datetime.date:
    """An ISO 8601 calendar date (a time part is ignored: the wire's own day counts)."""
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise InputError(f"malformed date {value!r}: expected YYYY-MM-DD", path=path, line=line)
    try:
        date = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise InputError(f"date {value} does not exist ({error})", path=path, line=line) from None
    if not YEAR_RANGE[0] <= date.year <= YEAR_RANGE[1]:
        raise InputError(
            f"date {value} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}: probably a typo", path=path, line=line
        )
    return date


def _dateline(header: _Header, blocks: list[_Block]) -> tuple[Dateline | None, str | None, list[_Block]]:
    """Take the dateline off the front of the lead (or from the header)."""
    lead = blocks[0]
    given = header.values.get("dateline")
    if given:
        for stop in DATELINE_STOPS:
            dateline = _split_dateline(given, stop)
            prefix = dateline.lead_in + " "
            if lead.text.startswith(prefix) and len(lead.text) > len(prefix):
                return dateline, None, [_Block(lead.line, lead.text[len(prefix) :]), *blocks[1:]]
        return _split_dateline(given), None, blocks
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
        or (caseless and not match["date"])  # Georgian has no capitals: insist on a date
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
    blocks = [_Block(lead.line, lead.text[end:]), *blocks[1:]]
    dateline = Dateline(place=place, date_text=match["date"], end=stop if stop in DATELINE_STOPS else ".")
    return dateline, agency, blocks


def _stated_dateline(header: _Header, blocks: list[_Block], path: str | None) -> tuple[Dateline | None, list[_Block]]:
    """A complete record's dateline: the header's, set in front of the lead, or none."""
    given = header.values.get("dateline")
    if not given:
        return None, blocks
    lead = blocks[0]
    for stop in DATELINE_STOPS:
        dateline = _split_dateline(given, stop)
        prefix = dateline.lead_in + " "
        if lead.text.startswith(prefix) and len(lead.text) > len(prefix):
            return dateline, [_Block(lead.line, lead.text[len(prefix) :]), *blocks[1:]]
    raise InputError(
        f"the lead does not begin with the stated dateline {given!r}",
        path=path,
        line=lead.line,
        hint="the body was edited: restore the dateline",
    )


def _is_lower(char: str) -> bool:
    """Lower case, not counting Georgian Mkhedruli, which news text uses as caseless."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


def _split_dateline(text: str, stop: str = ".") -> Dateline:
    found = re.fullmatch(rf"(?P<place>.+?),? (?P<date>{_DAY_MONTH})\.?", text)
    if found:
        return Dateline(place=found["place"], date_text=found["date"], end=stop)
    return Dateline(place=text.rstrip("."), end=stop)


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


#: Quotations and insertions nested deeper than this are read as plain text (with a
#: warning from `parse`): real copy nests two or three levels, and every stage after the
#: parser (model, renderers, templates) then walks a tree of bounded depth.
MAX_NESTING = 24


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """Split a paragraph into text, quotations and editorial insertions.

    A closer only closes the innermost open run of its kind; an unclosed quotation runs
    to the end of the paragraph (news style for quotes spanning paragraphs); an unclosed
    bracket is plain text. One pass, no recursion: text is gathered in lists of pieces
    (joined once), so runs of unmatched marks stay linear; openers beyond `MAX_NESTING`
    levels are plain text.
    """
    if _INLINE_MARK.search(text) is None:
        return (Text(text),) if text else ()
    # A level: (closer, kind, finished children, pieces of the text run being gathered).
    Level = tuple[str, str, list[Inline], list[str]]
    root: Level = ("", "root", [], [])
    stack: list[Level] = [root]
    position = 0

    def flush(level: Level) -> None:
        joined = "".join(level[3])
        level[3].clear()
        if joined:
            level[2].append(Text(joined))

    for match in _INLINE_MARK.finditer(text):
        mark = match[0]
        top = stack[-1]
        if mark == top[0]:  # closes the innermost open run (the root's closer is "")
            top[3].append(text[position : match.end()])
            position = match.end()
            stack.pop()
            flush(top)
            node: Inline = Quotation(tuple(top[2])) if top[1] == "quotation" else Editorial(tuple(top[2]))
            flush(stack[-1])
            stack[-1][2].append(node)
        elif mark in _OPENERS and len(stack) <= MAX_NESTING:
            top[3].append(text[position : match.start()])
            position = match.start()
            closer, kind = _OPENERS[mark]
            stack.append((closer, kind, [], []))
        # any other mark is plain text: it stays in the span still to be taken
    stack[-1][3].append(text[position:])
    while len(stack) > 1:
        level = stack.pop()
        parent = stack[-1]
        if level[1] == "quotation":
            flush(level)
            flush(parent)
            parent[2].append(Quotation(tuple(level[2]), closed=False))
        else:  # an unclosed bracket is text: its pieces join the parent's
            for child in level[2]:
                if isinstance(child, Text):
                    parent[3].append(child.text)
                else:
                    flush(parent)
                    parent[2].append(child)
            parent[3].extend(level[3])
    flush(root)
    return tuple(root[2])


def nesting_depth(runs: tuple[Inline, ...]) -> int:
    """How deeply quotations and insertions nest in `runs` (iteratively)."""
    deepest = 0
    stack = [(run, 1) for run in runs if not isinstance(run, Text)]
    while stack:
        run, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in run.children if not isinstance(child, Text))  # type: ignore[union-attr]
    return deepest


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


def _language(header: _Header, blocks: list[_Block], path: str | None, default: str, warnings: list[str]) -> str:
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


def normalise_language(value: str, path: str | None = None, line: int | None = None) -> str:
    """Check a BCP 47 tag and give it its conventional case (`en-GB`, `sr-Latn`)."""
    tag = value.strip().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise InputError(
            f"language {value!r} is not a BCP 47 tag",
            path=path,
            line=line,
            hint="use a tag such as en, az, ru, hy or ka",
        )
    match = _LANGUAGE_TAG.fullmatch(tag)
    assert match is not None
    out = [match["language"].lower()]
    if match["script"]:
        out.append(match["script"].title())
    if match["region"]:
        out.append(match["region"].upper())
    rest = tag[
        match.end("region") if match["region"] else match.end("script") if match["script"] else match.end("language") :
    ]
    return "-".join(out) + rest.lower()
