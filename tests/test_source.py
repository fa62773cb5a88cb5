import codecs

import pytest

from publish.errors import InputError
from publish.readers.source import clean_text, read_source

TEXT = "Президент заявил: «переговоры продолжатся». Café déjà vu — ok."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings(data, encoding):
    source = read_source(data)
    assert source.text == TEXT and source.encoding == encoding and not source.warnings


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Президент Азербайджана заявил, что переговоры продолжатся на следующей неделе.", "cp1251"),
        ("Le ministre a déclaré à la presse que la réunion était terminée.", "cp1252"),
        ("Café owners in Zürich said the economy is weak.", "cp1252"),
    ],
)
def test_legacy_encodings_are_guessed_with_a_warning(text, encoding):
    source = read_source(text.encode(encoding))
    assert source.text == text
    assert source.encoding == encoding
    assert any(f"decoded as {encoding}" in warning for warning in source.warnings)


def test_explicit_encoding_wins():
    assert read_source("Café".encode("latin-1"), encoding="latin-1").text == "Café"
    with pytest.raises(InputError, match="unknown encoding"):
        read_source(b"x", encoding="no-such-codec")


def test_hygiene_normalises_and_reports():
    dirty = "a\r\nb\rc\td\u2003e\u200bf\u0007g\u202eh\ufeffi\u2029j"
    text, warnings = clean_text(dirty)
    assert text == "a\nb\nc d efghi\n\nj"
    assert warnings == [
        "replaced 1 × U+0009 tab, 1 × U+2003 em space with plain spaces",
        "replaced 1 × U+2029 paragraph separator with line breaks",
        "removed 1 control character (U+0007), 2 zero-width characters (U+200B, U+FEFF), "
        "1 bidirectional control (U+202E)",
    ]


def test_no_break_spaces_are_content_and_stay():
    """French spaces before `:` and inside `« »`, a thin no-break space in `12 000`, a figure space."""
    text = "Il a dit\u00a0: \u00ab\u00a0oui\u00a0\u00bb, 12\u202f000\u00a0euros, \u20071"
    assert clean_text(text) == (text, [])


def test_zero_width_joiners_are_removed_unless_a_word_is_spelt_with_them():
    text, warnings = clean_text(
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 a\u200db \u200c\u0645 \u0915\u094d\u200d\u0937"
    )
    assert text == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 ab \u0645 \u0915\u094d\u200d\u0937"
    assert warnings == ["removed 2 zero-width characters (U+200C, U+200D)"]


def test_text_is_nfc():
    assert read_source("e\u0301".encode()).text == "\u00e9"


def test_stray_nuls_are_removed_with_a_warning():
    data = "A fixed-width export\x00\x00 with two stray NULs in a line of Кириллица.\n".encode()
    source = read_source(data, "x.txt")
    assert source.text == "A fixed-width export with two stray NULs in a line of Кириллица.\n"
    assert source.warnings == ("removed 2 control characters (U+0000)",)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "Hello, world.\n",
        "Երևանում բացվել է նոր գրադարան։ 2024\n",
        "თბილისში ახალი პარკი გაიხსნა.\n",
    ],
)
def test_unicode_without_byte_order_mark(text, encoding):
    source = read_source(text.encode(encoding), "x.txt")
    assert (source.text, source.encoding, source.how) == (text, encoding, "detected")
    assert source.warnings == (
        (
            f"no byte order mark: decoded as {encoding}, recognised by its pattern of NUL "
            f"bytes (name the encoding with --encoding if the letters are wrong)"
        ),
    )


@pytest.mark.parametrize(
    "data, how",
    [
        (TEXT.encode(), "detected"),
        (codecs.BOM_UTF8 + TEXT.encode(), "byte order mark"),
        ("Café au lait dans le café.".encode("cp1252"), "guessed"),
    ],
)
def test_how_the_encoding_was_settled(data, how):
    assert read_source(data).how == how
    assert read_source(data, encoding="latin-1").how == "declared"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n" + b"x" * 40, "this is a PNG image (by its signature), not a text article"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "this is a PDF document (by its signature), not a text article"),
        (
            b"PK\x03\x04\x14\x00\x00\x00",
            "this is a ZIP archive (or EPUB/DOCX/ODT) (by its signature), not a text article",
        ),
        (b"\x1f\x8b\x08\x00", "this is a gzip archive (by its signature), not a text article"),
        (b"SQLite format 3\x00" + bytes(100), "this is an SQLite database (by its signature), not a text article"),
        (
            b"ab\x00\x01\x02\x03" * 10,
            (
                "binary data: 40 of 60 bytes (67%) are control bytes (the first, 0x00, at "
                "byte offset 2); text has at most a few stray ones"
            ),
        ),
    ],
)
def test_binary_is_refused_with_the_reason(data, message):
    with pytest.raises(InputError) as caught:
        read_source(data, "x.txt")
    assert caught.value.message == message
    assert caught.value.line == 1
