"""Draft -> Article: the one place that settles what every input format shares.

Each reader hands over what its input states (`publish.readers.draft.Draft`); here, and
nowhere else, the article's date, language, dateline, source, creators, headline and slug
are settled, by the same rules for every format. A complete record (the archival text
edition, publish's own ninjs) states them all: nothing is guessed for it. The body's text
is never changed: the dateline is cut from the lead exactly as filed, and runs are made
from the text as sent.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass

from publish.errors import InputError
from publish.language import DEFAULT, guess, normalise_tag
from publish.model import (
    NOTE_KINDS,
    Article,
    Block,
    BlockQuote,
    Creator,
    Dateline,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Separator,
    make_slug,
)
from publish.readers.agencies import agency_name, credited, find_dateline, read_byline
from publish.readers.draft import Draft, DraftBlock, Piece
from publish.readers.headlines import derive_title
from publish.readers.lexing import Span, nesting_warning, parse_date, runs_of

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
#: Facts the assembler may derive or guess, as the model lists them.
_DERIVABLE = ("title", "date", "source", "language")


@dataclass(frozen=True)
class Parsed:
    """An article and what had to be guessed, repaired or dropped to read it."""

    article: Article
    warnings: tuple[str, ...] = ()


def assemble(draft: Draft, default_language: str = DEFAULT) -> Parsed:
    """The article `draft` describes, and every warning its reading gave."""
    warnings = list(draft.warnings)
    path = draft.path
    if not draft.blocks:
        raise InputError(
            "no paragraphs: the article has no body text",
            path=path,
            line=draft.last_line,
            hint=draft.advice.get("body", "separate the header from the body with one blank line"),
        )
    derived: set[str] = set()
    if draft.record and draft.value("derived"):
        derived |= _stated_derived(draft)
    blocks = list(draft.blocks)
    language = _language(draft, blocks, default_language, derived, warnings)
    dateline, located, blocks = _dateline(draft, blocks)
    creators, byline, byline_agency = _creators(draft)
    source = draft.value("source")
    if source is None and not draft.record:
        agency = dateline.agency if dateline is not None and dateline.agency else byline_agency
        source = agency_name(agency) if agency else credited(_lead_text(blocks))
        if source is not None:
            derived.add("source")
    date = _date(draft, derived, warnings)
    body = tuple(_block(block, warnings) for block in blocks)
    title = draft.value("title")
    if title is None:
        lead = next((block for block in body if isinstance(block, Paragraph)), None)
        title = derive_title(lead or Paragraph(_first_runs(body[0])), language)
        derived.add("title")
    slug_given = draft.value("slug")
    if slug_given and draft.dated_slug:  # the dated slug is the given one: the text edition records it
        slug = make_slug(slug_given, date)
    elif slug_given:
        slug = make_slug(slug_given, None, undated_prefix=False)
    else:
        slug = make_slug(title, date)
    article = Article(
        title=title,
        slug=slug,
        slug_given=slug_given is not None,
        blocks=body,
        date=date,
        dateline=dateline,
        located=located,
        creators=creators,
        byline=byline,
        source=source,
        language=language,
        source_path=path,
        derived=frozenset(derived),
        provenance=draft.provenance,
        item=draft.item,
        # Corrections first, then editorial notes, each in the item's order: the order every
        # edition writes them in, so an edition read back is the same article.
        notes=tuple(sorted(draft.notes, key=lambda note: NOTE_KINDS.index(note.kind))),
        subtitle=draft.value("subtitle"),
    )
    stated = draft.value("identifier")
    if draft.record and stated is not None and stated != article.identifier:
        warnings.append(
            f"the Identifier header ({stated}) does not match the text: the article changed since that edition was made"
        )
    return Parsed(article, tuple(warnings))


def _stated_derived(draft: Draft) -> set[str]:
    names = set(draft.value("derived").replace(",", " ").split())  # type: ignore[union-attr]
    unknown = names - set(_DERIVABLE)
    if unknown:
        raise InputError(
            f"Derived names unknown fields: {', '.join(sorted(unknown))}",
            path=draft.path,
            line=draft.line("derived"),
            hint=f"known: {', '.join(_DERIVABLE)}",
        )
    return names


def _language(draft: Draft, blocks: list[DraftBlock], default: str, derived: set[str], warnings: list[str]) -> str:
    given = draft.value("language")
    if given:
        return normalise_tag(given, draft.path, draft.line("language"))
    if not draft.record:
        derived.add("language")
    text = " ".join(piece.text for block in blocks[:5] for piece in block.pieces)
    guessed = guess(text)
    if guessed and guessed != default:
        advice = draft.advice.get("language", "add a `language:` header line to be sure")
        warnings.append(f"no language given: guessed {guessed!r} from the text ({advice})")
        return guessed
    return default


def _lead_text(blocks: list[DraftBlock]) -> str:
    return blocks[0].pieces[0].text if blocks and blocks[0].kind == "paragraph" else ""


def _dateline(draft: Draft, blocks: list[DraftBlock]) -> tuple[Dateline | None, str | None, list[DraftBlock]]:
    """The dateline as it opens the lead (cut from it, exactly as filed), and the place the
    metadata names when the lead has none."""
    given = draft.value("dateline")
    located = draft.value("located")
    lead = _lead_text(blocks)
    dateline = None
    # A stated dateline as it opens the lead (one written without its stop, as publish
    # once wrote them, `BAKU, Azerbaijan, September 21` for `... 21.`, closes with it).
    stops = ("", ".", "\u0589", "\u0964")
    filed = next((given + stop for stop in stops if given and lead.startswith(given + stop + " ")), None)
    if filed is not None and len(lead) > len(filed) + 1:
        found = find_dateline(lead)
        # The lead's own dateline when it is the stated one, or the stated one with the
        # stop the lead files it with ("PARIS, 7 déc 2026 (AFP)" and its " -").
        dateline = found if found is not None and found.filed.startswith(filed) else _stated(filed)
    elif given and draft.record:
        raise InputError(
            f"the lead does not begin with the stated dateline {given!r}",
            path=draft.path,
            line=blocks[0].line,
            hint="the body was edited: restore the dateline",
        )
    elif lead and not draft.record:
        located = located or given
        dateline = find_dateline(lead)
    if dateline is None:
        return None, located, blocks
    if located is not None and located.casefold() == dateline.place.casefold():
        located = None  # the metadata names the place the lead's dateline names: once is enough
    return dateline, located, [_without_prefix(blocks[0], len(dateline.filed) + 1), *blocks[1:]]


def _stated(filed: str) -> Dateline:
    """A dateline stated by the input that the dateline forms do not read: all place."""
    found = find_dateline(filed + " .")
    if found is not None and found.filed == filed:
        return found
    return Dateline(filed=filed, place=filed.rstrip(".\u0589\u0964:\u2014\u2013- "))


def _without_prefix(block: DraftBlock, length: int) -> DraftBlock:
    """The lead without its first `length` characters (the dateline and its space), the
    sender's markup spans moved with the text."""
    piece = block.pieces[0]
    spans = tuple(
        Span(max(span.start - length, 0), span.end - length, span.kind, span.href)
        for span in piece.spans
        if span.end > length
    )
    return DraftBlock("paragraph", [Piece(piece.text[length:], spans, piece.line)])


def _creators(draft: Draft) -> tuple[tuple[Creator, ...], str | None, str | None]:
    """(creators, the byline as filed, the agency the byline credits). A byline that is
    no more than the one name it gives is not kept beside it: the name is the byline."""
    byline = draft.value("byline")
    agency = None
    if draft.creators is not None:
        creators = draft.creators
    elif byline is None:
        return (), None, None
    else:
        read = read_byline(byline, prefix_required=False)
        creators, agency = (read.creators, read.agency) if read is not None else ((Creator(byline.strip()),), None)
    if byline is not None and len(creators) == 1 and byline.strip() == creators[0].name:
        byline = None
    return creators, byline, agency


def _date(draft: Draft, derived: set[str], warnings: list[str]) -> datetime.date | None:
    value = draft.value("date")
    if value is not None:
        return parse_date(value, draft.path, draft.line("date"))
    if draft.record:
        return None
    # The file's own name only: a folder's name (archive-2020-01-01/) is not the article's.
    found = _FILENAME_DATE.search(os.path.basename(draft.path or ""))
    if found:
        derived.add("date")
        return parse_date(found.group(0), draft.path, None)
    advice = draft.advice.get("date", "add a `date: YYYY-MM-DD` header line")
    warnings.append(f"no date given: the article is published undated ({advice})")
    return None


def _block(block: DraftBlock, warnings: list[str]) -> Block:
    """A model block from a draft one: runs made from the text as sent."""
    if block.kind == "separator":
        return Separator(block.pieces[0].text)
    runs = [_runs(piece, warnings) for piece in block.pieces]
    if block.kind == "heading":
        return Heading(runs[0], block.level)
    if block.kind == "list":
        return ListBlock(tuple(ListItem(item) for item in runs), block.ordered, block.marker, block.start)
    if block.kind == "quote":
        return BlockQuote(tuple(Paragraph(paragraph) for paragraph in runs))
    return Paragraph(runs[0])


def _runs(piece: Piece, warnings: list[str]) -> tuple[Inline, ...]:
    runs = runs_of(piece.text, piece.spans)
    warning = nesting_warning(runs, piece.line)
    if warning is not None:
        warnings.append(warning)
    return runs


def _first_runs(block: Block) -> tuple[Inline, ...]:
    """Runs to derive a headline from when the story has no paragraph (a list, a heading)."""
    if isinstance(block, (Heading, Paragraph)):
        return block.runs
    if isinstance(block, ListBlock):
        return block.items[0].runs
    if isinstance(block, BlockQuote):
        return block.paragraphs[0].runs
    return ()
