from __future__ import annotations

import datetime
import hashlib

import pytest
from conftest import BAD, CORPUS, SEED, article_from

from publish import __version__
from publish.errors import InputError, PublishError
from publish.model import Editorial, Quotation, Text, make_slug
from publish.readers import parse
from publish.readers.headlines import derive_title
from publish.readers.lexing import parse_inlines
from publish.readers.source import read_source

SEED_TEXT = SEED.read_bytes().decode("utf-8")


def test_seed_parses_exactly(seed_article):
    article = seed_article
    assert article.date == datetime.date(2023, 9, 21)
    assert article.dateline is not None
    assert article.dateline.place == "BAKU, Azerbaijan"
    assert article.dateline.date_text == "September 21"
    assert len(article.blocks) == 7
    assert article.language == "en"
    assert article.source == "Trend"
    assert article.author is None
    assert article.title == "Azerbaijan conducted local anti-terrorist activities"
    assert article.derived == frozenset({"title", "source", "language"})
    assert article.slug == "2023-09-21-azerbaijan-conducted-local-anti-terrorist-activities"
    assert article.source_path == str(SEED)
    provenance = article.provenance
    assert provenance is not None and provenance.name == str(SEED)
    assert provenance.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert (provenance.encoding, provenance.how, provenance.version) == ("utf-8", "detected", __version__)

    lead = article.blocks[0]
    assert lead.text.startswith("Azerbaijan conducted local")
    editorials = [run for run in lead.runs if isinstance(run, Editorial)]
    assert len(editorials) == 1
    assert editorials[0].children == (
        Text(
            "[which haven't been withdrawn from the country's Karabakh region contrary to the "
            "trilateral statement signed by Azerbaijani, Armenian and Russian leaders following the "
            "2020 second Karabakh war]"
        ),
    )
    quotes = [run for p in article.blocks for run in p.runs if isinstance(run, Quotation)]
    assert len(quotes) == 4 and all(q.closed for q in quotes)
    assert article.blocks[4].text.endswith('Yevlakh city," the official said')  # the wire's straight quotes, kept


def test_seed_loses_and_duplicates_no_text(seed_article):
    """Every source word comes back once, in order, exactly as sent."""
    source_words = SEED_TEXT.replace("date 2023-09-21", "", 1).split()
    model_words = " ".join(seed_article.body_texts()).split()
    assert model_words == source_words


def test_title_first_article():
    parsed = parse(read_source((CORPUS / "title_first.txt").read_bytes()).text, "title_first.txt")
    article = parsed.article
    assert article.title == "Georgia opens a new border crossing with Armenia"
    assert article.date is None and any("undated" in w for w in parsed.warnings)
    assert article.slug == "undated-georgia-opens-a-new-border-crossing-with-armenia"
    assert article.dateline.place == "TBILISI, Georgia" and article.dateline.date_text == "March 3"
    assert len(article.blocks) == 3
    # Hard-wrapped lines joined, typography applied.
    assert "Georgia on Friday opened a new border crossing with Armenia, the country's" in article.blocks[0].text
    assert article.blocks[2].text.endswith("for cars -- at least until the end of the year...")  # as filed


def test_date_from_file_name_when_no_header():
    article = parse("A headline\n\nSome body text here.", "wire/2022-11-05-story.txt").article
    assert article.date == datetime.date(2022, 11, 5)
    assert article.slug == "2022-11-05-a-headline"


def test_header_block_article():
    article = article_from(CORPUS / "header_block.txt")
    assert article.title == "Armenia and Azerbaijan agree to meet on border commission"
    assert article.date == datetime.date(2024, 4, 19)
    assert article.author == "Leyla Mammadova"
    assert article.source == "Trend"
    assert article.language == "en"
    assert article.dateline.place == "YEREVAN, Armenia"
    assert len(article.blocks) == 3
    assert any(isinstance(run, Editorial) for run in article.blocks[0].runs)
    assert "didn't" in article.blocks[1].text


def test_header_values_fold_and_slug_is_cleaned():
    text = "title: A very long\n  headline folded\nslug: ../../etc/passwd\ndate: 2024-01-01\n\nBody."
    article = parse(text).article
    assert article.title == "A very long headline folded"
    assert article.slug == "etc-passwd"


@pytest.mark.parametrize(
    "name, language, place",
    [
        ("azerbaijani.txt", "az", "BAKI"),
        ("russian.txt", "ru", "БАКУ"),
        ("armenian.txt", "hy", "ԵՐԵՎԱՆ"),
        ("georgian.txt", "ka", "თბილისი"),
    ],
)
def test_non_latin_articles(name, language, place):
    article = article_from(CORPUS / name)
    assert article.language == language
    assert article.slug.isascii() and len(article.slug) <= 80
    assert article.dateline is not None and article.dateline.place == place
    assert any(isinstance(run, Editorial) for p in article.blocks for run in p.runs)


def test_language_guessed_from_script():
    parsed = parse("Заголовок\n\nМОСКВА, 5 мая. Текст статьи на русском языке.")
    assert parsed.article.language == "ru"
    assert any("guessed 'ru'" in w for w in parsed.warnings)


def test_inline_runs_nest_and_stay_lossless():
    text = "\u201cHe [Aliyev] said \u00abyes\u00bb,\u201d she wrote [unclosed and \u201copen"
    runs = parse_inlines(text)
    assert "".join(_leaves(runs)) == text
    quote = runs[0]
    assert isinstance(quote, Quotation) and quote.closed
    assert any(isinstance(child, Editorial) for child in quote.children)
    assert isinstance(runs[-1], Quotation) and not runs[-1].closed


def _leaves(runs):
    for run in runs:
        if isinstance(run, Text):
            yield run.text
        else:
            yield from _leaves(run.children)


def test_derived_title_without_a_boundary_is_cut_at_a_word():
    lead = parse_inlines("Word " * 40 + "end.")
    from publish.model import Paragraph

    title = derive_title(Paragraph(lead))
    assert title == "Word " * 17 + "Word\u2026"
    short = derive_title(Paragraph(parse_inlines("Mr. Smith went to Washington. Then home.")))
    assert short == "Mr. Smith went to Washington"


def test_slug_rules():
    date = datetime.date(2024, 1, 2)
    assert make_slug("Ərdoğan: «Шах и мат»!", date) == "2024-01-02-erdogan-shakh-i-mat"
    long = make_slug("word " * 40, date)
    assert len(long) <= 80 and long.startswith("2024-01-02-word-") and not long.endswith("-")
    assert make_slug("///", None) == "undated-article"


@pytest.mark.parametrize(
    "name, line, message",
    [
        ("empty.txt", 1, "empty article"),
        ("whitespace.txt", 1, "empty article"),
        ("no_paragraphs.txt", 3, "no paragraphs"),
        ("impossible_date.txt", 1, "2023-02-30 does not exist"),
        ("undecodable.txt", 3, "not valid UTF-8"),
        ("image.txt", 1, "PNG image"),
    ],
)
def test_bad_input_raises_publish_error_with_place(name, line, message):
    with pytest.raises(PublishError) as caught:
        article_from(BAD / name)
    error = caught.value
    assert error.path == str(BAD / name)
    assert error.line == line
    assert message in str(error)
    assert str(error).startswith(f"{BAD / name}:{line}: ")


@pytest.mark.parametrize("value", ["2023-9-21", "21/09/2023", "tomorrow"])
def test_malformed_dates(value):
    with pytest.raises(InputError, match="malformed date"):
        parse(f"date: {value}\ntitle: T\n\nBody text.", "x.txt")


def test_header_without_blank_line_is_an_error():
    with pytest.raises(InputError) as caught:
        parse("title: T\nThe body starts without a blank line.", "x.txt")
    assert caught.value.line == 2


#: (paragraphs as filed, paragraphs as parsed, lines named in warnings)
BREAKS: list[tuple[str, list[str], list[int]]] = [
    (
        "China overtook Japan to become the world's\n\neconomic power number two in 2010.",
        ["China overtook Japan to become the world's economic power number two in 2010."],
        [7],
    ),
    (
        "Прошла встреча министров\n\nиностранных дел двух стран.",
        ["Прошла встреча министров иностранных дел двух стран."],
        [7],
    ),
    ("Ընդունվել է նոր\n\nօրենք։", ["Ընդունվել է նոր օրենք։"], [7]),
    # Kept: the first ends a sentence; the second begins in upper case; Georgian has no case.
    ("The talks ended.\n\nand then what?", ["The talks ended.", "and then what?"], []),
    ("The talks ended without\n\nA deal", ["The talks ended without", "A deal"], []),
    ("მოლაპარაკებები დასრულდა\n\nშეთანხმების გარეშე.", ["მოლაპარაკებები დასრულდა", "შეთანხმების გარეშე."], []),
    ("He said:\n\nthe talks ended.", ["He said:", "the talks ended."], []),
]


@pytest.mark.parametrize("body, paragraphs, lines", BREAKS)
def test_paragraph_repair(body, paragraphs, lines):
    parsed = parse(f"title: T\ndate: 2024-01-02\nlanguage: en\n\n{body}\n", "wire.txt")
    assert [paragraph.text for paragraph in parsed.article.blocks] == paragraphs
    joined = [warning for warning in parsed.warnings if "joined to the paragraph before" in warning]
    assert joined == [
        f"line {line}: joined to the paragraph before, which ends without punctuation while "
        f"this one begins in lower case (a stray blank line?); `keep-breaks: yes` keeps such breaks"
        for line in lines
    ]


def test_keep_breaks_header_and_parameter():
    body = "China overtook Japan to become the world's\n\neconomic power number two."
    for article in (
        parse(f"title: T\nkeep-breaks: yes\n\n{body}").article,
        parse(f"title: T\n\n{body}", keep_breaks=True).article,
    ):
        assert len(article.blocks) == 2
    assert len(parse(f"title: T\nkeep-breaks: no\n\n{body}").article.blocks) == 1
    with pytest.raises(InputError, match="keep-breaks: 'maybe' is not yes or no") as caught:
        parse(f"title: T\nkeep-breaks: maybe\n\n{body}", "x.txt")
    assert caught.value.line == 2


def test_derived_fields_are_recorded():
    parsed = parse(
        "No headline here, said the minister on a long day of talks in the capital city.\n", "wire/2022-11-05-story.txt"
    )
    assert parsed.article.derived == frozenset({"title", "date", "language"})
    stated = parse("title: T\ndate: 2022-11-05\nlanguage: en\nsource: AP\n\nBody, he told Trend.").article
    assert stated.derived == frozenset() and stated.source == "AP"


def test_provenance_headers_are_only_read_in_a_record():
    parsed = parse("title: T\nSource-SHA256: " + "0" * 64 + "\n\nBody.", "x.txt")
    assert parsed.article.provenance is None
    assert (
        "line 2: header 'Source-SHA256' is only read in a text edition (one with an Identifier); ignored"
        in parsed.warnings
    )


@pytest.mark.parametrize(
    "lines, message",
    [
        (["Source-SHA256: " + "0" * 64], "incomplete provenance: no Source-Encoding, Publish-Version"),
        (["Source-SHA256: xyz", "Source-Encoding: utf-8 (detected)", "Publish-Version: 1"], "not a SHA-256"),
        (["Source-SHA256: " + "0" * 64, "Source-Encoding: utf-8", "Publish-Version: 1"], "is not .codec .how.."),
        (["Derived: title, mood"], "Derived names unknown fields: mood"),
    ],
)
def test_a_damaged_record_is_an_error(lines, message):
    text = "\n".join(["Title: T", "Language: en", "Identifier: urn:uuid:0", *lines, "", "Body."])
    with pytest.raises(InputError, match=message) as caught:
        parse(text, "edition.txt")
    assert caught.value.line == 4
