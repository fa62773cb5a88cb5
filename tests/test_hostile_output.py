"""Hostile and unlucky output folders (issue 15, items 1-4, 7, 12): nothing a user wrote is
lost, two builds never mix, the manifest and state agree with the files at every exit."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

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
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


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
        f"error: {thesis}: the bag folder exists and is not a bag publish wrote; "
        f"publish replaces only a bag it wrote itself "
        f"(hint: choose an empty or new folder for --bag)"
    ]
    assert (thesis / "chapter1.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in thesis.iterdir()) == ["bagit.txt", "chapter1.docx"]
    assert_verified(tmp_path / "dist")


def test_bag_refuses_its_own_bag_once_a_user_file_was_added(tmp_path):
    bag = tmp_path / "bag"
    first = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(bag))
    assert first.returncode == 0, first.stderr
    (bag / "data" / "notes.odt").write_bytes(b"mine")
    again = cli("build", str(SEED), "--out", str(tmp_path / "dist"), "--format", "txt", "--bag", str(bag), "--force")
    assert again.returncode == 1
    assert error_lines(again) == [
        f"error: {bag}: the bag's data folder holds 'notes.odt', which is not an edition; "
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


def test_a_second_run_with_another_article_of_the_same_slug_is_refused(tmp_path):
    first = article(tmp_path, "first.txt", "Council agrees the budget", body="The first story. It is true.")
    assert cli("build", str(first), "--out", "dist", "--format", "txt", cwd=tmp_path).returncode == 0
    edition = tmp_path / "dist" / "2024-03-01-council-agrees-the-budget.txt"
    before = edition.read_bytes()
    second = article(tmp_path, "second.txt", "Council agrees the budget", body="Another story. Quite different.")
    result = cli("build", str(second), "--out", "dist", "--format", "txt", cwd=tmp_path)
    assert result.returncode == 1
    assert error_lines(result) == [
        f"error: {second}: slug '2024-03-01-council-agrees-the-budget' is already used "
        f"by {first.resolve()} (hint: give one of them a `slug:` header line)"
    ]
    assert edition.read_bytes() == before
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
        "error: dist/2024-03-01-council-agrees-the-budget.txt: 2024-03-01-council-agrees"
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
        f"error: {dist / '.publish-state.sqlite'}: .publish-state.sqlite is a folder, "
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
    assert result.stderr.splitlines() == [f"not in SHA256SUMS: {name}"]
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
