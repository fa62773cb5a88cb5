"""A story's life in an agency feed, built into one folder: embargoed, published,
corrected, killed; in ninjs and in NewsML-G2, incrementally and with `--force`.

Each step is a user's `publish build` (the CLI, its clock given by `--now`); after each,
`publish verify` passes, and a `--force` rebuild leaves every file with the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from publish.building.builder import build
from publish.feed import item_version
from publish.model import Item

NAME = "2026-12-07-rail-strike"


def ninjs(version: int, *, status: str = "usable", embargo: str | None = None, body: str, note: str = "") -> bytes:
    document = {
        "uri": "urn:newsml:example.com:20261207:rail-strike",
        "version": str(version),
        "type": "text",
        "language": "en",
        "firstcreated": "2026-12-07T08:00:00Z",
        "versioncreated": f"2026-12-07T{8 + version:02}:00:00Z",
        "pubstatus": status,
        "slugline": "rail-strike",
        "headlines": [{"role": "main", "value": "Rail workers strike over pay"}],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": body}],
    }
    if embargo:
        document["embargoed"] = embargo
    if note:
        document["ednote"] = note
    return json.dumps(document, indent=2).encode()


def newsml(version: int, *, status: str = "usable", embargo: str | None = None, body: str, note: str = "") -> bytes:
    embargoed = f"<embargoed>{embargo}</embargoed>" if embargo else ""
    notes = f"<edNote>{note}</edNote><signal qcode='sig:correction'/>" if note else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:example.com:20261207:rail-strike"
    version="{version}" standard="NewsML-G2" standardversion="2.35">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:example"><name>Example News</name></provider>
    <versionCreated>2026-12-07T{8 + version:02}:00:00Z</versionCreated>
    <firstCreated>2026-12-07T08:00:00Z</firstCreated>
    {embargoed}
    <pubStatus qcode="stat:{status}"/>
    {notes}
  </itemMeta>
  <contentMeta>
    <contentCreated>2026-12-07T07:55:00Z</contentCreated>
    <language tag="en"/>
    <slugline>rail-strike</slugline>
    <headline>Rail workers strike over pay</headline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/nitf+xml">
      <nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content>
        <p>{body}</p>
      </body.content></body></nitf>
    </inlineXML>
  </contentSet>
</newsItem>
""".encode()


FORMATS = {"ninjs": (ninjs, ".json"), "newsml": (newsml, ".xml")}


def publish(*args: str | Path, now: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "publish", "build", *map(str, args), "--now", now, "--format", "epub,pdf,txt"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def verified(out: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "publish", "verify", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def snapshot(out: Path) -> dict[str, str]:
    """Every file publish shows the user (the record aside), by its SHA-256."""
    return {
        str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def forced_the_same(feed: Path, out: Path, now: str) -> None:
    before = snapshot(out)
    result = publish(feed, "--out", out, "--force", now=now)
    assert result.returncode == 0, result.stderr
    assert snapshot(out) == before
    verified(out)


def chapter(epub: Path) -> str:
    return zipfile.ZipFile(io.BytesIO(epub.read_bytes())).read("EPUB/article.xhtml").decode()


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_a_story_embargoed_published_corrected_and_killed(kind, tmp_path):
    make, suffix = FORMATS[kind]
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / f"other{suffix}").write_bytes(
        make(1, body="A different story: the harbour reopens.").replace(b"rail-strike", b"harbour")
    )

    # 1. Embargoed until 10:00: held, exit 0, nothing written of it.
    (feed / f"strike-1{suffix}").write_bytes(
        make(1, embargo="2026-12-07T10:00:00Z", body="Rail workers walked out on Monday.")
    )
    held = publish(feed, "--out", out, now="2026-12-07T09:00:00Z")
    assert held.returncode == 0, held.stderr
    assert (
        f"{feed / f'strike-1{suffix}'}: note: held: item urn:newsml:example.com:20261207:rail-strike is embargoed "
        "until 2026-12-07T10:00:00Z; the next build after that publishes it"
    ) in held.stderr
    assert "1 held" in held.stdout
    assert not list(out.glob(f"{NAME}.*"))
    other = {name: digest for name, digest in snapshot(out).items() if "harbour" in name}
    assert len(other) == 3
    verified(out)

    # 2. After the embargo: published under the story's name.
    published = publish(feed, "--out", out, now="2026-12-07T10:30:00Z")
    assert published.returncode == 0, published.stderr
    assert sorted(path.name for path in out.glob(f"{NAME}.*")) == [f"{NAME}.{s}" for s in ("epub", "pdf", "txt")]
    assert "Item-Version: 1" in (out / f"{NAME}.txt").read_text()
    verified(out)
    forced_the_same(feed, out, "2026-12-07T10:30:00Z")

    # 3. A corrected version 2 in a file of its own: it takes the name, version 1 is kept.
    (feed / f"strike-2{suffix}").write_bytes(
        make(2, body="Rail workers walked out on Tuesday.", note="CORRECTS day of the strike to Tuesday")
    )
    corrected = publish(feed, "--out", out, now="2026-12-07T11:30:00Z")
    assert corrected.returncode == 0, corrected.stderr
    text = (out / f"{NAME}.txt").read_text()
    assert "Item-Version: 2" in text and "walked out on Tuesday" in text
    assert "Correction: CORRECTS day of the strike to Tuesday" in text
    assert "Correction: CORRECTS day of the strike to Tuesday" in chapter(out / f"{NAME}.epub")
    assert "Updated December\u00a07, 2026, 10:00\u202fAM GMT" in chapter(out / f"{NAME}.epub")
    versions = sorted(path.name for path in (out / "versions").iterdir())
    assert versions == [*(f"{NAME}.v1.{s}" for s in ("epub", "pdf", "txt")), "SHA256SUMS"]
    assert "walked out on Monday" in (out / "versions" / f"{NAME}.v1.txt").read_text()
    verified(out)
    forced_the_same(feed, out, "2026-12-07T11:30:00Z")

    # 4. Killed: the story leaves the publication folder, every version is kept, the other story stays.
    (feed / f"strike-3{suffix}").write_bytes(make(3, status="canceled", body="Withdrawn."))
    killed = publish(feed, "--out", out, now="2026-12-07T12:30:00Z")
    assert killed.returncode == 0, killed.stderr
    assert f"{feed / f'strike-3{suffix}'}: note: withdrawn: item urn:newsml:example.com:20261207:rail-strike is" in (
        killed.stderr
    )
    assert f"moved {out / NAME}.txt to {out / 'versions' / NAME}.v2.txt" in killed.stdout
    assert not list(out.glob(f"{NAME}.*"))
    assert sorted(path.name for path in (out / "versions").glob(f"{NAME}.*.txt")) == [
        f"{NAME}.v1.txt",
        f"{NAME}.v2.txt",
    ]
    assert {name: digest for name, digest in snapshot(out).items() if "harbour" in name} == other
    assert f"{NAME}." not in (out / "SHA256SUMS").read_text()
    verified(out)
    forced_the_same(feed, out, "2026-12-07T12:30:00Z")


def test_a_new_version_written_over_the_old_file_keeps_the_old_one(tmp_path):
    """The same file, rewritten by the feed with version 2: version 1's editions are moved
    to versions/ (and stay recorded there), version 2 takes the name."""
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / "strike.json").write_bytes(ninjs(1, body="Rail workers walked out on Monday."))
    assert publish(feed, "--out", out, now="2026-12-07T12:00:00Z").returncode == 0
    first = (out / f"{NAME}.txt").read_bytes()
    (feed / "strike.json").write_bytes(ninjs(2, body="Rail workers walked out on Tuesday."))
    result = publish(feed, "--out", out, now="2026-12-07T12:00:00Z")
    assert result.returncode == 0, result.stderr
    assert (out / "versions" / f"{NAME}.v1.txt").read_bytes() == first
    assert "Tuesday" in (out / f"{NAME}.txt").read_text()
    verified(out)
    forced_the_same(feed, out, "2026-12-07T12:00:00Z")


def test_an_older_version_arriving_late_is_reported_and_kept_aside(tmp_path):
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / "b.json").write_bytes(ninjs(2, body="Rail workers walked out on Tuesday."))
    assert publish(feed, "--out", out, now="2026-12-07T12:00:00Z").returncode == 0
    current = (out / f"{NAME}.txt").read_bytes()
    (feed / "c.json").write_bytes(ninjs(1, body="Rail workers walked out on Monday."))
    late = publish(feed, "--out", out, now="2026-12-07T12:00:00Z")
    assert late.returncode == 0, late.stderr
    assert (
        f"{feed / 'c.json'}: warning: v1 of item urn:newsml:example.com:20261207:rail-strike is older than "
        "the published v2: kept in versions/"
    ) in late.stderr
    assert (out / f"{NAME}.txt").read_bytes() == current
    assert "Monday" in (out / "versions" / f"{NAME}.v1.txt").read_text()
    verified(out)
    forced_the_same(feed, out, "2026-12-07T12:00:00Z")


def test_ignore_embargo_publishes_a_proof(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.json").write_bytes(ninjs(1, embargo="2026-12-08T06:00:00Z", body="Rail workers walked out."))
    proof = publish(feed, "--out", tmp_path / "proofs", "--ignore-embargo", now="2026-12-07T12:00:00Z")
    assert proof.returncode == 0, proof.stderr
    assert (tmp_path / "proofs" / f"{NAME}.pdf").is_file()


def test_two_stories_with_one_headline_and_day_publish_under_distinct_stable_names(tmp_path):
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / "a.json").write_bytes(ninjs(1, body="Rail workers walked out."))
    other = json.loads(ninjs(1, body="Bus drivers joined them."))
    other["uri"] = "urn:newsml:example.com:20261207:bus-strike"
    (feed / "b.json").write_bytes(json.dumps(other).encode())
    result = publish(feed, "--out", out, now="2026-12-07T12:00:00Z")
    assert result.returncode == 0, result.stderr
    suffix = hashlib.sha256(b"urn:newsml:example.com:20261207:bus-strike").hexdigest()[:8]
    assert sorted(path.name for path in out.glob("*.txt")) == [f"{NAME}-{suffix}.txt", f"{NAME}.txt"]
    assert "Bus drivers" in (out / f"{NAME}-{suffix}.txt").read_text()
    forced_the_same(feed, out, "2026-12-07T12:00:00Z")


def test_the_same_item_twice_is_one_article(tmp_path):
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / "a.json").write_bytes(ninjs(1, body="Rail workers walked out."))
    (feed / "b.json").write_bytes(ninjs(1, body="Rail workers walked out."))
    result = publish(feed, "--out", out, now="2026-12-07T12:00:00Z")
    assert result.returncode == 0, result.stderr
    assert f"{feed / 'b.json'}: note: same: the same article as {feed / 'a.json'}: published once" in result.stderr
    assert sorted(path.name for path in out.glob("*.txt")) == [f"{NAME}.txt"]


def test_two_files_giving_one_version_with_other_words_are_refused(tmp_path):
    feed, out = tmp_path / "feed", tmp_path / "dist"
    feed.mkdir()
    (feed / "a.json").write_bytes(ninjs(1, body="Rail workers walked out."))
    (feed / "b.json").write_bytes(ninjs(1, body="Rail workers did not walk out."))
    result = publish(feed, "--out", out, now="2026-12-07T12:00:00Z")
    assert result.returncode == 1
    assert (
        f"{feed / 'b.json'}: error: {feed / 'a.json'} gives v1 of item urn:newsml:example.com:20261207:rail-strike "
        "too, with other content (hint: keep one file per version of an item)"
    ) in result.stderr


def test_versions_sort_by_number_then_time():
    first = item_version(Item("urn:x", 2, updated="2026-12-07T09:00:00Z"))
    later = item_version(Item("urn:x", 2, updated="2026-12-07T10:00:00+02:00"))
    third = item_version(Item("urn:x", 10, updated="2026-12-07T07:00:00Z"))
    timed = item_version(Item("urn:x", None, updated="2026-12-07T07:00:00Z"))
    assert sorted([third, later, first, timed], key=lambda v: v.key) == [timed, later, first, third]
    assert (first.label, timed.label) == ("v2", "v20261207t070000z")
    with pytest.raises(ValueError):
        item_version(Item("urn:x"))


def test_the_api_holds_by_the_clock_it_is_given(tmp_path):
    import datetime

    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.json").write_bytes(ninjs(1, embargo="2026-12-08T06:00:00Z", body="Rail workers walked out."))
    before = build([feed], tmp_path / "out", ["txt"], now=datetime.datetime(2026, 12, 8, 5, 59, tzinfo=datetime.UTC))
    assert before.notices["held"] == 1 and not list((tmp_path / "out").glob("*.txt"))
    after = build([feed], tmp_path / "out", ["txt"], now=datetime.datetime(2026, 12, 8, 6, 0, 1, tzinfo=datetime.UTC))
    assert after.notices["held"] == 0 and [p.name for p in (tmp_path / "out").glob("*.txt")] == [f"{NAME}.txt"]


def test_a_digest_of_a_feed_holds_each_story_once_and_none_killed_or_embargoed(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a1.json").write_bytes(ninjs(1, body="Rail workers walked out on Monday."))
    (feed / "a2.json").write_bytes(ninjs(2, body="Rail workers walked out on Tuesday."))
    killed = json.loads(ninjs(1, status="canceled", body="Withdrawn."))
    killed["uri"] = "urn:x:killed"
    (feed / "b.json").write_bytes(json.dumps(killed).encode())
    held = json.loads(ninjs(1, embargo="2026-12-08T06:00:00Z", body="Bus drivers will strike."))
    held["uri"], held["headlines"] = "urn:x:held", [{"role": "main", "value": "Bus drivers to strike"}]
    (feed / "c.json").write_bytes(json.dumps(held).encode())

    def digest(now: str) -> subprocess.CompletedProcess[str]:
        command = ["collect", str(feed), "--out", str(tmp_path / "out"), "--title", "Desk", "--format", "txt"]
        return subprocess.run(
            [sys.executable, "-m", "publish", *command, "--now", now], capture_output=True, text=True, timeout=300
        )

    early = digest("2026-12-07T12:00:00Z")
    assert early.returncode == 0, early.stderr
    text = (tmp_path / "out" / "undated-desk.txt").read_text()
    assert "Tuesday" in text and "Monday" not in text and "Withdrawn" not in text and "Bus drivers" not in text
    assert f"{feed / 'a1.json'}: warning: an older version of item urn:newsml:example.com:20261207:rail-strike" in (
        early.stderr
    )
    late = digest("2026-12-08T07:00:00Z")  # the embargo is over: the digest is made again, with it
    assert late.returncode == 0, late.stderr
    assert "Bus drivers" in (tmp_path / "out" / "undated-desk.txt").read_text()


@pytest.mark.parametrize(
    "make, word, status",
    [
        (ninjs, "withdrawn", "canceled"),
        (ninjs, "Cancelled", "canceled"),
        (ninjs, "withheld", "withheld"),
        (newsml, "cancelled", "canceled"),
        (newsml, "withdrawn", "canceled"),
    ],
)
def test_the_words_feeds_use_for_a_kill_are_read_as_one(make, word, status):
    """ninjs feeds send "withdrawn" for a kill too (the issue names it), British ones "Cancelled"."""
    from publish.readers import read_bytes

    suffix = ".json" if make is ninjs else ".xml"
    item = read_bytes(make(2, status=word, body="Withdrawn."), Path(f"story{suffix}")).article.item
    assert item is not None and item.status == status


def test_a_status_no_feed_uses_is_refused_naming_the_property():
    from publish.errors import InputError
    from publish.readers import read_bytes

    with pytest.raises(InputError, match="'spiked' is not a status"):
        read_bytes(ninjs(1, status="spiked", body="Text."), Path("story.json"))
