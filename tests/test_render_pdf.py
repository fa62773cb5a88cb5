import io

import pytest
from pypdf import PdfReader

from conftest import CORPUS, SEED, article_from, assert_words_in_order
from publish.render.pdf import render_pdf


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


@pytest.mark.parametrize("path", [SEED, CORPUS / "russian.txt", CORPUS / "armenian.txt",
                                  CORPUS / "georgian.txt", CORPUS / "azerbaijani.txt", CORPUS / "markup.txt"],
                         ids=lambda p: p.name)
def test_pdf_embeds_fonts_and_keeps_every_word(path):
    article = article_from(path)
    reader = PdfReader(io.BytesIO(render_pdf(article)))
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), fonts
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert_words_in_order(article.title.split(), text)
    assert_words_in_order(article.words, text)


def test_pdf_is_reproducible(seed_article):
    assert render_pdf(seed_article) == render_pdf(seed_article)


def test_pdf_metadata(seed_article):
    reader = PdfReader(io.BytesIO(render_pdf(seed_article)))
    assert reader.metadata.title == seed_article.title
