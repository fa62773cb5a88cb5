"""The archival text format: one module writes it and reads it back, by one header table."""

import datetime
import subprocess
import sys

from conftest import CORPUS, SEED, article_from

from publish import archival
from publish.building.builder import build
from publish.check import check_folder
from publish.model import Collection
from publish.readers import parse


def test_every_written_key_states_a_fact_the_record_reader_knows():
    from publish.model import ITEM_FIELDS, PROVENANCE_FIELDS
    from publish.readers.draft import FACTS

    apart = {key.lower() for key, _ in PROVENANCE_FIELDS + ITEM_FIELDS} | set(archival.NOTE_FACTS) | {"words"}
    assert set(archival.KEYS.values()) - apart <= set(FACTS)
    assert set(archival.NOTE_FACTS) == archival.REPEATED
    assert [key for key, _ in archival.header_fields(article_from(SEED))] == [
        "Title",
        "Date",
        "Dateline",
        "Source",
        "Language",
        "Words",
        "Identifier",
        "Derived",
        "Source-File",
        "Source-SHA256",
        "Source-Encoding",
        "Publish-Version",
    ]
    assert [field.key for field in archival.FIELDS][:20] == [
        "Title",
        "Subtitle",
        "Date",
        "Dateline",
        "Located",
        "Byline",
        "Author",
        "Source",
        "Language",
        "Correction",
        "Note",
        "Words",
        "Slug",
        "Identifier",
        "Derived",
        "Item",
        "Item-Version",
        "Item-Created",
        "Item-Updated",
        "Item-Status",
    ]


def test_a_given_slug_is_written_even_when_it_equals_the_derived_one():
    given = parse("title: T\ndate: 2024-01-02\nslug: 2024-01-02-t\n\nBody.").article
    made = parse("title: T\ndate: 2024-01-02\n\nBody.").article
    assert (given.slug, given.slug_given, made.slug, made.slug_given) == ("2024-01-02-t", True, "2024-01-02-t", False)
    assert given != made
    given_header = archival.write_article(given, 72).split("\n\n")[0].split("\n")
    made_header = archival.write_article(made, 72).split("\n\n")[0].split("\n")
    assert "Slug: 2024-01-02-t" in given_header and not any(line.startswith("Slug:") for line in made_header)
    for article in (given, made):
        assert parse(archival.write_article(article, 72), "edition.txt").article == article


def test_a_digest_holds_one_complete_record_per_article():
    articles = (article_from(SEED), article_from(CORPUS / "armenian.txt"))
    digest = Collection("Daily", "daily", articles, datetime.date(2024, 1, 2))
    records = archival.article_records(archival.write_collection(digest, 72))
    assert [parse(record, "digest.txt").article for record in records] == list(articles)
    assert [archival.stated_identifier(record) for record in records] == [a.identifier for a in articles]


def test_form_problems_name_each_rule_once():
    assert archival.form_problems("Title: T\n\nBody.\n") == []
    assert archival.form_problems("\ufeffTitle: T\r\n\nBody.\n\n") == [
        "starts with a byte order mark",
        "has CR line ends",
        "does not end with exactly one newline",
    ]
    assert archival.form_problems("Title: T \n\nBody.\n") == ["line 1 has trailing spaces"]
    assert archival.form_problems("Title: T\n\n12\u00a0\n000.\n") == []  # a no-break space is content
    assert archival.form_problems("Title: T\n\nBo\u200bdy.\n") == ["line 3 has a tab, control or invisible character"]


def test_check_names_a_record_whose_text_no_longer_matches_its_identifier(tmp_path):
    assert build([SEED], tmp_path, formats=["txt"]).ok
    edition = next(tmp_path.glob("*.txt"))
    stated = archival.stated_identifier(edition.read_text())
    header, body = edition.read_text().split("\n\n", 1)
    edition.write_text(f"{header}\n\n{body.replace('conducted', 'staged', 1)}", encoding="utf-8")
    assert check_folder(tmp_path).problems == [
        f"{edition}: the text of 'Azerbaijan conducted local anti-terrorist activities' no longer matches its "
        f"Identifier {stated}",
        f"{edition}: changed since SHA256SUMS was written",
    ]


def test_the_format_module_loads_no_parser():
    script = "import sys, publish.archival; print('publish.parse' in sys.modules, 'publish.building' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False False"
