"""The ninjs edition, the ninjs reader and the news-metadata table.

Every ninjs edition is validated against the IPTC's own JSON Schema (a copy in
tests/standards/) with format checking (uri, date-time) switched on; agency fixtures in
tests/corpus/ninjs/ are realistic 1.x, 2.x and 3.x documents.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import CORPUS, GOOD_CORPUS, ROOT, SEED
from hypothesis import HealthCheck, given, settings
from test_properties import article_texts, parse_or_none

from publish.archive import verify_manifest
from publish.building.builder import build
from publish.digest import collect
from publish.errors import InputError
from publish.metadata import FIELDS, NAMESPACES, article_metadata, field, ninjs_lookup, terms
from publish.model import Editorial, Item, Note, Quotation
from publish.options import RenderOptions
from publish.readers import read_article, read_bytes
from publish.render.epub import render_epub
from publish.render.ninjs import render_ninjs
from publish.render.pdf import render_pdf

NINJS = CORPUS / "ninjs"
STANDARDS = ROOT / "tests" / "standards"
INPUTS = [SEED, *GOOD_CORPUS]
AGENCY = sorted(NINJS.glob("*.json"))


def read_ninjs(data: bytes, name: str):
    """A ninjs document's bytes read as a file of that name is."""
    return read_bytes(data, Path(name))


def validator(version: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((STANDARDS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_errors(data: bytes, version: str = "2.2") -> list[str]:
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator(version).iter_errors(json.loads(data))
    ]


def test_the_validator_checks_formats():
    """The schema's `format: uri` and `date-time` are checked (needs rfc3986-validator and
    rfc3339-validator), so a valid edition is not valid by omission."""
    assert schema_errors(b'{"uri": "not a uri", "versioncreated": "2024-01-01"}') == [
        "['uri']: 'not a uri' is not a 'uri'",
        "['versioncreated']: '2024-01-01' is not a 'date-time'",
    ]


@pytest.mark.parametrize("path", INPUTS + AGENCY, ids=lambda p: p.name)
def test_every_ninjs_edition_is_valid_ninjs_2_2(path):
    assert schema_errors(render_ninjs(read_article(path).article)) == []


@pytest.mark.parametrize(
    ("path", "version"), [(NINJS / "de_dpa_2x.json", "2.2"), (NINJS / "en_wire_3x.json", "3.1")], ids=str
)
def test_agency_fixtures_are_valid_in_their_own_version(path, version):
    assert schema_errors(path.read_bytes(), version) == []


def test_the_edition_of_a_full_article():
    data = render_ninjs(read_article(CORPUS / "header_block.txt").article)
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    document = json.loads(data)
    # The wire's own characters (straight quotes, apostrophes), as the text edition keeps them.
    plain = (
        "YEREVAN, Armenia, April 19. The deputy prime ministers of Armenia and Azerbaijan agreed to hold "
        "the next meeting of the border delimitation commission [the twelfth since 2022] in May, officials "
        'said.\n\n"We have agreed on the sequence of the work," the Armenian side said in a '
        "statement. It didn't give the venue.\n\nThe commission's work has drawn criticism from "
        "residents of border villages in the Tavush region."
    )
    html = (
        '<p><span class="dateline">YEREVAN, Armenia, April 19.</span> The deputy prime ministers of Armenia '
        "and Azerbaijan agreed to hold the next meeting of the border delimitation commission "
        '<span class="editorial">[the twelfth since 2022]</span> in May, officials said.</p>\n'
        '<p><span class="quotation">"We have agreed on the sequence of the work,"</span> the '
        "Armenian side said in a statement. It didn't give the venue.</p>\n"
        "<p>The commission's work has drawn criticism from residents of border villages in the Tavush "
        "region.</p>"
    )
    assert document == {
        "uri": "urn:uuid:28a0b461-cbb9-5241-b3ee-5f4a35cf7cb9",
        "standard": {
            "name": "ninjs",
            "version": "2.2",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
        },
        "type": "text",
        "representationtype": "full",
        "profile": "publish-article",
        "language": "en",
        "contentcreated": "2024-04-19T00:00:00Z",
        "firstcreated": "2024-04-19T00:00:00Z",
        "versioncreated": "2024-04-19T00:00:00Z",
        "headlines": [{"role": "main", "value": "Armenia and Azerbaijan agree to meet on border commission"}],
        "slugline": "2024-04-19-armenia-and-azerbaijan-agree-to-meet-on-border-commission",
        "by": "Leyla Mammadova",
        "people": [{"name": "Leyla Mammadova", "rel": "writer"}],
        "located": "YEREVAN, Armenia",
        "copyrightholder": "Trend",
        "infosources": [{"name": "Trend"}],
        "bodies": [
            {"role": "main", "contenttype": "text/plain", "charcount": 406, "wordcount": 67, "value": plain},
            {"role": "main", "contenttype": "text/html", "charcount": 406, "wordcount": 67, "value": html},
        ],
    }
    # A fixed order, not a sorted one: identity first, body last.
    assert list(document)[:3] == ["uri", "standard", "type"] and list(document)[-1] == "bodies"


def test_the_edition_is_reproducible_utf8_and_the_same_as_inspect():
    article = read_article(CORPUS / "russian.txt").article
    data = render_ninjs(article)
    assert data == render_ninjs(read_article(CORPUS / "russian.txt").article)
    assert "\u0411\u0410\u041a\u0423".encode() in data  # БАКУ as UTF-8, not \u escapes
    shown = subprocess.run(
        [sys.executable, "-m", "publish", "inspect", str(CORPUS / "russian.txt"), "--format", "ninjs"],
        capture_output=True,
        cwd=ROOT,
        check=True,
    )
    assert shown.stdout == data
    plain = subprocess.run(
        [sys.executable, "-m", "publish", "inspect", str(CORPUS / "russian.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(plain.stdout) == {**article.to_dict(), "source_path": str(CORPUS / "russian.txt")}


def test_an_undated_article_has_no_dates_and_markup_is_escaped():
    undated = json.loads(render_ninjs(read_article(CORPUS / "title_first.txt").article))
    assert [key for key in undated if "created" in key] == []
    markup = json.loads(render_ninjs(read_article(CORPUS / "markup.txt").article))
    html = markup["bodies"][1]["value"]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="editorial">[with &lt;i&gt;markup&lt;/i&gt; &amp; more]</span>' in html
    assert markup["copyrightholder"] == "Test & Co <wire>"


# Reading what agencies send ---------------------------------------------------------------


def test_german_2x_with_an_html_body():
    parsed = read_article(NINJS / "de_dpa_2x.json")
    article = parsed.article
    assert parsed.warnings == ()
    assert (article.title, article.date.isoformat(), article.language, article.author, article.source) == (
        "Bahnstreik legt Fernverkehr weitgehend lahm",
        "2024-03-12",
        "de",
        "Anna Schneider",
        "dpa",
    )
    assert article.slug == "2024-03-12-verkehr-bahn-streik"
    assert article.dateline.filed == "Berlin (dpa) -"  # the dateline as filed, the agency credited
    assert article.located is None  # `located` names the dateline's own place: once is enough
    assert next(article.body_texts()).startswith("Berlin (dpa) - Der Streik")
    assert [type(block).__name__ for block in article.blocks] == ["Paragraph", "Paragraph", "Heading", "Paragraph"]
    assert [block.text for block in article.blocks] == [
        "Der Streik der Lokf\u00fchrergewerkschaft GDL hat am Dienstagmorgen den Fernverkehr der "
        "Deutschen Bahn weitgehend zum Erliegen gebracht. Nur etwa jeder f\u00fcnfte Zug fahre, teilte das "
        "Unternehmen mit.",
        "\u201eWir bedauern die Einschr\u00e4nkungen f\u00fcr unsere Fahrg\u00e4ste sehr\u201c, sagte eine "
        "Bahnsprecherin. Der GDL-Vorsitzende sprach dagegen von einem \u201enotwendigen Signal\u201c an den "
        "Vorstand.",
        "Pendler weichen aus",
        "Auf den Autobahnen rund um Berlin, Hamburg & M\u00fcnchen bildeten sich lange Staus. Die Gewerkschaft "
        "will den Ausstand [nach eigenen Angaben] bis Mittwochabend fortsetzen.",
    ]  # the figure's caption and the script are not body text
    quotes = [run for run in article.blocks[1].runs if isinstance(run, Quotation)]
    assert [quote.children[0].text for quote in quotes] == [
        "\u201eWir bedauern die Einschr\u00e4nkungen f\u00fcr unsere Fahrg\u00e4ste sehr\u201c",
        "\u201enotwendigen Signal\u201c",
    ]
    assert isinstance(article.blocks[3].runs[1], Editorial)


def test_norwegian_1x_superdesk_shape():
    article = read_article(NINJS / "no_ntb_1x.json").article
    assert (article.title, article.date.isoformat(), article.language, article.author, article.source) == (
        "Storbrann i trehusbebyggelse i Bergen",
        "2024-02-08",
        "nb",
        "Ola Nordmann",
        "NTB",
    )
    assert article.slug == "2024-02-08-brann-bergen"
    assert article.dateline is None and article.located == "Bergen"  # from `located`: not in the lead
    assert article.lead_in == "Bergen."  # the reading editions set it before the lead
    assert [paragraph.text for paragraph in article.blocks] == [
        "Brannvesenet fikk melding om brannen like f\u00f8r klokka 14 torsdag. Flere hus st\u00e5r i full fyr, "
        "og naboer er evakuert.",
        "\u2013 Vi har mannskaper fra fire stasjoner p\u00e5 stedet, sier innsatsleder Kari Hansen til NTB.",
        "Hun ber folk i omr\u00e5det holde vinduer og d\u00f8rer lukket.",  # after <br><br>
        "\u00abDet er en sv\u00e6rt krevende situasjon med sterk vind\u00bb, skriver politiet p\u00e5 X.",
    ]
    assert isinstance(article.blocks[3].runs[0], Quotation)


def test_english_3x_wire_story_with_a_plain_text_body():
    article = read_article(NINJS / "en_wire_3x.json").article
    assert (article.title, article.date.isoformat(), article.language, article.author, article.source) == (
        "Bank of England holds rates at 5.25% for a second month",
        "2023-11-30",
        "en-GB",
        "Jane Carter",
        "Example Wire",
    )
    assert article.dateline.filed == "LONDON, Nov 30 (Example Wire) -"  # as filed, not rewritten
    assert [paragraph.text for paragraph in article.blocks] == [
        'The Bank of England kept interest rates at 5.25% on Thursday, saying it was "too early" '
        "to think about cuts while inflation stayed well above its 2% target.",
        "The Monetary Policy Committee voted 6-3 to hold, with three members [Haskel, Greene and Mann] again "
        "backing a rise.",
        '"Monetary policy is likely to need to be restrictive for an extended period of time," '
        "Governor Andrew Bailey said... Markets had priced in a hold.",
    ]


def test_the_item_is_read_with_its_version_status_times_and_embargo():
    """The item a ninjs document is a version of: its uri, version, status, first and
    version times (in RFC 3339, offsets as stamped) and embargo; whether to publish is the
    builder's decision, not the reader's (no warning here)."""
    document = json.loads((NINJS / "en_wire_3x.json").read_text(encoding="utf-8"))
    document.update(
        version="4",
        pubStatus="withheld",
        firstCreated="2023-11-30T22:15:00+0000",
        versionCreated="20231201T061500-0500",
        embargoedUntil="2023-12-01T07:00:00Z",
        edNote="CORRECTS spelling of the minister's name\nEds: moves on the business wire",
    )
    parsed = read_ninjs(json.dumps(document).encode(), "embargo.json")
    assert parsed.article.item == Item(
        id=document["uri"],
        version=4,
        created="2023-11-30T22:15:00Z",
        updated="2023-12-01T06:15:00-05:00",
        status="withheld",
        embargo="2023-12-01T07:00:00Z",
    )
    assert parsed.article.notes == (
        Note("CORRECTS spelling of the minister's name", "correction"),
        Note("Eds: moves on the business wire", "editorial"),
    )
    assert parsed.warnings == ()


def test_a_minimal_1x_item_html_reduced_undated_and_cleaned():
    document = {
        "uri": "tag:example.com,2024:1",
        "headline": "Zero\u200bwidth headline",
        "body_html": "<div>One<br>line<br/><br/>Two &lt;b&gt; &#x263A;</div><ul><li>Three</li></ul>"
        "<style>p {}</style><!-- comment --><figure><figcaption>Caption</figcaption></figure>",
    }
    parsed = read_ninjs(json.dumps(document).encode("utf-16"), "item.json")
    assert [block.texts() for block in parsed.article.blocks] == [("One line",), ("Two <b> \u263a",), ("Three",)]
    assert parsed.article.title == "Zerowidth headline"
    assert parsed.warnings == (
        "removed 1 zero-width character (U+200B)",
        "no date given: the article is published undated (no contentcreated, firstcreated or versioncreated)",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "x.json: not a ninjs document: the JSON is nested too deeply"),
        (
            '{"uri": "u", "body_text": "caf\u00e9"}'.encode("latin-1"),
            "x.json:1: not utf-8 text at byte 30: a ninjs file is JSON in UTF-8",
        ),
        (
            b'{"uri": "u",\n "language": "english please", "body_text": "x."}',
            "x.json:2: `language` 'english please' is not a BCP 47 tag (hint: use a tag such as en, az, ru, hy or ka)",
        ),
        (b'{"uri": "u", "bodies": "text"}', "x.json:1: `bodies` must be a list, not a string"),
        (b"null", "x.json:1: not a ninjs document: the JSON is null, not an object"),
    ],
)
def test_hostile_json_is_one_clear_error(data, message):
    with pytest.raises(InputError) as caught:
        read_ninjs(data, "x.json")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("syntax.json", "syntax.json:5: not valid JSON: Expecting ',' delimiter (column 1)"),
        ("list.json", "list.json:1: not a ninjs document: the JSON is a list, not an object"),
        (
            "not_ninjs.json",
            "not_ninjs.json:1: not a ninjs document: it has no `uri` "
            "(hint: every ninjs item has a uri; is this the right file?)",
        ),
        ("picture.json", "picture.json:3: a ninjs picture item, not a text article"),
        ("headline_list.json", "headline_list.json:4: `headlines[].value` must be a string, not a list"),
        (
            "no_body.json",
            "no_body.json:5: no body text: the ninjs has no `bodies` (or `body_text`, `body_html`) with text",
        ),
        (
            "impossible_date.json",
            "impossible_date.json:4: `versioncreated` date 2023-02-30T10:00:00Z does not exist "
            "(day is out of range for month)",
        ),
    ],
)
def test_bad_ninjs_is_one_clear_error(name, message):
    with pytest.raises(InputError) as caught:
        read_article(NINJS / "bad" / name)
    assert str(caught.value) == f"{NINJS / 'bad'}/{message}"


def test_bad_ninjs_on_the_command_line_is_one_line_and_exit_1():
    result = subprocess.run(
        [sys.executable, "-m", "publish", "inspect", str(NINJS / "bad" / "syntax.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr == f"{NINJS / 'bad' / 'syntax.json'}:5: error: not valid JSON: Expecting ',' delimiter "
        "(column 1)\n"
    )


# Round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", INPUTS + AGENCY, ids=lambda p: p.name)
def test_publishs_own_ninjs_reads_back_to_the_same_article(path, tmp_path):
    article = read_article(path).article
    edition = tmp_path / f"{article.slug}.json"
    edition.write_bytes(render_ninjs(article))
    parsed = read_article(edition)
    again = parsed.article
    # The same article: content, identifier, slug. (Where it was read from and which
    # fields were derived are the archival text edition's record, not ninjs's.)
    assert again.content_dict() == article.content_dict()
    assert again.identifier == article.identifier and again.slug == article.slug
    assert parsed.warnings == ()
    options = RenderOptions()
    assert render_epub(again, options) == render_epub(article, options)
    assert render_pdf(again, options) == render_pdf(article, options)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_texts())
def test_generated_articles_round_trip_through_ninjs(text):
    """Any article, through either body (plain text, or the HTML alone), reads back the same
    and is valid ninjs."""
    article = parse_or_none(text)
    if article is None:
        return
    data = render_ninjs(article)
    assert schema_errors(data) == []
    assert read_ninjs(data, "generated.json").article.content_dict() == article.content_dict()
    document = json.loads(data)
    document["bodies"] = document["bodies"][1:]
    assert read_ninjs(json.dumps(document).encode(), "generated.json").article.content_dict() == article.content_dict()


def test_own_ninjs_with_only_the_html_body_reads_back_the_same():
    """The HTML body alone carries the article too: the dateline span, the escaped text."""
    for path in (CORPUS / "header_block.txt", CORPUS / "markup.txt", SEED):
        article = read_article(path).article
        document = json.loads(render_ninjs(article))
        document["bodies"] = document["bodies"][1:]
        assert read_ninjs(json.dumps(document).encode(), "html.json").article.content_dict() == article.content_dict()


def test_an_edited_own_ninjs_says_it_changed():
    article = read_article(CORPUS / "header_block.txt").article
    document = json.loads(render_ninjs(article))
    for body in document["bodies"]:  # the HTML body is the one read (the richer)
        body["value"] = body["value"].replace("in May", "in June")
    parsed = read_ninjs(json.dumps(document).encode(), "edited.json")
    assert "in June" in parsed.article.blocks[0].text
    assert parsed.warnings == (
        f"the Identifier header ({article.identifier}) does not match the text: "
        "the article changed since that edition was made",
    )


# Builds and digests ------------------------------------------------------------------------


def test_build_writes_ninjs_only_when_asked_and_lists_it_in_sha256sums(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in (*AGENCY, CORPUS / "header_block.txt"):
        shutil.copy(path, inputs / path.name)
    out = tmp_path / "out"
    report = build([inputs], out, formats=["txt", "ninjs"])
    assert report.ok and len(report.results) == 4  # folders give their *.json files too
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        ".publish-state.sqlite",
        ".publish.lock",
        "2023-11-30-bank-of-england-holds-rates-at-5-25-for-a-second-month.json",
        "2023-11-30-bank-of-england-holds-rates-at-5-25-for-a-second-month.txt",
        "2024-02-08-brann-bergen.json",
        "2024-02-08-brann-bergen.txt",
        "2024-03-12-verkehr-bahn-streik.json",
        "2024-03-12-verkehr-bahn-streik.txt",
        "2024-04-19-armenia-and-azerbaijan-agree-to-meet-on-border-commission.json",
        "2024-04-19-armenia-and-azerbaijan-agree-to-meet-on-border-commission.txt",
        "SHA256SUMS",
    ]
    assert sorted(verify_manifest(out).checked) == [name for name in names if name[0].isdigit()]
    for path in out.glob("2*.json"):
        assert schema_errors(path.read_bytes()) == []
    default = build([CORPUS / "header_block.txt"], tmp_path / "default")
    assert sorted(path.suffix for path in (tmp_path / "default").glob("2*")) == [".epub", ".pdf", ".txt"]
    assert default.ok


def test_a_digest_is_a_ninjs_package_with_associations(tmp_path):
    written = collect(AGENCY, tmp_path, "Morning wire", date=datetime.date(2024, 3, 12), formats=["ninjs"]).written
    assert [path.name for path in written] == ["2024-03-12-morning-wire.json"]
    data = written[0].read_bytes()
    assert schema_errors(data) == []
    document = json.loads(data)
    assert (document["type"], document["profile"], document["headlines"]) == (
        "composite",
        "publish-digest",
        [{"role": "main", "value": "Morning wire"}],
    )
    assert [item["name"] for item in document["associations"]] == [
        "2023-11-30-bank-of-england-holds-rates-at-5-25-for-a-second-month",
        "2024-02-08-brann-bergen",
        "2024-03-12-verkehr-bahn-streik",
    ]
    with pytest.raises(InputError, match="a ninjs package \\(type composite\\), not one article"):
        read_article(written[0])


# The metadata table ------------------------------------------------------------------------


def test_every_ninjs_path_of_the_table_is_written():
    """The table and the writer agree: each fact of a full article is where the table says."""
    article = read_article(CORPUS / "header_block.txt").article
    document = json.loads(render_ninjs(article))
    facts = article_metadata(article)
    assert sorted(facts) == sorted(item.name for item in FIELDS)
    for item in FIELDS:
        for path in item.ninjs:
            found = ninjs_lookup(document, path)
            expected = facts[item.name]
            if item.name == "date":
                expected = f"{expected}T00:00:00Z"
            assert found and set(found) == {expected}, (item.name, path, found)


def test_the_table_names_real_prefixes_and_answers_lookups():
    for vocabulary in ("opf", "xmp"):
        for _, term in terms(vocabulary):
            assert term.split(":")[0] in NAMESPACES, term
    assert [(item.name, term) for item, term in terms("opf")][:3] == [
        ("identifier", "dc:identifier"),
        ("title", "dc:title"),
        ("language", "dc:language"),
    ]
    assert field("source").ninjs3 == ("infoSources[].name", "copyrightHolder")
    with pytest.raises(KeyError):
        field("urgency")


def test_the_readme_documents_the_table_as_it_is():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## ninjs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]

    def cell(names: tuple[str, ...] | str | None) -> str:
        return ", ".join(f"`{name}`" for name in ((names,) if isinstance(names, str) else names or ()))

    expected = [
        " | ".join([item.name, cell(item.ninjs), cell(item.opf), cell(item.xmp), cell(item.schema_org)])
        for item in FIELDS
    ]
    assert rows == [f"| {row} |".replace("|  |", "| |").replace("|  |", "| |") for row in expected]


def test_one_mapping_table_serves_ninjs_the_opf_and_the_xmp(seed_article):
    """Every fact of publish.metadata's table that a vocabulary can hold is in that edition,
    under the table's name for it, with the same value."""
    import io
    import zipfile

    from publish.metadata import article_metadata, terms

    facts = article_metadata(seed_article)
    opf = zipfile.ZipFile(io.BytesIO(render_epub(seed_article))).read("EPUB/content.opf").decode()
    for item, term in terms("opf"):
        if term.startswith("schema:") and item.name in facts:
            assert f'<meta property="{term}">{facts[item.name]}</meta>' in opf, term
    pdf = render_pdf(seed_article)
    packet = pdf[pdf.index(b"<x:xmpmeta") : pdf.index(b"</x:xmpmeta>")].decode()
    for item, term in terms("xmp"):
        if item.name in facts:
            assert (
                f"<{term}>" in packet and str(facts[item.name]) in packet.split(f"<{term}>")[1].split(f"</{term}>")[0]
            ), term
    document = json.loads(render_ninjs(seed_article))
    assert document["located"] == facts["place"] == "BAKU, Azerbaijan"


def test_own_ninjs_keeps_whether_the_slug_was_chosen(tmp_path):
    """A slug made from the title reads back as made (no Slug line), a chosen one as chosen."""
    from publish.render.text import render_text

    chosen = tmp_path / "chosen.txt"
    chosen.write_text("title: Budget talks\ndate: 2024-03-01\nslug: budget-special\n\nTalks went on.\n")
    for path in (SEED, CORPUS / "header_block.txt", chosen):
        article = read_article(path).article
        edition = tmp_path / f"{article.slug}.json"
        edition.write_bytes(render_ninjs(article))
        again = read_article(edition).article
        assert again.slug == article.slug and again.slug_given == article.slug_given
        assert (b"\nSlug: " in render_text(again)) == (b"\nSlug: " in render_text(article)) == article.slug_given


def test_the_text_edition_of_a_ninjs_item_carries_provenance_and_the_item():
    """The same Source-File, Source-SHA256, encoding and version lines as a text input's,
    and the item's id and version: and read back, it is the same article with them."""
    from publish.render.text import render_text

    path = NINJS / "de_dpa_2x.json"
    article = read_article(path).article
    header = render_text(article).decode().split("\n\n", 1)[0]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "Source-File:" in header  # a long checkout path continues on the next line: compared as read back
    assert hashlib.sha256(path.read_bytes()).hexdigest() in header
    assert "Source-Encoding: utf-8 (detected)" in header and "Publish-Version: " in header
    assert f"Item: {document['uri']}" in header
    back = read_bytes(render_text(article), Path("edition.txt")).article
    assert (back.item, back.provenance) == (article.item, article.provenance)
    assert back.provenance is not None and back.provenance.name == str(path)
