import io
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import CORPUS, SEED, article_from, assert_words_in_order
from publish.errors import InputError
from publish.options import RenderOptions
from publish.parse import parse
from publish.render.pdf import preflight, render_pdf


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Font name -> embedded, for every font on every page (descendants included)."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts", []):
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            embedded = any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                           for d in descriptors)
            found[str(font["/BaseFont"])] = embedded
    return found


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("path", [SEED, CORPUS / "russian.txt", CORPUS / "armenian.txt",
                                  CORPUS / "georgian.txt", CORPUS / "azerbaijani.txt", CORPUS / "markup.txt"],
                         ids=lambda p: p.name)
def test_pdf_embeds_fonts_and_keeps_every_word(path):
    article = article_from(path)
    reader, text = read(render_pdf(article))
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), fonts
    assert all("+" in name for name in fonts), "fonts must be subsets"
    assert_words_in_order(article.title.split(), text)
    assert_words_in_order(article.words, text)


def test_seed_page_furniture_and_metadata(seed_article):
    reader, text = read(render_pdf(seed_article))
    meta = reader.metadata
    assert meta.title == seed_article.title
    assert meta.author == "Trend"
    assert meta.subject == "BAKU, Azerbaijan, September 21 — Trend"
    assert "Trend" in meta["/Keywords"] and seed_article.identifier in meta["/Keywords"]
    assert meta.creator.startswith("publish ") and meta.producer == "publish (reportlab)"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20230921000000+00'00'"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [entry.title for entry in reader.outline] == [seed_article.title]
    assert "1 of 1" in text and "Source: Trend" in text
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)


def test_long_article_has_running_heads_and_scales_with_length():
    paragraph = "The committee met again on Tuesday to discuss the budget for the coming year. " * 6
    short = parse("title: Budget talks\ndate: 2024-03-01\nsource: Trend\n\n" + "\n\n".join([paragraph] * 60)).article
    long = parse("title: Budget talks\ndate: 2024-03-01\nsource: Trend\n\n" + "\n\n".join([paragraph] * 240)).article
    short_reader, _ = read(render_pdf(short))
    long_reader, long_text = read(render_pdf(long))
    short_pages, long_pages = len(short_reader.pages), len(long_reader.pages)
    assert 3.5 <= long_pages / short_pages <= 4.5
    assert long_pages >= 20
    second = long_reader.pages[1].extract_text()
    assert "Budget talks" in second and "2024-03-01" in second and f"2 of {long_pages}" in second
    first = long_reader.pages[0].extract_text()
    assert f"1 of {long_pages}" in first


def test_every_promised_currency_sign_is_covered_by_the_shipped_chain():
    article = parse("title: Prices\ndate: 2024-03-01\n\nIt costs 5 ₼, 100 ֏, 3 €, 2 £, 1 $, 90 ₽, 30 ₺ "
                    "or 2.7 ₾; in Ərəb, Ελλάδα, Россия, Հայաստան, საქართველო.").article
    assert preflight(article, RenderOptions()) == ()
    reader, text = read(render_pdf(article))
    fonts = fonts_of(reader)
    assert all(fonts.values()), fonts  # every font embedded
    # One shipped family for every script: no fallback font is needed at all.
    assert {name.split("+")[-1] for name in fonts} == {
        "PublishSerif-Regular", "PublishSerif-Bold", "PublishSerif-Italic"}
    for sign in "₼֏€£$₽₺₾":
        assert sign in text


def test_characters_no_shipped_font_has_are_one_warning_or_a_strict_error():
    # Thai: a script no shipped font has (Arabic, Hebrew and Devanagari are shipped now).
    article = parse("title: Prices\ndate: 2024-03-01\n\nThe word \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35 costs 5 ₼ today.").article
    warnings = preflight(article, RenderOptions())
    assert warnings == ("5 characters in no font of the PDF (\u0e14 U+0E14, \u0e27 U+0E27, \u0e2a U+0E2A, "
                        "\u0e31 U+0E31, \u0e35 U+0E35): the PDF shows a blank box for them",)
    with pytest.raises(InputError, match="U\\+0E35"):
        preflight(article, RenderOptions(strict=True))


def test_covered_text_gives_no_warning(seed_article):
    for path in (SEED, CORPUS / "armenian.txt", CORPUS / "georgian.txt", CORPUS / "azerbaijani.txt"):
        assert preflight(article_from(path), RenderOptions()) == ()


def test_monstrous_words_are_refused():
    article = parse("title: T\ndate: 2024-03-01\n\nStart " + "x" * 5000 + " end.").article
    with pytest.raises(InputError, match="5,000 characters"):
        preflight(article, RenderOptions())


def test_paper_sizes(seed_article):
    letter, _ = read(render_pdf(seed_article, RenderOptions(paper="Letter")))
    assert letter.pages[0].mediabox.width == pytest.approx(612)
    us = parse("title: T\ndate: 2024-03-01\nlanguage: en-US\n\nBody text.").article
    auto, _ = read(render_pdf(us, RenderOptions(paper="auto")))
    assert auto.pages[0].mediabox.height == pytest.approx(792)


def test_font_option(seed_article):
    reader, text = read(render_pdf(seed_article, RenderOptions(font="DejaVu Sans")))
    assert all("DejaVuSans" in name for name in fonts_of(reader))
    assert_words_in_order(seed_article.words, text)


def _in_subprocess(tmp_path, name, env):
    out = tmp_path / name
    script = ("import sys, pathlib; from publish.build import read_article; from publish.render.pdf import render_pdf;"
              "a = read_article(pathlib.Path(sys.argv[1])).article;"
              "open(sys.argv[2], 'wb').write(render_pdf(a))")
    subprocess.run([sys.executable, "-c", script, str(SEED), str(out)], check=True,
                   env={**os.environ, **env}, timeout=120)
    return out.read_bytes()


def test_pdf_is_reproducible_across_time_zones(tmp_path, seed_article):
    utc = _in_subprocess(tmp_path, "a.pdf", {"TZ": "UTC"})
    east = _in_subprocess(tmp_path, "b.pdf", {"TZ": "Pacific/Kiritimati"})
    # reportlab itself reads SOURCE_DATE_EPOCH; the renderer must only follow its options.
    stray = _in_subprocess(tmp_path, "c.pdf", {"TZ": "America/Los_Angeles", "SOURCE_DATE_EPOCH": "1"})
    assert utc == east == stray == render_pdf(seed_article)


def test_source_date_epoch_option_sets_dates(seed_article):
    reader, _ = read(render_pdf(seed_article, RenderOptions(source_date_epoch=1700000000)))
    assert reader.metadata["/CreationDate"] == "D:20231114221320+00'00'"


def test_very_long_paragraph_is_laid_out_in_pieces_without_losing_text():
    from publish.model import plain_text
    from publish.render.pdf import _layout_chunks

    words = [f"w{i}." if i % 11 == 0 else f"w{i}" for i in range(12_000)]
    article = parse("title: T\ndate: 2024-01-01\n\n\u201c" + " ".join(words) + " [note] end.\u201d").article
    runs = article.paragraphs[0].runs
    chunks = _layout_chunks(runs)
    assert len(chunks) > 10
    assert "".join(plain_text(chunk) for chunk in chunks) == article.paragraphs[0].text
    reader, text = read(render_pdf(article))
    assert_words_in_order(article.words, text)


def test_headlines_never_break_across_pages_and_runaway_titles_still_render():
    from publish.render.pdf import _Headline, _Kit

    kit = _Kit.make("en", RenderOptions())
    headline = _Headline("A headline of ordinary length for a news story", kit.styles["headline"],
                         "A headline", "k", in_contents=True)
    assert headline.split(400, 20) == []
    runaway = parse("title: " + "Very long headline words " * 120 + "\ndate: 2024-01-01\n\nBody text.").article
    reader, text = read(render_pdf(runaway))
    assert len(reader.pages) >= 2
    assert_words_in_order(runaway.title.split() + list(runaway.words), text)


def test_digest_whose_headlines_meet_page_ends():
    from publish.model import Collection
    from publish.render.pdf import render_collection_pdf

    articles = tuple(
        parse(f"title: Story {n} about the budget talks in the capital city\ndate: 2024-03-{n % 28 + 1:02}\n\n"
              + "\n\n".join(["The committee met again to discuss the budget. " * (3 + n % 7)] * (1 + n % 5))).article
        for n in range(40))
    reader, _ = read(render_collection_pdf(Collection("Digest", "digest", articles)))
    assert len(reader.outline) == 40
