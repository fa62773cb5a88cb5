"""Hostile and unlucky output folders (issue 15, items 1-4, 7, 12): nothing a user wrote is
lost, two builds never mix, the manifest and state agree with the files at every exit."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED
from conftest import publish_cli as cli

ARTICLE = "title: {title}\ndate: 2024-03-0{day}\nlanguage: en\n{slug}\n{body}\n"


def article(
    folder: Path,
    name: str,
    title: str,
    day: int = 1,
    slug: str | None = None,
    body: str = "The council met on Monday. It agreed the budget.",
) -> Path:
    path = folder / name
    path.write_text(
        ARTICLE.format(title=title, day=day, slug=f"slug: {slug}" if slug else "", body=f"\n{body}"), encoding="utf-8"
    )
    return path


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ") or ": error: " in line]


def assert_verified(folder: Path) -> None:
    result = cli("verify", str(folder))
    assert result.returncode == 0, result.stderr
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")} - {"SHA256SUMS"}
    assert listed == on_disk


# --- 1. --bag never deletes what publish did not write --------------------------------------


def test_bag_refuses_a_folder_with_a_bagit_txt_and_the_users_files(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    (thesis / "chapter1.docx").write_bytes(b"years of work")
    result = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(thesis))
    assert result.returncode == 1
    assert error_lines(result) == [
        f"{thesis}: error: the bag folder exists and is not a bag publish wrote; "
        f"publish replaces only a bag it wrote itself "
        f"(hint: choose an empty or new folder for --bag)"
    ]
    assert (thesis / "chapter1.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in thesis.iterdir()) == ["bagit.txt", "chapter1.docx"]
    assert not (tmp_path / "dist").exists()  # refused before anything was built


def test_bag_refuses_its_own_bag_once_a_user_file_was_added(tmp_path):
    bag = tmp_path / "bag"
    first = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(bag))
    assert first.returncode == 0, first.stderr
    (bag / "data" / "notes.odt").write_bytes(b"mine")
    again = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(bag), "--force")
    assert again.returncode == 1
    assert error_lines(again) == [
        f"{bag}: error: the bag's data folder holds 'notes.odt', which is not in the bag's manifest; "
        f"publish replaces only a bag it wrote itself "
        f"(hint: choose an empty or new folder for --bag)"
    ]
    assert (bag / "data" / "notes.odt").read_bytes() == b"mine"


def test_bag_replaces_a_bag_publish_wrote(tmp_path):
    bag = tmp_path / "bag"
    for _ in range(2):
        result = cli(
            "build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(bag), "--force"
        )
        assert result.returncode == 0, result.stderr
    assert "Source-Organization: publish" in (bag / "bag-info.txt").read_text().splitlines()
    assert [p.name for p in (bag / "data").iterdir()] == [p.name for p in (tmp_path / "dist").glob("*.txt")]


# --- 2-4. Concurrency, the same file twice, slug clashes ---------------------------------------


def test_simultaneous_builds_into_one_folder_leave_a_true_manifest(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number in range(6):
        article(inputs, f"a{number}.txt", f"Council story number {number}", body=f"Story {number} text. " * 40)
    out = tmp_path / "dist"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "publish",
                "build",
                str(inputs),
                "--out",
                str(out),
                "--force",
                "--format",
                "txt,epub",
                "-q",
                "--jobs",
                "1",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    assert [run.wait(timeout=600) for run in runs] == [0, 0, 0, 0], [run.stderr.read() for run in runs]  # type: ignore[union-attr]
    assert len(list(out.glob("*.epub"))) == 6 and len(list(out.glob("*.txt"))) == 6
    assert_verified(out)
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout


def test_the_same_file_given_three_ways_is_one_article(tmp_path):
    source = article(tmp_path, "a.txt", "Council agrees the budget")
    link = tmp_path / "link.txt"
    link.symlink_to(source)
    result = cli("build", "a.txt", "./a.txt", str(source), "link.txt", "--out", "dist", "--format", "txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("1 article: 1 built (1 edition)")
    assert_verified(tmp_path / "dist")


def test_a_second_run_with_another_article_of_the_same_slug_never_touches_the_first(tmp_path):
    first = article(tmp_path, "first.txt", "Council agrees the budget", body="The first story. It is true.")
    assert cli("build", str(first), "--out", "dist", "--format", "txt", cwd=tmp_path).returncode == 0
    edition = tmp_path / "dist" / "2024-03-01-council-agrees-the-budget.txt"
    before = edition.read_bytes()
    second = article(tmp_path, "second.txt", "Council agrees the budget", body="Another story. Quite different.")
    result = cli("build", str(second), "--out", "dist", "--format", "txt", cwd=tmp_path)
    assert result.returncode == 0 and error_lines(result) == []
    assert edition.read_bytes() == before
    assert "Another story" in (tmp_path / "dist" / "2024-03-01-council-agrees-the-budget-2.txt").read_text()
    assert_verified(tmp_path / "dist")


def test_an_edition_name_taken_by_a_folder_leaves_the_old_set_whole(tmp_path):
    source = article(tmp_path, "a.txt", "Council agrees the budget")
    assert cli("build", str(source), "--out", "dist", "--format", "txt,epub", cwd=tmp_path).returncode == 0
    dist = tmp_path / "dist"
    old_epub = (dist / "2024-03-01-council-agrees-the-budget.epub").read_bytes()
    (dist / "2024-03-01-council-agrees-the-budget.txt").unlink()
    (dist / "2024-03-01-council-agrees-the-budget.txt").mkdir()
    source.write_text(source.read_text().replace("budget.", "budget again."), encoding="utf-8")
    result = cli("build", str(source), "--out", "dist", "--format", "txt,epub", cwd=tmp_path)
    assert result.returncode == 1
    assert error_lines(result) == [
        "dist/2024-03-01-council-agrees-the-budget.txt: error: 2024-03-01-council-agrees"
        "-the-budget.txt is a folder, not an edition (hint: move the folder away; "
        "publish never deletes what it did not write)"
    ]
    assert (dist / "2024-03-01-council-agrees-the-budget.epub").read_bytes() == old_epub


# --- 7. State tampering ---------------------------------------------------------------------------


def test_a_deeply_nested_old_state_file_means_a_rebuild(tmp_path):
    """The JSON record of earlier versions, tampered with: ignored, removed, everything rebuilt."""
    source = article(tmp_path, "a.txt", "Council agrees the budget")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / ".publish-state.json").write_text("[" * 100_000 + "]" * 100_000)
    result = cli("build", str(source), "--out", str(dist), "--format", "txt")
    assert result.returncode == 0, result.stderr
    assert "1 built (1 edition)" in result.stdout
    assert not (dist / ".publish-state.json").exists() and (dist / ".publish-state.sqlite").is_file()
    again = cli("build", str(source), "--out", str(dist), "--format", "txt")
    assert "0 built (0 editions), 1 up to date" in again.stdout
    assert_verified(dist)


def test_a_damaged_state_database_is_set_aside_and_everything_rebuilt(tmp_path):
    source = article(tmp_path, "a.txt", "Council agrees the budget")
    dist = tmp_path / "dist"
    assert cli("build", str(source), "--out", str(dist), "--format", "txt").returncode == 0
    (dist / ".publish-state.sqlite").write_bytes(b"not a database at all " * 100)
    result = cli("build", str(source), "--out", str(dist), "--format", "txt")
    assert result.returncode == 0, result.stderr
    assert "1 built (1 edition)" in result.stdout
    assert (dist / ".publish-state.sqlite.corrupt").read_bytes().startswith(b"not a database")  # kept, not lost
    assert_verified(dist)


def test_a_state_path_that_is_a_folder_is_one_line(tmp_path):
    source = article(tmp_path, "a.txt", "Council agrees the budget")
    dist = tmp_path / "dist"
    (dist / ".publish-state.sqlite").mkdir(parents=True)
    result = cli("build", str(source), "--out", str(dist), "--format", "txt")
    assert result.returncode == 1
    assert error_lines(result) == [
        f"{dist / '.publish-state.sqlite'}: error: .publish-state.sqlite is a folder, "
        f"not publish's build record (hint: move the folder away; publish never deletes "
        f"what it did not write)"
    ]
    assert "Traceback" not in result.stderr


def test_a_state_with_emptied_editions_is_not_up_to_date(tmp_path):
    import sqlite3

    source = article(tmp_path, "a.txt", "Council agrees the budget")
    dist = tmp_path / "dist"
    assert cli("build", str(source), "--out", str(dist), "--format", "txt").returncode == 0
    with sqlite3.connect(dist / ".publish-state.sqlite") as db:
        db.execute("DELETE FROM editions")
    (dist / "2024-03-01-council-agrees-the-budget.txt").unlink()
    result = cli("build", str(source), "--out", str(dist), "--format", "txt")
    assert "1 built (1 edition)" in result.stdout
    assert (dist / "2024-03-01-council-agrees-the-budget.txt").is_file()
    assert_verified(dist)


# --- 12. verify does not lie ------------------------------------------------------------------


def test_verify_fails_on_an_emptied_manifest(tmp_path):
    dist = tmp_path / "dist"
    assert cli("build", str(SEED), "--out", str(dist), "--format", "txt").returncode == 0
    (dist / "SHA256SUMS").write_text("")
    result = cli("verify", str(dist))
    name = next(dist.glob("*.txt"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{name}: error: not in SHA256SUMS"]
    assert result.stdout == "0 editions verified, 0 changed, 0 missing, 1 not listed\n"


# --- Portability: no fcntl -------------------------------------------------------------------------


def test_publish_builds_without_fcntl(tmp_path):
    """As on Windows: the module cannot be imported at all."""
    code = (
        "import sys; sys.modules['fcntl'] = None; sys.argv = ['publish', 'build', sys.argv[1], '--out', "
        "sys.argv[2], '--format', 'txt,epub', '--jobs', '1']; from publish.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SEED), str(tmp_path / "dist")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert_verified(tmp_path / "dist")
    digest = hashlib.sha256((tmp_path / "dist" / "SHA256SUMS").read_bytes()).hexdigest()
    assert len(digest) == 64


# --- Issue 29: nothing lost, nothing written outside --------------------------------------------------


def two_articles(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    article(inputs, "a.txt", "Story A", day=1)
    article(inputs, "b.txt", "Story B", day=2, body="The mayor spoke on Tuesday. He left early.")
    return inputs


def verified_everywhere(out: Path) -> None:
    """`publish verify` passes, and `sha256sum -c` in every folder holding a manifest."""
    result = cli("verify", str(out))
    assert result.returncode == 0, result.stderr
    for manifest in out.rglob("SHA256SUMS"):
        sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=manifest.parent, capture_output=True, text=True)
        assert sums.returncode == 0, sums.stdout


@pytest.mark.parametrize("link", ["2024/03", "undated"])
def test_never_written_through_a_symlinked_day_folder(tmp_path, link):
    """Point 1: a day folder (or `undated/`) that is a symbolic link is refused, never written through."""
    inputs = two_articles(tmp_path)
    if link == "undated":
        (inputs / "a.txt").write_text("title: Story A\nlanguage: en\n\nThe council met. It agreed.\n")
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (out / link).parent.mkdir(parents=True, exist_ok=True)
    (out / link).symlink_to(outside)
    result = cli("build", str(inputs), "--out", str(out), "--layout", "date", "--format", "txt")
    assert result.returncode == 1
    refused = ["a.txt"] if link == "undated" else ["a.txt", "b.txt"]  # both are of March 2024
    assert error_lines(result) == [
        f"{inputs / name}: error: {out / link} is a symbolic link; publish never writes through one "
        f"(hint: replace it with a real folder)"
        for name in refused
    ]
    assert list(outside.iterdir()) == []  # nothing written outside the output folder
    assert (out / link).is_symlink()  # and the user's link is left as it was
    if link == "undated":  # the dated article went in, under a real day folder
        assert (out / "2024/03/02/2024-03-02-story-b.txt").is_file()


def test_never_written_through_a_symlinked_record(tmp_path):
    """Point 2: `.publish-state.sqlite` (or its journal) as a link to another program's database."""
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE mine (x)")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".publish-state.sqlite").symlink_to(other)
    before = other.read_bytes()
    result = cli("build", str(two_articles(tmp_path)), "--out", str(out), "--format", "txt")
    assert result.returncode == 1
    assert error_lines(result) == [
        f"{out / '.publish-state.sqlite'}: error: the build record is a symbolic link; publish never writes "
        f"through one (hint: remove the link; publish keeps its record in the output folder itself)"
    ]
    assert other.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [".publish-state.sqlite", ".publish.lock"]


def test_nothing_of_yours_is_deleted_from_a_bag_data_folder(tmp_path):
    """Point 3: a file of the user's in a bag publish wrote, even one named like an edition."""
    bag, out = tmp_path / "bag", tmp_path / "out"
    inputs = two_articles(tmp_path)
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(bag)).returncode == 0
    (bag / "data" / "my-thesis.pdf").write_bytes(b"%PDF years of work")
    (inputs / "a.txt").write_text((inputs / "a.txt").read_text().replace("agreed", "agreed again"))
    result = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(bag))
    assert result.returncode == 1
    assert error_lines(result) == [
        f"{bag}: error: the bag's data folder holds 'my-thesis.pdf', which is not in the bag's manifest; "
        f"publish replaces only a bag it wrote itself (hint: choose an empty or new folder for --bag)"
    ]
    assert (bag / "data" / "my-thesis.pdf").read_bytes() == b"%PDF years of work"
    assert "agreed again" not in (out / "2024-03-01-story-a.txt").read_text()  # refused before building


def test_nothing_of_yours_is_overwritten_by_an_edition_of_the_same_name(tmp_path):
    """Point 4: a user's file named like an edition, which publish never wrote."""
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "2024-03-01-story-a.txt"
    mine.write_text("my own notes\n")
    result = cli("build", str(two_articles(tmp_path)), "--out", str(out), "--format", "txt")
    assert result.returncode == 1
    assert error_lines(result) == [
        f"{tmp_path / 'in' / 'a.txt'}: error: {mine} is in the way: publish did not write it "
        f"(hint: move it away; publish never overwrites a file it did not write)"
    ]
    assert mine.read_text() == "my own notes\n"
    assert (out / "2024-03-02-story-b.txt").is_file()
    verified_everywhere(out)


def test_an_edition_publish_wrote_is_replaced_even_without_its_record(tmp_path):
    """The record is a cache: without it, an edition the folder's manifest lists is publish's own."""
    out, inputs = tmp_path / "out", two_articles(tmp_path)
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    (out / ".publish-state.sqlite").unlink()
    result = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--width", "60")
    assert result.returncode == 0, result.stderr
    assert "2 built (2 editions)" in result.stdout
    verified_everywhere(out)


def test_nothing_of_yours_is_deleted_among_hidden_temporaries(tmp_path):
    """Point 5: only publish's own temporaries are cleared, never a user's hidden `.tmp` file."""
    import os

    out = tmp_path / "out"
    out.mkdir()
    notes, ours = out / ".notes.tmp", out / ".2024-03-01-story-a.txt.k2j4h5g6.tmp"
    for path in (notes, ours):
        path.write_text("x")
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert cli("build", str(two_articles(tmp_path)), "--out", str(out), "--format", "txt").returncode == 0
    assert notes.read_text() == "x"
    assert not ours.exists()


def test_a_bag_lost_to_a_kill_is_written_again_and_an_up_to_date_build_writes_one(tmp_path):
    """Point 6: the bag holds the build's editions, built or up to date: a rebuild writes it
    again when it is missing (killed between removing the old one and renaming the new
    one in), and `--bag` on an up-to-date folder writes one and says so."""
    import bagit

    out, inputs = tmp_path / "out", two_articles(tmp_path)
    assert (
        cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "bag")).returncode == 0
    )
    shutil.rmtree(tmp_path / "bag")
    again = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "bag"))
    assert again.returncode == 0, again.stderr
    assert (
        again.stdout.splitlines()
        == [
            f"wrote bag {tmp_path / 'bag'}",
            again.stdout.splitlines()[-1],
        ]
        and "0 built (0 editions), 2 up to date" in again.stdout
    )
    new = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "new"))
    assert f"wrote bag {tmp_path / 'new'}" in new.stdout
    for name in ("bag", "new"):
        bag = bagit.Bag(str(tmp_path / name))
        bag.validate()
        assert sorted(bag.payload_files()) == ["data/2024-03-01-story-a.txt", "data/2024-03-02-story-b.txt"]
    same = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(tmp_path / "new"))
    assert f"bag {tmp_path / 'new'} is up to date" in same.stdout


def test_switching_the_layout_leaves_one_copy_of_each_article(tmp_path):
    """Point 12: flat -> date moves the editions; the old copies are removed (they are
    publish's own, unchanged), and back again."""
    out, inputs = tmp_path / "out", two_articles(tmp_path)
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt,epub").returncode == 0
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt,epub", "--layout", "date").returncode == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name[0] != ".")
    assert files == [
        "2024/03/01/2024-03-01-story-a.epub",
        "2024/03/01/2024-03-01-story-a.txt",
        "2024/03/01/SHA256SUMS",
        "2024/03/02/2024-03-02-story-b.epub",
        "2024/03/02/2024-03-02-story-b.txt",
        "2024/03/02/SHA256SUMS",
    ]
    verified_everywhere(out)
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt,epub").returncode == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.name[0] != ".")
    assert files == [
        "2024-03-01-story-a.epub",
        "2024-03-01-story-a.txt",
        "2024-03-02-story-b.epub",
        "2024-03-02-story-b.txt",
        "SHA256SUMS",
    ]  # the day folders publish made, emptied, are gone too
    verified_everywhere(out)


def test_an_edited_old_copy_is_kept_with_a_warning(tmp_path):
    out, inputs = tmp_path / "out", two_articles(tmp_path)
    assert cli("build", str(inputs), "--out", str(out), "--format", "txt").returncode == 0
    edited = out / "2024-03-01-story-a.txt"
    edited.write_text(edited.read_text() + "my note\n")
    result = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--layout", "date")
    assert result.returncode == 0, result.stderr
    assert f"{inputs / 'a.txt'}: warning: kept {edited}: it was changed since publish wrote it" in result.stderr
    assert edited.read_text().endswith("my note\n")


def test_out_equal_to_an_input_folder_is_refused_before_anything_is_made(tmp_path):
    """Point 27: --out naming an input folder; --bag ''."""
    inputs = two_articles(tmp_path)
    result = cli("build", str(inputs), "--out", str(inputs), "--format", "txt")
    assert result.returncode == 2
    assert result.stderr == (
        f"{inputs}: error: the output folder is one of the input folders "
        f"(hint: give --out a folder of its own, such as dist)\n"
    )
    assert sorted(p.name for p in inputs.iterdir()) == ["a.txt", "b.txt"]  # no lock file left
    empty = cli("build", str(inputs), "--out", str(tmp_path / "out"), "--bag", "", "--format", "txt")
    assert empty.returncode == 2
    assert empty.stderr == "error: --bag: expected a folder name, not an empty one\n"
    assert not (tmp_path / "out").exists()


def test_a_bag_inside_the_output_folder_and_odd_names_leave_verify_true(tmp_path):
    """Point 29: a bag in the output folder is not an edition folder; a user's file whose
    name holds a newline is not an edition, so the manifest stays what sha256sum reads."""
    out, inputs = tmp_path / "out", two_articles(tmp_path)
    out.mkdir()
    (out / "odd\nname.txt").write_text("mine\n")
    result = cli("build", str(inputs), "--out", str(out), "--format", "txt", "--bag", str(out / "bag"))
    assert result.returncode == 0, result.stderr
    verified_everywhere(out)
    assert (out / "odd\nname.txt").read_text() == "mine\n"
