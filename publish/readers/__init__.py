"""Readers: input bytes -> `Article`, one module per input format, one assembling step.

They mirror `publish.render`: a reader knows its format and the article model, never an
edition. Each turns its input into a `Draft` (what the input states, as sent); the one
assembling step (`publish.readers.assemble`) settles what every format shares: date,
language, dateline, source, creators, headline, slug.

    wire copy (.txt)            publish.readers.wire
    the archival text (.txt)    publish.readers.archival    (a text edition with an Identifier)
    ninjs (.json)               publish.readers.ninjs
    NewsML-G2, NITF (.xml)      publish.readers.newsml      (also any file that opens as XML)
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publish.errors import InputError
from publish.language import DEFAULT as DEFAULT_LANGUAGE
from publish.model import Article, Provenance
from publish.readers.assemble import Parsed, assemble
from publish.readers.draft import Draft
from publish.version import __version__

#: Input file ending -> the module of its reader, `read(data, path, encoding) -> Draft`.
#: Any other file is plain text: wire copy, or a text edition publish wrote.
FORMATS: dict[str, str] = {".json": "publish.readers.ninjs", ".xml": "publish.readers.newsml"}
#: How an XML document opens, whatever the file is called: it is read as XML, never as text.
_XML_OPENINGS = (b"<?xml", b"<newsMessage", b"<newsItem", b"<nitf")
#: File endings a folder is searched for (`publish.inputs.INPUT_SUFFIXES` must agree: tested).
SUFFIXES: tuple[str, ...] = (".txt", *FORMATS)

__all__ = ["DEFAULT_LANGUAGE", "Parsed", "parse", "parse_article", "read_article", "read_bytes", "read_from"]

#: What `read_from` (and `publish.read`) take: a file's path, its bytes, or an article's text.
Source = Path | os.PathLike[str] | bytes | bytearray | memoryview | str
#: The names in-memory inputs go by when the caller gives none (in messages, in provenance).
BYTES_NAME = "<bytes>"
TEXT_NAME = "<text>"


def read_from(
    source: Source,
    *,
    name: str | None = None,
    encoding: str | None = None,
    default_language: str = DEFAULT_LANGUAGE,
    keep_breaks: bool = False,
) -> Parsed:
    """A path, bytes or text -> article, always the way a file is read: decoded, cleaned
    (control characters, stray zero-widths), its provenance recorded. A `str` is the
    article's text, never a path (give a `Path` for a file); bytes and text go by `name`
    (its file ending picks the reader, as a file's does; else XML and JSON are told by
    how they open)."""
    if isinstance(source, os.PathLike):
        return read_article(Path(source), encoding, default_language, keep_breaks)
    if isinstance(source, str):
        if encoding is not None:
            raise ValueError("a str is already decoded: give bytes to read them with an encoding")
        # Lone surrogates stay as they are, for the decoder to refuse at their place.
        data, encoding = source.encode("utf-8", "surrogatepass"), "utf-8"
        return read_bytes(data, Path(name or TEXT_NAME), encoding, default_language, keep_breaks)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return read_bytes(bytes(source), Path(name or BYTES_NAME), encoding, default_language, keep_breaks)
    raise TypeError(f"cannot read an article from {type(source).__name__}: give a path, bytes or text")


def read_article(
    path: Path, encoding: str | None = None, default_language: str = DEFAULT_LANGUAGE, keep_breaks: bool = False
) -> Parsed:
    """File -> article, with every warning from decoding and reading."""
    from publish.inputs import read_input

    return read_bytes(read_input(path), path, encoding, default_language, keep_breaks)


def read_bytes(
    data: bytes,
    path: Path,
    encoding: str | None = None,
    default_language: str = DEFAULT_LANGUAGE,
    keep_breaks: bool = False,
) -> Parsed:
    """Bytes read from `path` -> article, with every warning from decoding and reading, and
    where it came from (file name, digest of the bytes, encoding: the archive's provenance).
    The format is the file ending's; without one, XML or (for `<stdin>`) a JSON object tells."""
    module = FORMATS.get(path.suffix.lower())
    if module is None and _opens_as_xml(data):
        module = FORMATS[".xml"]
    elif module is None and _in_memory(path) and data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        module = FORMATS[".json"]  # standard input, bytes: no file ending, so a JSON object is ninjs
    with _no_cycle_collection():
        try:
            if module is not None:
                draft: Draft = importlib.import_module(module).read(data, str(path), encoding)
            else:
                from publish.readers.source import read_source

                source = read_source(data, str(path), encoding)
                provenance = Provenance.of(data, str(path), source.encoding, source.how, __version__)
                draft = _text_draft(source.text, str(path), provenance, keep_breaks, list(source.warnings))
        except (ValueError, RecursionError) as error:  # a library's refusal of this file's bytes
            raise _unreadable(error, path, encoding) from None
        return assemble(draft, default_language)


def _unreadable(error: ValueError | RecursionError, path: Path, encoding: str | None) -> InputError:
    """A decoder's or a library's own error on a file's bytes (a codec that gives up
    otherwise than at a byte, a number of 5,000 digits), as the file's error."""
    if isinstance(error, UnicodeError):
        return InputError(
            f"cannot be decoded as {encoding}: {error}", path=str(path), hint="give --encoding the file's encoding"
        )
    if isinstance(error, RecursionError):
        return InputError("nested too deeply to read", path=str(path))
    if "integer string conversion" in str(error):  # Python's own limit, whose advice is for programmers
        return InputError(
            f"cannot be read: it holds a number of more than {sys.get_int_max_str_digits():,} digits", path=str(path)
        )
    return InputError(f"cannot be read: {error}", path=str(path))


def _in_memory(path: Path) -> bool:
    """A name such as `<stdin>` or `<bytes>`: no file, so no file ending to go by."""
    return path.name.startswith("<") and path.name.endswith(">")


def _opens_as_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(_XML_OPENINGS)


def parse(
    text: str,
    path: str | None = None,
    default_language: str = DEFAULT_LANGUAGE,
    *,
    keep_breaks: bool = False,
    provenance: Provenance | None = None,
) -> Parsed:
    """Clean text (wire copy, or a text edition) -> article, with what had to be guessed.
    The text is cleaned first, as a file's is (controls, stray zero-widths: `clean_text`)."""
    from publish.readers.source import clean_text

    cleaned, warnings = clean_text(text)
    with _no_cycle_collection():
        return assemble(_text_draft(cleaned, path, provenance, keep_breaks, warnings), default_language)


def parse_article(text: str, path: str | None = None) -> Article:
    """Clean text -> `Article`; `InputError` (with file and line) when it is not one."""
    return parse(text, path).article


def _text_draft(
    text: str, path: str | None, provenance: Provenance | None, keep_breaks: bool, warnings: list[str]
) -> Draft:
    from publish.readers import archival, wire

    if archival.looks_like_record(text):
        return archival.read_record(text, path, provenance, warnings)
    return wire.read_wire(text, path, provenance, keep_breaks=keep_breaks, warnings=warnings)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while reading: a reader makes millions of small,
    acyclic objects for a large article, and the collector would re-walk them all again
    and again (half the time of a 10 MB article). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
