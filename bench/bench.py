#!/usr/bin/env python3
"""Benchmark `publish` against its floors and the tools users would otherwise script.

Generates a deterministic corpus of N realistic articles (200-3,000 words, Latin,
Cyrillic, Armenian and Georgian), then times on the same files:

* `publish build` per edition and all three together (as a user runs it, into an
  empty folder);
* a bare reportlab platypus build and a bare ebooklib build of the same paragraphs, on
  the same cores, reading the article files and writing the editions (the floor: what
  the libraries cost without publish's parsing, furniture, checks and safe writing);
* pandoc (EPUB, plain text) and calibre's ebook-convert (EPUB, PDF), per article as a
  user would script them, when they are installed (on a sample, extrapolated).

Prints a table of articles/second and ratios, and writes it as JSON.
Usage: python bench/bench.py [--articles 1000] [--jobs N] [--repeat 3] [--sample 20] [--json FILE]

`--adversarial BYTES` instead builds one article of each hostile pattern (`ADVERSARIAL`:
runs of unmatched brackets, a lead full of abbreviations, deep nesting, one endless
sentence...) of about BYTES bytes, timing the parse and the build of all three editions
with their peak memory (the README's limit: 10 MB in under 60 s and 1 GB, parsing under 5 s).

`--archive N [N ...]` measures archive scale instead, text edition only, date layout: for
each N a full build, a no-op rebuild, one edited article rebuilt, and peak memory, each
as wall seconds and as CPU seconds (on a shared machine the CPU figures are the steadier:
the no-op's share is also given as its CPU time over the full build's CPU per core). With
`--split`, for the all-three-editions build of the corpus: the main process's CPU per
article beside the workers', and the same build on a Dask LocalCluster of `--jobs`
workers beside the process pool's, on the same cores.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

WORDS = {
    "en": [
        "the",
        "minister",
        "said",
        "talks",
        "would",
        "continue",
        "next",
        "week",
        "in",
        "the",
        "capital",
        "after",
        "a",
        "meeting",
        "with",
        "officials",
        "from",
        "both",
        "countries",
        "on",
        "energy",
        "trade",
        "and",
        "border",
        "security",
        "issues",
    ],
    "ru": [
        "министр",
        "заявил",
        "что",
        "переговоры",
        "продолжатся",
        "на",
        "следующей",
        "неделе",
        "в",
        "столице",
        "после",
        "встречи",
        "с",
        "представителями",
        "обеих",
        "стран",
        "по",
        "вопросам",
        "энергетики",
        "торговли",
        "и",
        "безопасности",
    ],
    "hy": [
        "նախարարը",
        "հայտարարել",
        "է",
        "որ",
        "բանակցությունները",
        "կշարունակվեն",
        "հաջորդ",
        "շաբաթ",
        "մայրաքաղաքում",
        "երկու",
        "երկրների",
        "ներկայացուցիչների",
        "հետ",
        "հանդիպումից",
        "հետո",
    ],
    "ka": [
        "მინისტრმა",
        "განაცხადა",
        "რომ",
        "მოლაპარაკებები",
        "მომავალ",
        "კვირას",
        "დედაქალაქში",
        "გაგრძელდება",
        "ორივე",
        "ქვეყნის",
        "წარმომადგენლებთან",
        "შეხვედრის",
        "შემდეგ",
    ],
}
PLACES = {"en": "BAKU, Azerbaijan", "ru": "МОСКВА", "hy": "ԵՐԵՎԱՆ", "ka": "თბილისი"}


#: Hostile article bodies that once made a stage quadratic or recursive: name -> body of about n bytes.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "closers": lambda n: "a] " * (n // 3),
    "openers": lambda n: "[a " * (n // 3),
    "abbreviations": lambda n: "Mr. " * (n // 4),
    "nested quotations": lambda n: "\u201ca " * (n // 5),
    "nested brackets": lambda n: "[" * 1500 + "a " * (n // 2 - 750) + "]" * 1500,
    "endless sentence": lambda n: "word, and " * (n // 10),
    "broken paragraphs": lambda n: "a b\n\n" * (n // 5),
}


def adversarial_article(name: str, size: int) -> str:
    """A complete article file of about `size` bytes with the `name` pattern as its body."""
    return f"title: Adversarial {name}\ndate: 2024-01-01\nlanguage: en\n\n{ADVERSARIAL[name](size)}\n"


def run_adversarial(size: int, jobs: int) -> int:
    """Parse and build each adversarial article; print seconds and peak memory per pattern."""
    work = Path(tempfile.mkdtemp(prefix="publish-adversarial-"))
    parse_probe = (
        "import sys,time;from publish.inputs import read_article;t=time.perf_counter();"
        "read_article(__import__('pathlib').Path(sys.argv[1]));print(time.perf_counter()-t)"
    )
    print(f"{'pattern':20} {'MB':>5} {'parse s':>8} {'build s':>8} {'peak MB':>8} exit")
    try:
        for name in ADVERSARIAL:
            source = work / f"{name.replace(' ', '-')}.txt"
            source.write_text(adversarial_article(name, size), encoding="utf-8")
            parsed = subprocess.run([sys.executable, "-c", parse_probe, str(source)], capture_output=True, text=True)
            started = time.perf_counter()
            build = subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "%M",
                    sys.executable,
                    "-m",
                    "publish",
                    "build",
                    str(source),
                    "--out",
                    str(work / "out"),
                    "--quiet",
                    "--force",
                    "--jobs",
                    str(jobs),
                ],
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            peak = int(build.stderr.strip().splitlines()[-1]) // 1024 if build.stderr.strip() else 0
            print(
                f"{name:20} {source.stat().st_size / 1e6:>5.1f} {float(parsed.stdout or 'nan'):>8.2f} "
                f"{seconds:>8.2f} {peak:>8} {build.returncode}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def make_corpus(folder: Path, count: int, seed: int = 20231) -> list[Path]:
    """Deterministic articles: same count and seed -> same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        language = rng.choice(["en", "en", "en", "ru", "hy", "ka"])
        words = WORDS[language]
        total = rng.randint(200, 3000)
        paragraphs, written = [], 0
        while written < total:
            size = min(rng.randint(25, 90), total - written)
            sentence = " ".join(rng.choice(words) for _ in range(size))
            if rng.random() < 0.3:
                sentence = f'"{sentence}," the official said'
            if rng.random() < 0.1:
                sentence += " [according to the ministry]"
            # Georgian has no capitals in running text (upper() would give Mtavruli).
            first = sentence[0] if language == "ka" else sentence[0].upper()
            paragraphs.append(first + sentence[1:] + ".")
            written += size
        day = 1 + index % 28
        date_words = f"September {day}" if language == "en" else f"{day} 09"
        header = (
            f"title: Article {index} {' '.join(rng.choice(words) for _ in range(6))}\n"
            f"date: 2024-09-{day:02}\nsource: Trend\nlanguage: {language}\n\n"
        )
        body = f"{PLACES[language]}, {date_words}. " + "\n\n".join(paragraphs)
        path = folder / f"article-{index:05}.txt"
        path.write_text(header + body + "\n", encoding="utf-8")
        paths.append(path)
    return paths


#: publish runs as an installed package does, with its bytecode cached (pip compiles it at
#: install time); a checkout run under PYTHONDONTWRITEBYTECODE would compile every module
#: at every start. The floors' worker processes get the same.
INSTALLED_LIKE = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], out: Path) -> float:
    """Wall time of one publish run into a fresh `out` folder (a first build)."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=INSTALLED_LIKE)
    return time.perf_counter() - started


def floor_reportlab(paths: list[Path], out: Path) -> float:
    """Seconds for a bare platypus build, as a minimal script would do it: read each
    article file, set its paragraphs in the typography the edition promises (embedded TTF
    faces, justified, hyphenated by language, editorial insertions in italics) and write
    the PDF, without any of publish's own work (parsing, headline, byline, page
    furniture, fallback fonts, checks, metadata, safe writing)."""
    import re
    from xml.sax.saxutils import escape

    import pyphen
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from publish.fonts import find_family
    from publish.templates import load_style

    style_file = load_style()
    page, body = style_file["page"], style_file["body"]
    font = find_family(style_file["fonts"]["family"])
    pdfmetrics.registerFont(TTFont("FloorSerif", str(font.regular)))
    pdfmetrics.registerFont(TTFont("FloorSerif-Italic", str(font.italic)))
    pdfmetrics.registerFontFamily(
        "FloorSerif", normal="FloorSerif", italic="FloorSerif-Italic", bold="FloorSerif", boldItalic="FloorSerif-Italic"
    )
    editorial = re.compile(r"\[[^\[\]]*\]")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for path in paths:
        language, paragraphs = _header_and_paragraphs(path)
        style = ParagraphStyle(
            "body",
            fontName="FloorSerif",
            fontSize=body["size"],
            leading=body["leading"],
            firstLineIndent=body["first_line_indent"],
            alignment=TA_JUSTIFY,
            hyphenationLang=pyphen.language_fallback(language) or "",
            embeddedHyphenation=1,
        )
        SimpleDocTemplate(
            str(out / (path.stem + ".pdf")),
            leftMargin=page["margin_inside"],
            rightMargin=page["margin_outside"],
            topMargin=page["margin_top"],
            bottomMargin=page["margin_bottom"],
        ).build([Paragraph(editorial.sub(r"<i>\g<0></i>", escape(p)), style) for p in paragraphs])
    return time.perf_counter() - started


def floor_ebooklib(paths: list[Path], out: Path) -> float:
    """Seconds for a bare ebooklib build, as a minimal script would do it: read each
    article file and write its paragraphs as a one-chapter EPUB with ebooklib's own
    navigation; no templates, cover, stylesheet or accessibility metadata, no safe writing."""
    from html import escape

    from ebooklib import epub

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for path in paths:
        language, paragraphs = _header_and_paragraphs(path)
        book = epub.EpubBook()
        book.set_identifier(path.stem)
        book.set_title(paragraphs[0][:40])
        book.set_language(language)
        chapter = epub.EpubHtml(title="Article", file_name="article.xhtml", lang=language)
        chapter.content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        book.add_item(chapter)
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        book.spine = [chapter]
        epub.write_epub(str(out / (path.stem + ".epub")), book)
    return time.perf_counter() - started


def on_all_cores(floor: Callable[[list[Path], Path], float], paths: list[Path], out: Path, jobs: int) -> float:
    """Wall time of a floor run the way publish runs: `jobs` processes, each taking an
    equal share of the articles, start-up (imports, fonts) included, writing into `out`.
    Both sides then use the same cores, so the ratio compares the work, not the machine."""
    # A fresh folder each run, as publish's: files are created, never rewritten in place.
    shutil.rmtree(out, ignore_errors=True)
    if jobs <= 1:
        return floor(paths, out)
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(floor, [paths[share::jobs] for share in range(jobs)], [out] * jobs))
    return time.perf_counter() - started


def _header_and_paragraphs(path: Path) -> tuple[str, list[str]]:
    """The corpus's own simple shape: `key: value` lines, a blank line, paragraphs."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    language = next((line[len("language: ") :] for line in header.splitlines() if line.startswith("language: ")), "en")
    return language, [block for block in body.split("\n\n") if block.strip()]


#: calibre draws PDFs with Qt WebEngine: on a machine with no screen it needs the offscreen
#: platform, and its Chromium refuses to run as root unless the sandbox is off.
CALIBRE_HEADLESS = {"QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}


def per_article(tool: list[str], paths: list[Path], out: Path, suffix: str, env: dict[str, str] | None = None) -> float:
    """Run an external converter once per article, as a shell loop would."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for path in paths:
        subprocess.run(
            [*tool[:1], *[a.format(src=path, dst=out / (path.stem + suffix)) for a in tool[1:]]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
    return time.perf_counter() - started


#: Runs `publish build` in this process and prints its own CPU seconds, its children's
#: (the pool's workers) and the peak memory of either, as JSON.
SPLIT_RUNNER = (
    "import json, resource, sys\n"
    "from publish.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    me, them = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    print(json.dumps({'main': me.ru_utime + me.ru_stime, 'workers': them.ru_utime + them.ru_stime,\n"
    "                      'peak_mb': max(me.ru_maxrss, them.ru_maxrss) / 1024}), file=sys.stderr)\n"
)


def run_split(arguments: list[str]) -> dict[str, float]:
    """Wall seconds, main-process CPU, workers' CPU and peak memory of one publish build."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SPLIT_RUNNER, *arguments],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=INSTALLED_LIKE,
    )
    seconds = time.perf_counter() - started
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    return {"seconds": round(seconds, 3), **{name: round(value, 3) for name, value in figures.items()}}


def make_archive(folder: Path, count: int, seed: int = 20231) -> Path:
    """Short wire items (60-250 words) over ten years of dates, like an agency's archive;
    returns the middle one (the one the benchmark edits). No list of paths is kept: the
    builds measured are forked from this process, and Linux carries a process's peak
    memory over `exec`, so this process's size would show as theirs."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    words = WORDS["en"]
    middle = folder
    for index in range(count):
        day = datetime.date(2014, 1, 1) + datetime.timedelta(days=index % 3650)
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(12, 30))) for _ in range(rng.randint(4, 9))]
        body = "\n\n".join(s[0].upper() + s[1:] + "." for s in sentences)
        path = folder / f"{day.year}" / f"item-{index:07}.txt"
        if index < 3650 or index % 3650 == 0:
            path.parent.mkdir(exist_ok=True)
        path.write_text(
            f"title: Item {index} {' '.join(rng.choice(words) for _ in range(5))}\n"
            f"date: {day.isoformat()}\nsource: Trend\n\nBAKU, Azerbaijan. {body}\n",
            encoding="utf-8",
        )
        if index == count // 2:
            middle = path
    return middle


def archive(counts: list[int], jobs: int) -> list[dict[str, object]]:
    """Full build, no-op rebuild, one edited article, peak memory, per archive size."""
    rows = []
    for count in counts:
        work = Path(tempfile.mkdtemp(prefix="publish-archive-"))
        try:
            edited = make_archive(work / "in", count)
            build = [
                "build",
                str(work / "in"),
                "--out",
                str(work / "out"),
                "--format",
                "txt",
                "--layout",
                "date",
                "--quiet",
                "--jobs",
                str(jobs),
            ]
            full = run_split(build)
            noop = run_split(build)
            edited.write_text(edited.read_text(encoding="utf-8").replace("BAKU", "GANJA", 1), encoding="utf-8")
            one = run_split(build)
            alone = run_split(["build", str(edited), "--out", str(work / "alone"), "--format", "txt", "--quiet"])
            rows.append(
                {
                    "articles": count,
                    "full": full,
                    "noop": noop,
                    "one_edited": one,
                    "one_alone": alone,
                    "noop_share": round(noop["seconds"] / full["seconds"], 4),
                    "noop_cpu_share": round(
                        (noop["main"] + noop["workers"]) / ((full["main"] + full["workers"]) / jobs), 4
                    ),
                    "per_article_us": {
                        name: round(1e6 * (run["main"] + run["workers"] - alone["main"]) / count, 1)
                        for name, run in (("noop", noop), ("one_edited", one))
                    },
                }
            )
            print(
                f"{count:>9} articles: full {full['seconds']:.1f} s ({count / full['seconds']:.0f}/s), "
                f"no-op {noop['seconds']:.2f} s ({100 * noop['seconds'] / full['seconds']:.1f}%), "
                f"one edited {one['seconds']:.2f} s (that article alone {alone['seconds']:.2f} s), "
                f"peak {max(full['peak_mb'], noop['peak_mb'], one['peak_mb']):.0f} MB; CPU: full "
                f"{full['main'] + full['workers']:.1f} s, no-op {noop['main'] + noop['workers']:.2f} s "
                f"({100 * rows[-1]['noop_cpu_share']:.1f}% of the full build's CPU per core, "
                f"{rows[-1]['per_article_us']['noop']:.0f} µs per article over a one-article build), "
                f"one edited {one['main'] + one['workers']:.2f} s (alone {alone['main']:.2f} s)",
                flush=True,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def split(count: int, jobs: int, repeat: int) -> dict[str, object]:
    """All three editions of the corpus: main-process CPU per article beside the workers',
    then the same build on a LocalCluster beside the pool, on the same cores (best of `repeat`)."""
    work = Path(tempfile.mkdtemp(prefix="publish-split-"))
    try:
        paths = make_corpus(work / "in", count)
        base = ["build", str(work / "in"), "--format", "epub,pdf,txt", "--quiet", "--force"]
        runs: dict[str, list[dict[str, float]]] = {"pool": [], "cluster": []}
        for _ in range(max(1, repeat)):
            runs["pool"].append(run_split([*base, "--out", str(work / "pool"), "--jobs", str(jobs)]))
            runs["cluster"].append(run_split([*base, "--out", str(work / "cluster"), "--cluster", f"local:{jobs}"]))
        best = {name: min(found, key=lambda run: run["seconds"]) for name, found in runs.items()}
        pool = best["pool"]
        result = {
            "articles": len(paths),
            "jobs": jobs,
            **best,
            "main_cpu_ms_per_article": round(1000 * pool["main"] / len(paths), 3),
            "worker_cpu_ms_per_article": round(1000 * pool["workers"] / len(paths), 3),
            "main_share_of_workers": round(pool["main"] / pool["workers"], 4),
            "pool_articles_per_second": round(len(paths) / pool["seconds"], 1),
            "cluster_articles_per_second": round(len(paths) / best["cluster"]["seconds"], 1),
        }
        for name, value in result.items():
            print(f"{name:32} {value}")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each measurement, interleaved; the fastest counts (as timeit does)",
    )
    parser.add_argument("--sample", type=int, default=20, help="articles given to pandoc/ebook-convert (0: skip them)")
    parser.add_argument("--json", type=Path, default=Path("bench/results.json"))
    parser.add_argument(
        "--adversarial",
        type=int,
        default=0,
        metavar="BYTES",
        help="time hostile articles of this size instead (10000000: the README's limit)",
    )
    parser.add_argument(
        "--archive",
        type=int,
        nargs="+",
        metavar="N",
        help="archive scale instead: text-only builds of N short articles (several N: one row each)",
    )
    parser.add_argument(
        "--split", action="store_true", help="main-process CPU beside the workers', and a LocalCluster beside the pool"
    )
    args = parser.parse_args()
    if args.adversarial:
        sys.exit(run_adversarial(args.adversarial, args.jobs))
    if args.archive or args.split:
        found: dict[str, object] = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}}
        if args.split:
            found["split"] = split(args.articles, args.jobs, args.repeat)
        if args.archive:
            found["archive"] = archive(args.archive, args.jobs)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(found, indent=2) + "\n")
        print(f"written to {args.json}")
        return

    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    try:
        paths = make_corpus(work / "in", args.articles)
        sample = paths[: args.sample]
        publish = [sys.executable, "-m", "publish", "build", str(work / "in"), "--quiet", "--jobs", str(args.jobs)]
        sys.dont_write_bytecode = False  # the floors' forked workers import publish's modules too
        # Untimed: compiles the bytecode and reads the corpus into the page cache, as a
        # machine that has run publish before would have them.
        subprocess.run(
            [*publish, "--out", str(work / "warm-up"), "--format", "epub,pdf,txt"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=INSTALLED_LIKE,
        )
        shutil.rmtree(work / "warm-up")
        measurements: dict[str, tuple[Callable[[], float], int]] = {}
        for fmt in ("txt", "epub", "pdf", "epub,pdf,txt"):
            out = work / f"out-{fmt.replace(',', '-')}"
            command = [*publish, "--out", str(out), "--format", fmt]
            measurements[f"publish {fmt}"] = (partial(timed, command, out), len(paths))
        for floor, name in ((floor_reportlab, "floor reportlab"), (floor_ebooklib, "floor ebooklib")):
            measurements[name] = (
                partial(on_all_cores, floor, paths, work / name.replace(" ", "-"), args.jobs),
                len(paths),
            )
        if sample and shutil.which("pandoc"):
            measurements["pandoc epub"] = (
                partial(per_article, ["pandoc", "{src}", "-o", "{dst}"], sample, work / "pandoc", ".epub"),
                len(sample),
            )
            measurements["pandoc txt"] = (
                partial(
                    per_article, ["pandoc", "{src}", "-t", "plain", "-o", "{dst}"], sample, work / "pandoc", ".txt"
                ),
                len(sample),
            )
        if sample and shutil.which("ebook-convert"):
            measurements["ebook-convert epub"] = (
                partial(
                    per_article,
                    ["ebook-convert", "{src}", "{dst}"],
                    sample,
                    work / "calibre",
                    ".epub",
                    CALIBRE_HEADLESS,
                ),
                len(sample),
            )
            measurements["ebook-convert pdf"] = (
                partial(
                    per_article, ["ebook-convert", "{src}", "{dst}"], sample, work / "calibre", ".pdf", CALIBRE_HEADLESS
                ),
                len(sample),
            )
        best: dict[str, float] = {}
        for _ in range(max(1, args.repeat)):
            for name, (measure, _count) in measurements.items():
                seconds = measure()
                best[name] = min(seconds, best.get(name, seconds))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        {
            "name": name,
            "seconds": round(best[name], 3),
            "articles": count,
            "articles_per_second": round(count / best[name], 2),
        }
        for name, (_measure, count) in measurements.items()
    ]
    rate = {name: count / best[name] for name, (_measure, count) in measurements.items()}
    ratios = {
        "pdf_time_vs_reportlab_floor": _ratio(rate.get("floor reportlab"), rate.get("publish pdf")),
        "epub_time_vs_ebooklib_floor": _ratio(rate.get("floor ebooklib"), rate.get("publish epub")),
        "epub_txt_rate_vs_pandoc": _speedup(rate, ("publish epub", "publish txt"), ("pandoc epub", "pandoc txt")),
        "pdf_rate_vs_ebook_convert": _speedup(rate, ("publish pdf",), ("ebook-convert pdf",)),
    }
    result = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "articles": args.articles,
        "jobs": args.jobs,
        "repeat": args.repeat,
        "rows": rows,
        "ratios": ratios,
    }
    print(f"{'what':32} {'articles':>8} {'seconds':>9} {'articles/s':>11}")
    for row in rows:
        print(f"{row['name']:32} {row['articles']:>8} {row['seconds']:>9} {row['articles_per_second']:>11}")
    for name, value in ratios.items():
        print(f"{name:40} {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.json}")


def _ratio(floor_rate: float | None, our_rate: float | None) -> float | None:
    """Our time for the batch over the floor's, both on the same cores."""
    if not floor_rate or not our_rate:
        return None
    return round(floor_rate / our_rate, 2)


def _speedup(rate: dict[str, float], ours: tuple[str, ...], theirs: tuple[str, ...]) -> float | None:
    """How many times more articles per second we make than the other tool, for the same editions."""
    if not all(rate.get(name) for name in ours + theirs):
        return None
    our_time = sum(1 / rate[name] for name in ours)
    their_time = sum(1 / rate[name] for name in theirs)
    return round(their_time / our_time, 1)


if __name__ == "__main__":
    main()
