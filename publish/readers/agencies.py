"""How agencies write: their names, their credits, their datelines and their bylines.

One table each, read by every reader: `AGENCIES` (the name credited as the source, and
the spellings seen in copy in any script) and `DATELINE_FORMS` (the datelines each agency
files, with what is read from them; every row is a test); how each language credits an
agency and opens a byline are rows of `publish.language.tables`. What is
found is read, never rewritten: a dateline is kept exactly as it opens the lead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from publish.language.tables import BYLINE_PREFIXES, CORRECTION_WORDS, CREDIT_PHRASES, NAME_JOINERS, NAME_PARTICLES
from publish.model import CREATOR_ROLES, Creator, Dateline
from publish.readers.lexing import DAY_MONTH

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
    ("Anadolu", ("Anadolu", "AA", "الأناضول")),
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


def agency_name(spelling: str) -> str:
    """The name `AGENCIES` credits for a spelling; an unknown agency keeps its own."""
    return _AGENCY_NAMES.get(spelling.strip(), spelling.strip())


def self_credit(text: str) -> re.Match[str] | None:
    """The first agency credit ("... told Trend", "Trend xəbər verir", "сообщает ТАСС") in `text`."""
    return next(credits(text), None)


def credits(text: str, reverse: bool = False) -> Iterator[re.Match[str]]:
    """Credits in `text`, found only around a spelling of an agency: the one expression of every
    phrase of every language is slow to try at each character of a paragraph."""
    spellings = list(_ANY_AGENCY.finditer(text))
    for spelling in reversed(spellings) if reverse else spellings:
        window = (max(0, spelling.start() - _CREDIT_BEFORE), min(len(text), spelling.end() + _CREDIT_AFTER))
        for match in _SELF_CREDIT.finditer(text, *window):
            if match.start() <= spelling.start() < match.end():
                yield match
                break


def credited(text: str) -> str | None:
    """The agency the first credit in `text` names, by its name in `AGENCIES`."""
    match = self_credit(text)
    if match is None:
        return None
    return _AGENCY_NAMES[next(value for value in match.groupdict().values() if value)]


# --- Datelines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatelineForm:
    """A dateline as an agency files it: an example lead, and what is read from it."""

    agency: str
    language: str
    lead: str
    filed: str
    place: str
    date_text: str | None
    named: str | None


#: The datelines publish reads, one row per agency and language: the lead as filed, the
#: dateline kept verbatim, and the place, date and agency read from it (tested row by row).
DATELINE_FORMS: tuple[DatelineForm, ...] = (
    DatelineForm(
        "Trend",
        "en",
        "BAKU, Azerbaijan, September 21. Azerbaijan conducted",
        "BAKU, Azerbaijan, September 21.",
        "BAKU, Azerbaijan",
        "September 21",
        None,
    ),
    DatelineForm("Trend", "en", "BAKU /Trend/ - The talks resumed.", "BAKU /Trend/ -", "BAKU", None, "Trend"),
    DatelineForm("AP", "en", "NEW ORLEANS (AP) — Power was restored", "NEW ORLEANS (AP) —", "NEW ORLEANS", None, "AP"),
    DatelineForm(
        "AP",
        "en",
        "WASHINGTON, May 2 (AP) -- The talks resumed.",
        "WASHINGTON, May 2 (AP) --",
        "WASHINGTON",
        "May 2",
        "AP",
    ),
    DatelineForm(
        "AFP",
        "fr",
        "FRANCFORT, 17 oct 2024 (AFP) - La BCE a",
        "FRANCFORT, 17 oct 2024 (AFP) -",
        "FRANCFORT",
        "17 oct 2024",
        "AFP",
    ),
    DatelineForm("AFP", "en", "PARIS (AFP) - France said", "PARIS (AFP) -", "PARIS", None, "AFP"),
    DatelineForm(
        "Reuters",
        "en",
        "LONDON, Oct 17 (Reuters) - Britain's",
        "LONDON, Oct 17 (Reuters) -",
        "LONDON",
        "Oct 17",
        "Reuters",
    ),
    DatelineForm("Reuters", "en", "MOSCOW (Reuters) - The talks", "MOSCOW (Reuters) -", "MOSCOW", None, "Reuters"),
    DatelineForm("dpa", "de", "Berlin (dpa) - Die Bahn", "Berlin (dpa) -", "Berlin", None, "dpa"),
    DatelineForm(
        "dpa", "de", "Frankfurt/Main (dpa) - Die Bahn", "Frankfurt/Main (dpa) -", "Frankfurt/Main", None, "dpa"
    ),
    DatelineForm("EFE", "es", "Madrid, 5 mar (EFE).- El Gobierno", "Madrid, 5 mar (EFE).-", "Madrid", "5 mar", "EFE"),
    DatelineForm("Anadolu", "tr", "ANKARA (AA) - Dışişleri", "ANKARA (AA) -", "ANKARA", None, "AA"),
    DatelineForm("Anadolu", "en", "ANKARA (AA) - Turkey's", "ANKARA (AA) -", "ANKARA", None, "AA"),
    DatelineForm(
        "TASS",
        "ru",
        "МОСКВА, 2 мая. /ТАСС/. Переговоры",
        "МОСКВА, 2 мая. /ТАСС/.",
        "МОСКВА",
        "2 мая",
        "ТАСС",
    ),
    DatelineForm(
        "RIA Novosti",
        "ru",
        "МОСКВА, 2 мая — РИА Новости. Переговоры",
        "МОСКВА, 2 мая — РИА Новости.",
        "МОСКВА",
        "2 мая",
        "РИА Новости",
    ),
    DatelineForm(
        "Ukrinform",
        "uk",
        "КИЇВ, 12 квітня /Укрінформ/. Переговори",
        "КИЇВ, 12 квітня /Укрінформ/.",
        "КИЇВ",
        "12 квітня",
        "Укрінформ",
    ),
    DatelineForm(
        "Armenpress", "hy", "Երևան, 12 ապրիլի։ Բանակցությունները", "Երևան, 12 ապրիլի։", "Երևան", "12 ապրիլի", None
    ),
    DatelineForm(
        "Armenpress", "hy", "ԵՐԵՎԱՆ, 2 մայիսի։ Բանակցությունները", "ԵՐԵՎԱՆ, 2 մայիսի։", "ԵՐԵՎԱՆ", "2 մայիսի", None
    ),
    DatelineForm(
        "Interpressnews",
        "ka",
        "თბილისი, 20 აგვისტო. თბილისში",
        "თბილისი, 20 აგვისტო.",
        "თბილისი",
        "20 აგვისტო",
        None,
    ),
    DatelineForm("PTI", "hi", "बाकू, 17 अक्टूबर। भारत और", "बाकू, 17 अक्टूबर।", "बाकू", "17 अक्टूबर", None),
    DatelineForm("Bhasha", "hi", "मुंबई, 5 अप्रैल (भाषा) भारतीय", "मुंबई, 5 अप्रैल (भाषा)", "मुंबई", "5 अप्रैल", "भाषा"),
    DatelineForm(
        "Reuters", "ar", "باكو، 17 أكتوبر (رويترز) - قال", "باكو، 17 أكتوبر (رويترز) -", "باكو", "17 أكتوبر", "رويترز"
    ),
    DatelineForm("IRNA", "fa", "تهران - ایرنا - مذاکرات", "تهران - ایرنا -", "تهران", None, "ایرنا"),
)

#: Characters that end a place's name or a dateline (commas, brackets, dashes, stops).
_PLACE_PART = r"[^\W\d_][^,\u060c.()\u2014\u2013:\u0589\u0964\"\u201c\d]{0,40}?"
_COMMA = r"[,\u060c]"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE_PART}(?:{_COMMA} ?{_PLACE_PART}){{0,2}}?)"
    rf"(?:{_COMMA}? (?P<date>{DAY_MONTH}))?"
    r"(?: ?\((?P<agency>[^()]{2,40})\)|(?<!\.) ?/(?P<slashed>[^/\s][^/]{0,38}[^/\s])/)?"
    # After an agency in parentheses a space will do (Hindi: `मुंबई, 5 अप्रैल (भाषा) ...`).
    r"(?P<stop>\.- |[.\u0589] | ?\u0964 | ?[\u2014\u2013] | -{1,2} |: |(?<=\)) )"
)
#: A known agency named right after the dateline (TASS's `/ТАСС/.`, RIA's `— РИА Новости.`,
#: IRNA's `- ایرنا -`).
_AGENCY_AFTER_DATELINE = re.compile(
    r"(?:/(?P<slashed>[^/\s][^/]{0,38}[^/\s])/|" + _AGENCY.format(group="known") + r")(?:\.|:| ?[\u2014\u2013-]) "
)


def find_dateline(lead: str) -> Dateline | None:
    """The dateline that opens `lead`, exactly as filed, or None. A place in capitals (or
    in a script without case) closed by a stop is one; a place in mixed case only with a
    date or an agency (`Berlin (dpa) -`, `Երևան, 12 ապրիլի։`), and a caseless one only
    with a date or a known agency, so an ordinary first sentence is never taken for one."""
    match = _DATELINE.match(lead)
    if match is None or match.end() >= len(lead):
        return None
    place = match["place"].strip()
    city, *regions = re.split(rf"{_COMMA} ?", place)
    caseless = not any(ch.isupper() or is_lower(ch) for ch in city)
    agency = match["agency"] or match["slashed"]
    end = match.end()
    after = _AGENCY_AFTER_DATELINE.match(lead, end) if agency is None else None
    if after is not None and after.end() < len(lead):
        agency = after["slashed"] or after["known"]
        end = after.end()
    vouched = match["date"] is not None or match["agency"] is not None or match["slashed"] is not None
    known_agency = agency is not None and agency.strip() in _AGENCY_NAMES
    if (
        sum(ch.isalpha() for ch in city) < 2
        or any(is_lower(region[:1]) for region in regions)
        or (any(is_lower(ch) for ch in city) and not (vouched or known_agency))
        or (caseless and not (match["date"] or known_agency))
    ):
        return None
    return Dateline(filed=lead[:end].rstrip(" "), place=place, date_text=match["date"], agency=agency)


def is_lower(char: str) -> bool:
    """Lower case, not counting Georgian Mkhedruli, which news text uses as caseless."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


# --- Bylines ---------------------------------------------------------------------------------

_PREFIX = re.compile(
    r"(?P<prefix>"
    + "|".join(sorted({re.escape(p) for ps in BYLINE_PREFIXES.values() for p in ps}, key=len)[::-1])
    + r")\s+",
    re.IGNORECASE,
)
_JOINERS = re.compile(r"\s*(?:,|;|\s(?:" + "|".join(map(re.escape, NAME_JOINERS)) + r")\s)\s*")
#: An agency closing a byline: ", dpa", "(EFE)", "- AFP", "| Reuters".
_BYLINE_AGENCY = re.compile(r"(?:\s*[,|/\u2014\u2013-]\s*|\s*\()(?P<agency>" + _SPELLINGS + r")\)?\s*$")


@dataclass(frozen=True)
class Byline:
    """What a byline says: the people, and the agency it credits (if any)."""

    creators: tuple[Creator, ...]
    agency: str | None = None


#: How feeds name the part a person played (ninjs `authors[].role` and `people[].rel`, the
#: last part of a NewsML-G2 `creator`/`contributor` role QCode) -> the model's creator roles.
ROLE_NAMES: dict[str, str] = {
    "author": "writer",
    "writer": "writer",
    "reporter": "writer",
    "correspondent": "writer",
    "editor": "editor",
    "photographer": "photographer",
    "translator": "translator",
    **{role: role for role in CREATOR_ROLES},
}
#: The opening of a word that says a note is a correction, in any language of the table.
_CORRECTION_WORDS = tuple(sorted({word for words in CORRECTION_WORDS.values() for word in words}))


def is_correction(note: str) -> bool:
    """Whether an editor's note says it is a correction: one of its first three words
    begins with a correction word of any language ("CORRECTS ...", "Eds: Corrects ...",
    "Berichtigung: ..."); updates and advisories are not."""
    words = [word.strip(".,:;!?()[]\"'«»“”—–-").casefold() for word in note.split()[:3]]
    return any(word.startswith(_CORRECTION_WORDS) for word in words if word)


def read_byline(text: str, prefix_required: bool = True) -> Byline | None:
    """The people (and agency) of a byline ("By A and B", "A, B and C", "Von A, dpa",
    "Por A (EFE)"), or None when `text` is not one: every name capitalised word by word
    (particles aside), at most five words a name. Without `prefix_required` (a header's
    `by:` value) the opening word may be left out."""
    body = text.strip()
    prefix = _PREFIX.match(body)
    if prefix is not None and prefix["prefix"][0].isupper():
        body = body[prefix.end() :]
    elif prefix_required:
        return None
    agency = None
    found = _BYLINE_AGENCY.search(body)
    if found is not None and found.start() > 0:
        agency, body = agency_name(found["agency"]), body[: found.start()]
    names = [name for name in _JOINERS.split(body) if name]
    if not names or not all(_is_name(name) for name in names):
        return None
    return Byline(tuple(Creator(name) for name in names), agency)


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5:
        return False
    capitalised = [word for word in words if word.lower() not in NAME_PARTICLES]
    return bool(capitalised) and all(word[:1].isupper() for word in capitalised)
