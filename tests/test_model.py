import datetime
import json

from conftest import CORPUS, article_from

from publish.model import Article, Paragraph, Text


def test_to_dict_is_json_and_complete(seed_article):
    data = json.loads(json.dumps(seed_article.to_dict()))
    assert data["date"] == "2023-09-21"
    assert data["dateline"] == {
        "filed": "BAKU, Azerbaijan, September 21.",
        "place": "BAKU, Azerbaijan",
        "date_text": "September 21",
        "agency": None,
    }
    assert data["identifier"].startswith("urn:uuid:")
    assert len(data["blocks"]) == 7
    assert data["blocks"][0]["type"] == "paragraph" and data["blocks"][0]["runs"][1]["type"] == "editorial"


def test_identifier_depends_on_content_only(seed_article):
    same = article_from(CORPUS / "header_block.txt")
    again = article_from(CORPUS / "header_block.txt")
    assert same.identifier == again.identifier
    assert same.identifier != seed_article.identifier
    moved = Article(title="T", slug="a", blocks=(Paragraph((Text("x"),)),), source_path="a.txt")
    renamed = Article(title="T", slug="b", blocks=(Paragraph((Text("x"),)),), source_path="b.txt")
    edited = Article(title="T", slug="a", blocks=(Paragraph((Text("y"),)),))
    assert moved.identifier == renamed.identifier != edited.identifier


def test_article_is_immutable(seed_article):
    import dataclasses

    import pytest

    with pytest.raises(dataclasses.FrozenInstanceError):
        seed_article.title = "changed"  # type: ignore[misc]


def test_words_include_dateline(seed_article):
    assert seed_article.words[:5] == ("BAKU,", "Azerbaijan,", "September", "21.", "Azerbaijan")
    assert seed_article.date == datetime.date(2023, 9, 21)
