"""Headlines for articles that have none: the lead's first sentence, cut as an editor would.

`derive_title` takes the lead paragraph as filed and gives the headline the editions are
published under, in the article's language: never cut inside a number (`400,000`,
`1,5 млрд`), a quotation, a parenthesis or a list of names; in a language whose verb
comes last the verb is kept. Each language's clause and phrase words are a row of a table.
"""

from __future__ import annotations

import re

from publish.language import DEFAULT, Language, of
from publish.language.tables import JOINING_WORDS, NOT_AFTER
from publish.model import Editorial, Inline, Paragraph, Text
from publish.readers.agencies import credits
from publish.readers.lexing import quote_marks

#: A derived headline aims at this many characters (PDF, cover and metadata set it large)...
TITLE_AIM = (40, 90)
TITLE_MAX = TITLE_AIM[1]
#: ... and is never shorter than this when it ends at a natural boundary.
TITLE_MIN = 20
VERB_FINAL_MAX = 110


_SENTENCE_END = re.compile(r"[.!?\u2026\u0589\u0964\u3002\uff01\uff1f][\"\u201d\u2019\u00bb)]*(?=\s|$)")
#: Breaking whitespace (a no-break space joins, and stays).
_BREAKING = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def derive_title(lead: Paragraph, language: str = DEFAULT) -> str:
    """A headline from the lead's first sentence, as an editor would cut it.

    The sentence loses its editorial insertions, a trailing agency credit (", ... told Trend")
    and its final full stop. If it is still longer than `TITLE_MAX` (`VERB_FINAL_MAX` in a
    verb-final language, whose verb a cut would drop), it ends at a natural boundary, never
    inside a quotation, a parenthesis or a number: within `TITLE_AIM`, the latest one before
    punctuation (an editorial insertion, a comma, semicolon, colon or dash), else before a
    word that opens a clause (`CLAUSE_WORDS`), else before one that opens a phrase
    (`PHRASE_WORDS`) when what stays has its verb (`VERB_WORDS`); then punctuation down to
    `TITLE_MIN` or up to `TITLE_LONG` (`VERB_FINAL_LONG`). Only when there is no boundary
    at all is it cut at a word and marked "…".
    """
    facts = of(language)
    sentence = _first_sentence(_with_insertion_marks(lead.runs), facts).strip()
    sentence = _without_credit(sentence)
    if not _clean_title(sentence):
        return _clean_title(_with_insertion_marks(lead.runs)) or "Untitled"
    verb_final = facts.verb_final
    limit = VERB_FINAL_MAX if verb_final else TITLE_MAX
    whole = _clean_title(sentence)
    if len(whole) <= limit:
        return whole
    # Only a prefix can hold a cut short enough: looking further would cost time in the
    # sentence's length squared for nothing.
    boundaries = _boundaries(sentence[:_BOUNDARY_REACH], facts)
    if verb_final:  # a word cut would drop the verb: only a clause's punctuation will do
        boundaries = [(cut, rank) for cut, rank in boundaries if rank == PUNCTUATION]
    verbs = facts.verb_words
    heads = [
        (head, rank)
        for cut, rank in boundaries
        if (head := _clean_title(sentence[:cut]))
        and not (rank == PHRASE and verbs and not verbs & set(head.lower().split()))
    ]
    for shortest, longest, rank in (
        (TITLE_AIM[0], TITLE_MAX, PUNCTUATION),
        (TITLE_AIM[0], TITLE_MAX, CLAUSE),
        (TITLE_AIM[0], TITLE_MAX, PHRASE),
        (TITLE_MIN, TITLE_MAX, PUNCTUATION),
        (TITLE_MAX, VERB_FINAL_LONG if verb_final else TITLE_LONG, PUNCTUATION),
    ):
        fitting = [head for head, found in heads if shortest <= len(head) <= longest and found == rank]
        if fitting:
            return max(fitting, key=len) if longest == TITLE_MAX else min(fitting, key=len)
    cut = whole.rfind(" ", 0, TITLE_MAX)
    head = whole[: cut if cut > 0 else TITLE_MAX - 1]
    dangling = facts.dangling_words
    while head.rsplit(" ", 1)[-1].lower() in dangling and head.count(" ") > 2:
        head = head[: head.rfind(" ")]  # "... the next meeting…", not "... the next meeting of…"
    return head.rstrip(" ,;:\u2014\u2013-") + "\u2026"


#: How strong a boundary is: punctuation, a clause-opening word, a phrase-opening word.
PUNCTUATION, CLAUSE, PHRASE = 0, 1, 2
#: A headline cut at punctuation may run this long when no shorter cut will do; in a
#: verb-final language longer still: a long headline with its verb beats one without.
TITLE_LONG = VERB_FINAL_MAX
VERB_FINAL_LONG = 150


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
    """A headline's text: insertions out (with the space they leave before punctuation),
    breaking whitespace as one space, no boundary punctuation at the end."""
    text = re.sub(r" *\x00+ *(?=[,;:.])", "", text)
    text = _BREAKING.sub(" ", text.replace(_INSERTION, " ")).strip(" ")
    return text.rstrip(" ,;:\u2014\u2013-")


def _without_credit(sentence: str) -> str:
    """Drop a closing agency credit and the attribution clause it ends (", X told Trend")."""
    credit = next(credits(sentence, reverse=True), None)
    if credit is None or sentence[credit.end() :].strip(' .\u0589\u201d"') or credit.start() == 0:
        return sentence
    comma = max(sentence.rfind(",", 0, credit.start()), sentence.rfind(" \u2014 ", 0, credit.start()))
    head = sentence[:comma] if comma > 0 else sentence
    return head if len(_clean_title(head)) >= TITLE_MIN else sentence


def _boundaries(sentence: str, language: Language) -> list[tuple[int, int]]:
    """Where a headline may end in `sentence`: offsets outside quotations and parentheses
    before an insertion, a clause punctuation mark (not a comma or full stop inside a
    number) or a dash; and, weak, before a clause-opening word that does not follow a
    preposition ("in which") nor join two names ("Armenia and Azerbaijan"), or before a
    word that opens a phrase ("against a decision")."""
    clause_words, phrase_words = language.clause_words, language.phrase_words
    marks = quote_marks(sentence)  # straight quotes as the curly marks they stand for
    cuts: list[tuple[int, int]] = []
    open_marks: list[str] = []
    for index, char in enumerate(marks):
        if open_marks and char == _CLOSERS_OF[open_marks[-1]]:
            open_marks.pop()
        elif char in _CLOSERS_OF:
            open_marks.append(char)
        elif open_marks:
            continue
        elif char in ",;:" + _INSERTION or _DASH_BOUNDARY.match(sentence, index):
            if not (char in ",." and _between_digits(sentence, index)):
                cuts.append((index, PUNCTUATION))
        elif char == " ":
            word = _WORD.match(sentence, index + 1)
            previous = sentence[sentence.rfind(" ", 0, index) + 1 : index]
            if word is None or (len(previous) <= 3 and previous.isalpha() and previous.islower()):
                continue
            if word.group() in clause_words:
                following = sentence[word.end() + 1 : word.end() + 2]
                joins_names = previous[:1].isupper() and following.isupper() and word.group() in JOINING_WORDS
                if previous.lower() not in NOT_AFTER.get(word.group(), ()) and not joins_names:
                    cuts.append((index, CLAUSE))
            elif word.group() in phrase_words and not previous[:1].isupper():
                cuts.append((index, PHRASE))
    return cuts


def _between_digits(text: str, index: int) -> bool:
    """A comma or full stop inside a number (`400,000`, `1,5`, `1.200`)."""
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def _first_sentence(text: str, language: Language) -> str:
    for end in _SENTENCE_END.finditer(text):
        word = text[text.rfind(" ", 0, end.start()) + 1 : end.start()]
        initials = (len(word) == 1 and word.isupper()) or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word)
        if word in language.abbreviations or initials:
            continue
        return text[: end.start()]
    return text
