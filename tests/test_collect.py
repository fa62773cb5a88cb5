"""Digests: many articles as one EPUB, PDF and text edition."""

import datetime
import subprocess
import sys
import zipfile

from conftest import BAD, CORPUS, SEED, article_from, assert_words_in_order, epubcheck
from lxml import etree
from pypdf import PdfReader

from publish.digest import collect
from publish.typography import reading_words

ARTICLES = [
    CORPUS / "header_block.txt",
    SEED,
    CORPUS / "russian.txt",
    CORPUS / "title_first.txt",
    CORPUS / "georgian.txt",
]
# By date, then title; the undated title-first article last.
SORTED_TITLES = [
    "Azerbaijan conducted local anti-terrorist activities",
    "Armenia and Azerbaijan agree to meet on border commission",
    "В Баку прошла международная конференция по энергетике",
    "თბილისში ახალი პარკი გაიხსნა",
    "Georgia opens a new border crossing with Armenia",
]


def test_digest_editions(tmp_path):
    result = collect(ARTICLES, tmp_path, "Daily digest", formats=["epub", "pdf", "txt"])
    written, warnings = result.written, result.warnings
    assert [p.name for p in written] == [f"undated-daily-digest.{ext}" for ext in ("epub", "pdf", "txt")]
    assert any("undated" in w for _, w in warnings)
    epub, pdf, text = written

    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        chapters = [n for n in book.namelist() if n.startswith("EPUB/article-")]
        russian = etree.fromstring(book.read("EPUB/article-0003.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert nav.xpath("//x:nav[@id='toc']//x:a/text()", namespaces=ns) == SORTED_TITLES
    assert len(chapters) == 5 and russian.get("lang") == "ru"

    reader = PdfReader(pdf)
    assert [entry.title for entry in reader.outline] == SORTED_TITLES
    contents = reader.pages[0].extract_text()
    assert "Daily digest" in contents and "Georgia opens a new border crossing with Armenia" in contents
    everything = "\n".join(page.extract_text() for page in reader.pages)
    for path in ARTICLES:
        assert_words_in_order(reading_words(article_from(path)), everything)

    body = text.read_text(encoding="utf-8")
    assert body.startswith("Title: Daily digest\n") and "Articles: 5" in body
    listed = body.split("Contents\n\n", 1)[1].split("\n\n", 1)[0]
    entries = " ".join(listed.split()).split(" ")
    numbered = " ".join(entries)
    for number, title in enumerate(SORTED_TITLES, start=1):
        assert f"{number}. {title}" in numbered
    assert body.count("\n" + "=" * 72 + "\n") == 5


def test_keep_order_and_cli(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "publish",
            "collect",
            *map(str, ARTICLES),
            "--title",
            "As given",
            "--date",
            "2024-09-01",
            "--keep-order",
            "--format",
            "epub",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    epub = tmp_path / "2024-09-01-as-given.epub"
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    titles = nav.xpath("//x:nav[@id='toc']//x:a/text()", namespaces={"x": "http://www.w3.org/1999/xhtml"})
    assert titles[0] == "Armenia and Azerbaijan agree to meet on border commission"
    assert titles[3] == "Georgia opens a new border crossing with Armenia"


def test_a_bad_article_fails_the_digest_and_writes_nothing(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "publish",
            "collect",
            str(SEED),
            str(BAD / "impossible_date.txt"),
            "--title",
            "Broken",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1 and result.stderr.startswith(f"{BAD / 'impossible_date.txt'}:1: error: ")
    assert list((tmp_path / "out").iterdir()) == []


def _long_digest(tmp_path):
    """Thirty articles of different lengths: headlines fall at every height of a page."""
    sources = tmp_path / "in"
    sources.mkdir()
    words = [
        "officials",
        "said",
        "the",
        "talks",
        "on",
        "energy",
        "trade",
        "and",
        "border",
        "security",
        "would",
        "continue",
    ]
    for index in range(30):
        paragraphs = [
            " ".join(words[(index + p) % 5 :] + words[: (index + p) % 5]).capitalize() + "."
            for p in range(2 + index % 7)
        ]
        (sources / f"a{index:02}.txt").write_text(
            f"title: Report number {index} on the talks\ndate: 2024-05-{1 + index % 28:02}\nsource: Trend\n\n"
            + "\n\n".join(paragraphs)
            + "\n",
            encoding="utf-8",
        )
    return collect([sources], tmp_path / "out", "Evening wire", date=datetime.date(2024, 5, 30), formats=["pdf", "txt"])


def _lines(page) -> list[str]:
    """A page's text lines from top to bottom, by their position (the running head and
    footer are drawn last, so the content stream's order would put them at the end)."""
    chunks: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            chunks.append((round(cm[5] + tm[5] * cm[3]), tm[4] * cm[0] + cm[4], text))

    page.extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in chunks:
        lines.setdefault(y, []).append((x, text))
    return [
        " ".join("".join(t for _, t in sorted(parts)).split())
        for _, parts in sorted(lines.items(), key=lambda item: -item[0])
    ]


def test_digest_pdf_outline_and_contents_lead_to_each_articles_page(tmp_path):
    pdf = next(path for path in _long_digest(tmp_path).written if path.suffix == ".pdf")
    reader = PdfReader(pdf)
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    outline = [reader.get_destination_page_number(entry) for entry in reader.outline]
    for entry, page in zip(reader.outline, outline):
        assert entry.title in _lines(reader.pages[page]), (entry.title, page)  # the headline is on it
    assert outline == sorted(outline) and outline[-1] >= outline[0] + 5
    links = [annotation.get_object() for page in reader.pages[:2] for annotation in page.get("/Annots", [])]
    targets = [pages[link["/Dest"][0].idnum] for link in links]
    assert sorted(set(targets)) == sorted(set(outline))


def test_digest_pdf_embeds_every_font_labels_its_contents_and_passes_check(tmp_path):
    result = _long_digest(tmp_path)
    pdf = next(path for path in result.written if path.suffix == ".pdf")
    reader = PdfReader(pdf)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descriptor["/FontDescriptor"], font["/BaseFont"]
    first = _lines(reader.pages[0])
    first_article = reader.get_destination_page_number(reader.outline[0]) + 1  # counted from 1
    assert first[:3] == ["Evening wire", "May 30, 2024", "Contents"]
    assert first[3].startswith("1. Report number 0 on the talks . . .") and first[3].endswith(f" {first_article}")
    checked = subprocess.run(
        [sys.executable, "-m", "publish", "check", str(tmp_path / "out")], capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "2 editions checked, 0 problems"


def test_digest_running_heads_name_the_article_at_the_top_of_the_page(tmp_path):
    pdf = next(path for path in _long_digest(tmp_path).written if path.suffix == ".pdf")
    reader = PdfReader(pdf)
    first_article = reader.get_destination_page_number(reader.outline[0])
    for page in reader.pages[1:first_article]:  # the contents go on: the digest's title runs
        assert _lines(page)[0] == "Evening wire May 30, 2024"
    running = None
    for page in reader.pages[first_article:]:
        lines = _lines(page)
        head, first = lines[0], lines[1]
        if first.startswith("Report number"):  # a headline opens the page: the head names it
            running = first
        assert head == f"{running} May 30, 2024", (head, first)
        running = [line for line in lines if line.startswith("Report number")][-1:] or [running]
        running = running[0]


def test_a_headline_never_ends_a_page(tmp_path):
    pdf = next(path for path in _long_digest(tmp_path).written if path.suffix == ".pdf")
    for page in PdfReader(pdf).pages[1:]:
        body = _lines(page)[1:-1]  # without the running head and the footer
        for position, line in enumerate(body):
            if line.startswith("Report number"):
                # Its byline and the lead's first line follow it on the same page.
                assert body[position + 1].endswith("· Trend") and position + 2 < len(body), body[position:]


def test_an_edition_a_digest_cannot_have_is_named_in_a_warning(tmp_path):
    """Issue 29, point 29: `collect --format ascii` dropped the ascii edition silently."""
    args = ["collect", str(SEED), "--title", "Digest", "--format", "txt,ascii", "--out", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, "-m", "publish", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "warning: a digest has no ascii edition; not written (digests are made as epub, pdf, txt or ninjs)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.name[0] != ".") == ["SHA256SUMS", "undated-digest.txt"]


def test_collect_lists_the_folder_from_the_record_without_reading_its_editions(tmp_path, monkeypatch):
    """Issue 31, point 5: the manifest a digest rewrites takes the record's digests of the
    editions already in the folder; none of them is read again."""
    from publish import archive, output
    from publish.building import install, plan
    from publish.building.builder import build

    out = tmp_path / "out"
    assert build([SEED, CORPUS / "russian.txt"], out, formats=["txt", "epub"]).ok
    read: list[str] = []

    def counted(original):
        def digest(path):
            read.append(str(path))
            return original(path)

        return digest

    monkeypatch.setattr(archive, "_digest", counted(archive._digest))
    monkeypatch.setattr(plan, "sha256", counted(output.sha256))
    monkeypatch.setattr(install, "sha256", counted(output.sha256))
    result = collect([SEED, CORPUS / "russian.txt"], title="Week", out_dir=out, formats=["txt", "epub"])
    assert len(result.written) == 2 and read == []
    listed = (out / "SHA256SUMS").read_text()
    assert all(path.name in listed for path in out.iterdir() if path.suffix in (".txt", ".epub"))
