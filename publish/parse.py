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
import re
from dataclasses import dataclass, field

from publish.errors import InputError
from publish.model import Article, Dateline, Editorial, Inline, Paragraph, Quotation, Text, make_slug
from publish.typography import smarten

TITLE_MAX = 90
#: Dates outside this range are refused as typos (documented in the README).
YEAR_RANGE = (1800, 2199)

HEADER_KEYS: dict[str, str] = {
    "title": "title", "headline": "title",
    "date": "date",
    "author": "author", "by": "author", "byline": "author",
    "source": "source", "agency": "source",
    "language": "language", "lang": "language",
    "slug": "slug",
    "dateline": "dateline",
    # Written by the plain-text edition; checked or ignored on the way back in.
    "words": "words", "identifier": "identifier",
}

#: News agencies recognised in the lead's "..., X told Trend." self-credit.
AGENCIES: tuple[str, ...] = (
    "Trend", "Reuters", "AFP", "AP", "Associated Press", "Interfax", "TASS", "RIA Novosti",
    "Xinhua", "Anadolu", "APA", "Report", "AzerTac", "Azertac", "Armenpress", "Sputnik",
    "Bloomberg", "dpa", "EFE", "ANSA", "Kyodo", "Yonhap", "PTI", "UNIAN", "Ukrinform",
    "BelTA", "Kazinform", "Interpressnews", "News.am", "Turan", "Caliber", "Day.Az",
)

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY_MONTH = rf"(?:{_MONTH}\.? ?\d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} [^\W\d_]{{3,12}}\.?(?: \d{{4}})?)"
_PLACE_PART = r"[^\W\d_][^,.()\u2014\u2013:\"\u201c\d]{0,40}?"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE_PART}(?:, {_PLACE_PART}){{0,2}}?)"
    rf"(?:,? (?P<date>{_DAY_MONTH}))?"
    r"(?: \((?P<agency>[^()]{2,40})\))?"
    r"(?:\. | ?[\u2014\u2013] | -{1,2} |: )"
)
_SEED_FIRST_LINE = re.compile(r"\s*date\s+(?P<date>\S+)(?:\s+(?P<rest>.*))?", re.IGNORECASE)
_HEADER_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z_-]*)\s*:\s*(?P<value>.*)")
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ][0-9:.+\-Z]*)?")
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_SELF_CREDIT = re.compile(r"\btold (?P<agency>%s)[.,]" % "|".join(re.escape(a) for a in AGENCIES))
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019)]*(?=\s|$)")
_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr St Lt Jr Sr No Gen Sen Rep Gov Col Sgt Capt Prof Jan Feb Mar Apr Jun Jul "
    "Aug Sep Sept Oct Nov Dec vs etc".split()
)
_INLINE_MARK = re.compile(r"[\u201c\u201d\u00ab\u00bb\u201e\[\]]")
_OPENERS: dict[str, tuple[str, str]] = {  # opener -> (closer, kind)
    "\u201c": ("\u201d", "quotation"), "\u00ab": ("\u00bb", "quotation"),
    "\u201e": ("\u201c", "quotation"), "[": ("]", "editorial"),
}
_TITLE_FINAL_PUNCTUATION = tuple(".,;:!\u2026")


@dataclass(frozen=True)
class Parsed:
    """An article and what the parser had to guess to build it."""

    article: Article
    warnings: tuple[str, ...] = ()


@dataclass
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


def parse(text: str, path: str | None = None, default_language: str = "en") -> Parsed:
    """Parse clean article text into an `Article` plus warnings about what was guessed."""
    warnings: list[str] = []
    lines = [line.rstrip() for line in text.split("\n")]
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise InputError("empty article: the file has no text", path=path, line=1)

    header = _Header()
    title: str | None = None
    first_match = _SEED_FIRST_LINE.fullmatch(lines[start])
    header_match = _HEADER_LINE.fullmatch(lines[start])
    if first_match and _ISO_DATE.fullmatch(first_match["date"]) is not None or (
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
    blocks = _blocks(lines, body_start)
    if (not record and "title" not in header.values and len(blocks) > 1
            and _looks_like_title(blocks[0].text)):
        title = blocks.pop(0).text
    if not blocks:
        raise InputError("no paragraphs: the article has no body text", path=path,
                         line=len(lines), hint="separate the header from the body with one blank line")

    date = _article_date(header, None if record else path, [] if record else warnings)
    language = _language(header, blocks, path, default_language, warnings)
    if record:
        dateline, blocks = _stated_dateline(header, blocks, path)
        source = header.values.get("source")
    else:
        dateline, source_from_lead, blocks = _dateline(header, blocks)
        source = header.values.get("source") or source_from_lead or _self_credit(blocks[0].text)

    paragraphs = tuple(Paragraph(parse_inlines(smarten(block.text))) for block in blocks)
    if title is None:
        title = header.values.get("title") or derive_title(paragraphs[0])
    title = smarten(title)
    slug = (make_slug(header.values["slug"], None, undated_prefix=False) if "slug" in header.values
            else make_slug(title, date))
    article = Article(
        title=title, slug=slug, paragraphs=paragraphs, date=date, dateline=dateline,
        author=header.values.get("author"), source=source, language=language, source_path=path,
    )
    given_identifier = header.values.get("identifier")
    if given_identifier and given_identifier != article.identifier:
        warnings.append(f"the Identifier header ({given_identifier}) does not match the text: "
                        f"the article changed since that edition was made")
    return Parsed(article, tuple(warnings))


def _read_header(lines: list[str], start: int, header: _Header, path: str | None,
                 warnings: list[str]) -> int:
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
            raise InputError("expected a `key: value` header line or a blank line", path=path,
                             line=index + 1, hint="put one blank line between the header and the body")
        index += 1
    for key in [key for key, value in header.values.items() if not value]:
        del header.values[key]  # `author:` with nothing after it gives no author
    return index


def _blocks(lines: list[str], start: int) -> list[_Block]:
    """Split lines into paragraphs at blank lines; join hard-wrapped lines."""
    blocks: list[_Block] = []
    current: list[str] = []
    first_line = start
    for index in range(start, len(lines) + 1):
        line = lines[index] if index < len(lines) else ""
        if line.strip():
            if not current:
                first_line = index
            current.append(line)
        elif current:
            blocks.append(_Block(first_line + 1, " ".join(" ".join(current).split())))
            current = []
    return blocks


def _looks_like_title(text: str) -> bool:
    return len(text) <= 200 and not text.endswith(_TITLE_FINAL_PUNCTUATION) and not (
        text.endswith(("\"", "\u201d", "\u2019", "'")) and text[:-1].endswith(_TITLE_FINAL_PUNCTUATION)
    )


def _article_date(header: _Header, path: str | None, warnings: list[str]) -> datetime.date | None:
    value = header.values.get("date")
    if value is None:
        found = _FILENAME_DATE.search(path or "")
        if found:
            return parse_date(found.group(0), path, None)
        warnings.append("no date given: the article is published undated "
                        "(add a `date: YYYY-MM-DD` header line)")
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
        raise InputError(f"date {value} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}: probably a typo",
                         path=path, line=line)
    return date


def _dateline(header: _Header, blocks: list[_Block]) -> tuple[Dateline | None, str | None, list[_Block]]:
    """Take the dateline off the front of the lead (or from the header)."""
    lead = blocks[0]
    given = header.values.get("dateline")
    if given:
        dateline = _split_dateline(given)
        prefix = dateline.lead_in + " "
        if lead.text.startswith(prefix) and len(lead.text) > len(prefix):
            blocks = [_Block(lead.line, lead.text[len(prefix):]), *blocks[1:]]
        return dateline, None, blocks
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
    blocks = [_Block(lead.line, lead.text[match.end():]), *blocks[1:]]
    return Dateline(place=place, date_text=match["date"]), match["agency"], blocks


def _stated_dateline(header: _Header, blocks: list[_Block],
                     path: str | None) -> tuple[Dateline | None, list[_Block]]:
    """A complete record's dateline: the header's, set in front of the lead, or none."""
    given = header.values.get("dateline")
    if not given:
        return None, blocks
    dateline = _split_dateline(given)
    prefix = dateline.lead_in + " "
    lead = blocks[0]
    if not lead.text.startswith(prefix) or len(lead.text) <= len(prefix):
        raise InputError(f"the lead does not begin with the stated dateline {dateline.lead_in!r}",
                         path=path, line=lead.line, hint="the body was edited: restore the dateline")
    return dateline, [_Block(lead.line, lead.text[len(prefix):]), *blocks[1:]]


def _is_lower(char: str) -> bool:
    """Lower case, not counting Georgian Mkhedruli, which news text uses as caseless."""
    return char.islower() and not "\u10d0" <= char <= "\u10ff"


def _split_dateline(text: str) -> Dateline:
    found = re.fullmatch(rf"(?P<place>.+?),? (?P<date>{_DAY_MONTH})\.?", text)
    if found:
        return Dateline(place=found["place"], date_text=found["date"])
    return Dateline(place=text.rstrip("."))


def _self_credit(lead: str) -> str | None:
    match = _SELF_CREDIT.search(lead)
    return match["agency"] if match else None


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """Split a paragraph into text, quotations and editorial insertions.

    A closer only closes the innermost open run of its kind; an unclosed quotation runs
    to the end of the paragraph (news style for quotes spanning paragraphs); an unclosed
    bracket is plain text.
    """
    if _INLINE_MARK.search(text) is None:
        return (Text(text),) if text else ()
    root: list[Inline] = []
    stack: list[tuple[str, str, list[Inline]]] = []  # (closer, kind, children)
    position = 0

    def add_text(children: list[Inline], chunk: str) -> None:
        if not chunk:
            return
        if children and isinstance(children[-1], Text):
            children[-1] = Text(children[-1].text + chunk)
        else:
            children.append(Text(chunk))

    for match in _INLINE_MARK.finditer(text):
        mark = match.group()
        children = stack[-1][2] if stack else root
        add_text(children, text[position:match.start()])
        position = match.end()
        if stack and mark == stack[-1][0]:
            closer, kind, inner = stack.pop()
            add_text(inner, mark)
            node: Inline = Quotation(tuple(inner)) if kind == "quotation" else Editorial(tuple(inner))
            (stack[-1][2] if stack else root).append(node)
        elif mark in _OPENERS:
            closer, kind = _OPENERS[mark]
            stack.append((closer, kind, [Text(mark)]))
        else:
            add_text(children, mark)
    add_text(stack[-1][2] if stack else root, text[position:])
    while stack:
        _, kind, inner = stack.pop()
        parent = stack[-1][2] if stack else root
        if kind == "quotation":
            parent.append(Quotation(tuple(inner), closed=False))
        else:
            for child in inner:
                if isinstance(child, Text):
                    add_text(parent, child.text)
                else:
                    parent.append(child)
    return tuple(root)


def derive_title(lead: Paragraph) -> str:
    """The lead's first sentence without editorial insertions, cut at a word boundary to
    at most `TITLE_MAX` characters (an ellipsis marks a cut)."""
    text = " ".join(_without_editorial(lead.runs).split())
    text = re.sub(r"\s+([,;:.])", r"\1", text)
    sentence = _first_sentence(text).strip() or text.strip() or "Untitled"
    if len(sentence) <= TITLE_MAX:
        return sentence
    cut = sentence.rfind(" ", 0, TITLE_MAX)
    head = sentence[: cut if cut > 0 else TITLE_MAX - 1].rstrip(" ,;:\u2014\u2013-")
    return head + "\u2026"


def _first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        word = text[: end.start()].rsplit(" ", 1)[-1]
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()) or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word):
            continue
        return text[: end.start()]
    return text


def _without_editorial(runs: tuple[Inline, ...]) -> str:
    return "".join(
        "" if isinstance(run, Editorial) else run.text if isinstance(run, Text) else
        _without_editorial(run.children)
        for run in runs
    )


_SCRIPTS: tuple[tuple[str, str, str], ...] = (  # (first, last, language)
    ("\u0530", "\u058f", "hy"), ("\u10a0", "\u10ff", "ka"), ("\u1c90", "\u1cbf", "ka"),
    ("\u0400", "\u04ff", "ru"), ("\u0370", "\u03ff", "el"), ("\u0590", "\u05ff", "he"),
    ("\u0600", "\u06ff", "ar"), ("\u0900", "\u097f", "hi"),
)
#: Letters Persian writes and Arabic does not (پ چ ژ گ, Persian yeh and kaf, Persian
#: digits), against Arabic's own yeh and kaf (ي ك): the more frequent side decides.
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9\u06f0-\u06f9]")
_ARABIC_ONLY = re.compile("[\u064a\u0643]")


def _language(header: _Header, blocks: list[_Block], path: str | None, default: str,
              warnings: list[str]) -> str:
    given = header.values.get("language")
    if given:
        return normalise_language(given, path, header.lines.get("language"))
    guessed = guess_language(" ".join(block.text for block in blocks[:5]))
    if guessed and guessed != default:
        warnings.append(f"no language given: guessed {guessed!r} from the script "
                        f"(add a `language:` header line to be sure)")
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
        raise InputError(f"language {value!r} is not a BCP 47 tag", path=path, line=line,
                         hint="use a tag such as en, az, ru, hy or ka")
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(out)
