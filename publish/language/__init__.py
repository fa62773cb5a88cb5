"""Languages: every per-language fact publish knows, asked for in one place.

`of(tag)` gives a `Language` for a BCP 47 tag: its CLDR locale (babel), script, writing
direction, digits, date format, list patterns and plural rules, and the house's facts
from `publish.language.tables` (furniture words, quotation marks, hyphenation and
justification, the words a headline may be cut before). Every other module asks it;
none keeps a language table of its own. `guess(text)` names the language of a text that
does not say: by its script where the script alone decides (Armenian, Georgian, Hebrew,
Greek, Korean, Japanese, Chinese...), else by a trained identifier (py3langid) among the
languages written in that script, so an English text is never called Azerbaijani.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from publish.errors import InputError
from publish.language import tables
from publish.language.scripts import CASED_SCRIPTS, DIGITS, letter_scripts, runs_right_to_left
from publish.language.tables import DEFAULT

__all__ = ["DEFAULT", "Language", "guess", "normalise_tag", "of"]

#: A BCP 47 tag's shape (RFC 5646, section 2.1): its subtags are then read by babel.
_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{5,8})"
    r"(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<rest>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?)"
)


def normalise_tag(value: str, path: str | None = None, line: int | None = None) -> str:
    """Check a BCP 47 tag and give it its conventional case (`en-GB`, `sr-Latn`)."""
    tag = value.strip().replace("_", "-")
    match = _TAG.fullmatch(tag)
    if match is None:
        raise InputError(
            f"language {value!r} is not a BCP 47 tag",
            path=path,
            line=line,
            hint="use a tag such as en, az, ru, hy or ka",
        )
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    return "-".join(parts) + match["rest"].lower()


@lru_cache(maxsize=256)
def of(tag: str) -> Language:
    """The language of a (normalised) BCP 47 tag; one object per tag, cached."""
    return Language(tag)


@dataclass(frozen=True)
class Language:
    """What publish knows of one language tag; facts are worked out on first use."""

    tag: str

    @cached_property
    def primary(self) -> str:
        return self.tag.split("-", 1)[0].lower()

    @cached_property
    def locale(self) -> Any:
        """The most specific CLDR locale babel has for the tag (`sr-Latn-RS`, `en-GB`),
        by babel's own parsing of each shorter tag; English when it has none."""
        from babel import Locale, UnknownLocaleError

        parts = self.tag.split("-")
        for length in range(len(parts), 0, -1):
            try:
                return Locale.parse("-".join(parts[:length]), sep="-")
            except (UnknownLocaleError, ValueError):
                continue
        return Locale.parse(DEFAULT)

    @cached_property
    def script(self) -> str:
        """The ISO 15924 script the language is written in: the tag's own, else CLDR's
        likely one (`sr` Cyrillic, `az` Latin, `zh` Han)."""
        for part in self.tag.split("-")[1:]:
            if len(part) == 4 and part.isalpha():
                return part.title()
        from babel.core import get_global

        likely_subtags: dict[str, str] = get_global("likely_subtags")
        regions = [part.upper() for part in self.tag.split("-")[1:] if len(part) == 2 and part.isalpha()]
        likely = (regions and likely_subtags.get(f"{self.primary}_{regions[0]}")) or likely_subtags.get(
            self.primary, ""
        )
        found = [part for part in likely.split("_") if len(part) == 4]
        return found[0] if found else "Latn"

    @cached_property
    def rtl(self) -> bool:
        """Written right to left (Arabic, Persian, Hebrew, Urdu...), by its script."""
        return runs_right_to_left(self.script)

    @property
    def direction(self) -> str:
        """`rtl` or `ltr`, as HTML's `dir` and EPUB's page-progression-direction spell it."""
        return "rtl" if self.rtl else "ltr"

    @cached_property
    def cased(self) -> bool:
        """Its script has upper and lower case (small capitals make sense)."""
        return self.script in CASED_SCRIPTS

    def _row(self, table: dict[str, Any]) -> Any:
        """A table's row for the tag, else for a shorter tag, else None."""
        parts = self.tag.split("-")
        for length in range(len(parts), 0, -1):
            row = table.get("-".join(parts[:length]))
            if row is not None:
                return row
        return None

    # --- Furniture and dates ----------------------------------------------------------------

    def label(self, key: str, **values: Any) -> str:
        """A furniture word or phrase (`tables.LABELS`) with its placeholders filled by
        `values` (inserted as they are, never read as a format; numbers in the language's
        digits)."""
        row = self._row(tables.LABELS[key])
        if row is None:
            row = tables.NEUTRAL_FOLIO if key == "folio" else tables.LABELS[key][DEFAULT]
        return str(row).format(**{name: self._value(value) for name, value in values.items()})

    def article_count(self, count: int) -> str:
        """How many articles, "12 articles", "12 статей": by CLDR's plural rule for the number."""
        forms = self._row(tables.ARTICLE_COUNTS)
        if forms is None:
            return of(DEFAULT).article_count(count)
        return str(forms.get(self.locale.plural_form(count), forms["other"])).format(count=self._value(count))

    def number(self, value: int) -> str:
        """A whole number in the language's digits (Persian `۱۲`)."""
        return str(value).translate(str.maketrans(DIGITS["latn"], self.digits))

    def _value(self, value: Any) -> Any:
        return self.number(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @cached_property
    def digits(self) -> str:
        """The ten digits of the language's default numbering system (CLDR): Persian `۰…۹`."""
        return DIGITS.get(str(self.locale.default_numbering_system), DIGITS["latn"])

    def date(self, date: datetime.date) -> str:
        """The long date form of the language (CLDR), in its digits: "21 сентября 2023 г.",
        "۲۱ سپتامبر ۲۰۲۳"."""
        return _long_date(date, self.tag)

    def moment(self, when: datetime.datetime) -> str:
        """A time the sender stamped, in the language's long date, short time and the
        offset it was stamped with (CLDR): "October 21, 2018, 4:25 PM GMT-05:00",
        "21 октября 2018 г., 16:25 GMT-05:00"."""
        from babel import Locale as babel_locale
        from babel.dates import format_time, get_datetime_format, get_timezone_gmt

        time = str(format_time(when, "short", locale=self.locale))
        if when.tzinfo is not None:
            offset = when.utcoffset()
            zone = (
                str(babel_locale.parse(self.locale).zone_formats["gmt"]) % ""  # "GMT", "UTC": CLDR's zero offset
                if not offset
                else get_timezone_gmt(when, "long", locale=self.locale)
            )
            time = f"{time} {zone}"
        if self.digits != DIGITS["latn"]:
            time = time.translate(str.maketrans(DIGITS["latn"], self.digits))
        pattern = str(get_datetime_format("long", locale=self.locale))
        return pattern.replace("{1}", self.date(when.date())).replace("{0}", time)

    def join(self, names: list[str] | tuple[str, ...]) -> str:
        """Names as one phrase ("A and B", "A, B und C"), by CLDR's list patterns."""
        if len(names) < 2:
            return "".join(names)
        from babel.lists import format_list

        return str(format_list(list(names), locale=self.locale))

    # --- Typography ---------------------------------------------------------------------------

    @cached_property
    def quotes(self) -> tuple[str, str, str, str]:
        """Quotation marks: (opening, closing), then for a quotation inside one."""
        return tuple(self._row(tables.QUOTES) or tables.QUOTES[DEFAULT])  # type: ignore[return-value]

    @cached_property
    def spaced_punctuation(self) -> bool:
        """A no-break space inside guillemets and before `; : ! ?` (French)."""
        return self.tag in tables.SPACED_PUNCTUATION or (
            self.primary in tables.SPACED_PUNCTUATION and self._row(tables.QUOTES) is tables.QUOTES[self.primary]
        )

    @cached_property
    def spaced_dash(self) -> str:
        return str(self._row(tables.SPACED_DASH) or "\u2013")

    @cached_property
    def honorifics(self) -> tuple[str, ...]:
        return tuple(self._row(tables.HONORIFICS) or ())

    @cached_property
    def months(self) -> tuple[str, ...]:
        """Month names a day or year number is kept with, in every form CLDR has for them
        (wide and abbreviated, in dates and alone, lower-cased and as written)."""
        names: set[str] = set()
        months = self.locale.months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for name in months.get(context, {}).get(width, {}).values():
                    names |= {name, name.rstrip("."), name.lower(), name.lower().rstrip(".")}
        return tuple(sorted(name for name in names if name))

    # --- Setting lines ------------------------------------------------------------------------

    @cached_property
    def hyphenation(self) -> str:
        """pyphen's dictionary for the tag, or "" where it has none (`en` is American)."""
        import pyphen

        override = tables.HYPHENATION_PATTERNS.get(self.tag)  # the bare tag only: `en-GB` is British
        return str(override or pyphen.language_fallback(self.tag.replace("-", "_")) or "")

    @cached_property
    def hyphenation_minima(self) -> tuple[int, int, int]:
        """(letters before a break, after it, shortest word broken): the house's rule."""
        return tuple(self._row(tables.HYPHENATION_MINIMA) or (2, 3, 6))  # type: ignore[return-value]

    @cached_property
    def justified(self) -> bool:
        """Set justified and hyphenated in print (else ragged-right, hyphenated where it can be)."""
        return bool(self.hyphenation) and self.primary in tables.JUSTIFIED_LANGUAGES

    @cached_property
    def epub_hyphenates(self) -> bool:
        """Reading systems hyphenate it, so the EPUB may justify it."""
        return self.primary in tables.EPUB_HYPHENATED_LANGUAGES

    @cached_property
    def character_indent(self) -> int:
        """How many characters a paragraph's first line is set in, for a language written
        without spaces between words (two in Chinese, one in Japanese: `tables.CHARACTER_INDENT`
        by its script), else 0."""
        return tables.CHARACTER_INDENT.get(self.script, 0)

    @cached_property
    def breaks_between_characters(self) -> bool:
        """Written without spaces between words (Chinese, Japanese; not `zh-Latn`, not Korean):
        a line may break between any two characters, kinsoku kept."""
        return self.character_indent > 0

    # --- What the readers look for ---------------------------------------------------------

    @cached_property
    def verb_final(self) -> bool:
        return self.primary in tables.VERB_FINAL

    @cached_property
    def clause_words(self) -> frozenset[str]:
        return frozenset(tables.CLAUSE_WORDS.get(self.primary, ()))

    @cached_property
    def phrase_words(self) -> frozenset[str]:
        return frozenset(tables.PHRASE_WORDS.get(self.primary, ()))

    @cached_property
    def verb_words(self) -> frozenset[str]:
        return frozenset(tables.VERB_WORDS.get(self.primary, ()))

    @cached_property
    def dangling_words(self) -> frozenset[str]:
        return frozenset(tables.DANGLING_WORDS.get(self.primary, ()))

    @cached_property
    def abbreviations(self) -> frozenset[str]:
        """Words whose full stop ends no sentence: honorifics, abbreviated months, a few more."""
        months = {name.rstrip(".") for name in self.locale.months.get("format", {}).get("abbreviated", {}).values()}
        return frozenset({*self.honorifics, *months, *tables.ABBREVIATIONS.get(self.primary, ())})


@lru_cache(maxsize=1024)
def _long_date(date: datetime.date, tag: str) -> str:
    from babel.dates import format_date

    language = of(tag)
    text = str(format_date(date, format="long", locale=language.locale))
    return text if language.digits == DIGITS["latn"] else text.translate(str.maketrans(DIGITS["latn"], language.digits))


# --- Naming the language of a text that does not say -----------------------------------------

#: Scripts that alone say the language (a text in Armenian letters is Armenian).
SCRIPT_LANGUAGES: dict[str, str] = {
    "Armn": "hy",
    "Geor": "ka",
    "Hebr": "he",
    "Grek": "el",
    "Hang": "ko",
    "Thai": "th",
    "Hira": "ja",
    "Kana": "ja",
    "Hani": "zh",
}
#: Below this probability the identifier's answer is not taken.
GUESS_CONFIDENCE = 0.5


def guess(text: str) -> str | None:
    """The language of `text` when its script or the identifier can tell, else None."""
    counts = letter_scripts(text[:4000])
    if not counts:
        return None
    script, _ = counts.most_common(1)[0]
    if script == "Hani" and (counts["Hira"] or counts["Kana"]):
        return "ja"
    if script in SCRIPT_LANGUAGES:
        return SCRIPT_LANGUAGES[script]
    candidates = _identifier_languages().get(script)
    if not candidates:
        return None
    identifier = _identifier()
    identifier.set_languages(candidates)
    found, probability = identifier.classify(text[:4000])
    return str(found) if probability >= GUESS_CONFIDENCE else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model, loaded once per process (0.7 s), when a text first needs it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _identifier_languages() -> dict[str, list[str]]:
    """The identifier's languages by the script each is written in (CLDR likely subtags)."""
    by_script: dict[str, list[str]] = {}
    for code in sorted(set(_identifier().nb_classes)):
        by_script.setdefault(of(str(code)).script, []).append(str(code))
    return by_script


#: The columns of `facts_table`.
FACTS_COLUMNS = ("tag", "script", "direction", "hyphenation", "print", "EPUB", "quotes", "digits", "date", "furniture")


def facts_table(tags: list[str] | None = None) -> list[tuple[str, ...]]:
    """What each language of the furniture table gets, a row each (the README shows it):
    its script and direction, pyphen's patterns, how the PDF sets it, whether the EPUB
    justifies it, its quotation marks, digits, long date, and its folio as a sample of its
    furniture."""
    day = datetime.date(2024, 5, 14)
    rows = []
    for tag in tags or sorted(tables.LABELS["source"]):
        facts = of(tag)
        rows.append(
            (
                tag,
                facts.script,
                facts.direction,
                facts.hyphenation or "none",
                "justified" if facts.justified else "ragged-right",
                "justified" if facts.epub_hyphenates else "start",
                facts.quotes[0] + "…" + facts.quotes[1],
                facts.digits[:3] + "…",
                facts.date(day),
                facts.label("folio", page=1, total=3),
            )
        )
    return rows
