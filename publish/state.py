"""What the builds into a folder made, so unchanged articles are not rebuilt.

The record is a SQLite database in the output folder (standard library, WAL mode): one
row per article (its settings key, input digest and the input's size, modification time
and inode) and one per edition (relative name, SHA-256, size, modification time, inode).
It is updated article by article in small transactions, never rewritten whole, and read
a batch of articles at a time, so memory stays flat over millions of articles.

An article is up to date when the settings key (editions, options, templates, fonts,
publish and library versions) is the one recorded, its input bytes are the ones recorded
and each edition is still there with the recorded SHA-256. Deciding that must not read
a million files: a file whose size, modification time and inode are the recorded ones is
taken as unchanged; only a file whose stat differs is hashed (a touched input whose
bytes did not change rebuilds nothing; one changed byte rebuilds its article). Content
hashes stay the truth: `--force` and `publish verify` read everything.

The record is also the build's journal, so a folder is consistent after any crash: an
article's new set is recorded, with the temporaries it is renamed from (`pending`) and
the folders whose manifests it changes (`dirty`), in one committed transaction before
the first rename. The next build into the folder finishes what a killed one began (the
renames, the old copies to remove) and rewrites the manifests of its dirty folders.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from publish.editions import edition as edition_by_name
from publish.editions import edition_of, file_name
from publish.errors import InputError, OutputError, PublishError
from publish.feed import VERSIONS_FOLDER, ItemVersion, version_name
from publish.keys import edition_digests, rebuild_keys
from publish.options import RenderOptions
from publish.output import commit_set, layout_folder, real_folder, refuse_link, sha256
from publish.processes import die_with_parent

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

STATE_FILE = ".publish-state.sqlite"
#: The record of publish before 0.2: read once, migrated, then removed.
OLD_STATE_FILE = ".publish-state.json"
#: 2: the agency items of a feed (their names, versions and kills) and each article's place.
#: 3: each edition's own rebuild key (`editions.settings`); a record of 2 gains the column,
#: empty, so each article is rebuilt once (its slug keeping its claim meanwhile).
SCHEMA_VERSION = 3
#: Articles looked up in one query when planning a build.
LOOKUP_BATCH = 500
#: Fewest articles worth planning in several processes: below this a fork costs more than
#: the stats it spreads (the stat calls are most of a no-op rebuild's time).
PARALLEL_PLAN_MIN = 10_000
#: Seconds a build waits for another process's write transaction before giving up.
BUSY_SECONDS = 60
#: Seconds a build waits, before it begins, for a record another program holds locked:
#: only publish writes it, under the folder's lock, so a longer wait means a stranger.
OPEN_BUSY_SECONDS = 5

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    source TEXT PRIMARY KEY, settings TEXT NOT NULL, input TEXT NOT NULL, slug TEXT NOT NULL, date TEXT,
    size INTEGER, mtime_ns INTEGER, inode INTEGER, item TEXT, version TEXT, label TEXT, name TEXT,
    identifier TEXT);
CREATE INDEX IF NOT EXISTS articles_item ON articles (item);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, current TEXT, version TEXT, killed TEXT);
CREATE INDEX IF NOT EXISTS items_name ON items (name);
CREATE INDEX IF NOT EXISTS articles_slug ON articles (slug);
CREATE TABLE IF NOT EXISTS editions (
    name TEXT PRIMARY KEY, source TEXT NOT NULL, digest TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, inode INTEGER, settings TEXT);
CREATE INDEX IF NOT EXISTS editions_source ON editions (source);
CREATE TABLE IF NOT EXISTS pending (
    name TEXT PRIMARY KEY, source TEXT NOT NULL, temporary TEXT, digest TEXT,
    size INTEGER, mtime_ns INTEGER, inode INTEGER);
CREATE TABLE IF NOT EXISTS dirty (folder TEXT PRIMARY KEY);
"""
#: `pending`: an edition to rename in from `temporary`, or (`temporary` NULL) an old copy
#: of an article now elsewhere, to remove if it is still what publish wrote (`digest`
#: and stat); done in the order journaled (an older version moves to `versions/` before
#: the newer one takes its name). `dirty`: a folder (relative, '' for the top) whose
#: manifest must be rewritten. `articles.slug` is the name its files have (`name` the
#: story's, for an older version kept in `versions/`); `item`, `version`, `label`: the
#: agency item it is a version of (see `publish.feed`). `items`: each story of a feed, its
#: name, its current version (the source that has it, and its key) and the key of a kill.
#: `articles.identifier`: the article's content identifier (the same article in two files).

#: (size, mtime_ns, inode): what decides "unchanged" without reading a file.
Stat = tuple[int, int, int]


def stat_of(path: str | Path) -> Stat:
    result = os.stat(path)
    return result.st_size, result.st_mtime_ns, result.st_ino


class Entry(NamedTuple):
    """An up-to-date article's record: its slug and date (a small tuple: a build makes
    and holds one per article)."""

    slug: str
    #: The date as recorded (ISO), or None.
    day: str | None

    @property
    def date(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.day) if self.day else None


#: An up-to-date article's entry when its slug and date were not asked for.
NO_DETAILS = Entry("", None)


@dataclass(frozen=True)
class Rebuild:
    """An article whose input is unchanged and only some of whose editions are out of
    date (a setting or template that shapes only them changed, or one was lost): only
    `formats` are rendered again, the others stay as they are, not rewritten."""

    formats: tuple[str, ...]


#: What planning says of an article: up to date (`Entry`), some editions to make again
#: (`Rebuild`), or None: build it whole.
Plan = Entry | Rebuild | None


class BuildState:
    """The folder's record of built articles; open for the length of a build (under the
    folder lock), changes committed in batches by `save`."""

    def __init__(
        self,
        folder: Path,
        settings: str,
        formats: tuple[str, ...] = (),
        layout: str = "flat",
        edition_settings: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.formats = formats
        self.layout = layout
        #: Digest of everything besides the input that shapes every edition (the article's key).
        self.settings = hashlib.sha256(settings.encode()).hexdigest()
        #: Per edition, the digest of what shapes it alone (the edition's key).
        self.edition_keys = edition_digests(formats, edition_settings or {})
        #: Which edition an edition's key is the key of.
        self._kinds = {key: kind for kind, key in self.edition_keys.items()}
        #: The output folder as a path prefix.
        self._prefix = os.path.join(str(folder), "")
        #: Manifests read this build to tell publish's files from others' (one folder's).
        self._manifests: dict[str, dict[str, str]] = {}
        #: Forked processes planning a large batch, kept from one segment to the next.
        self._planners: ProcessPoolExecutor | None = None
        #: Names an older version moves out of in this install (its files are still there).
        self._vacating: set[str] = set()
        #: A record made by this build that is still empty is removed again at the end.
        self._created = not (folder / STATE_FILE).exists()
        self.db = _open(folder)
        _migrate_json(folder, self.db)

    #: A record opened by `peek`: read, never written (a stat found changed is not remembered).
    read_only = False

    @classmethod
    def load(
        cls, folder: Path, formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat"
    ) -> BuildState:
        common, editions = rebuild_keys(formats, options, encoding, layout)
        return cls(folder, common, formats, layout, editions)

    @classmethod
    def peek(
        cls, folder: Path, formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat"
    ) -> BuildState | None:
        """The folder's record opened to read only (a dry run: nothing in the folder is
        made or changed, not even SQLite's journal files), or None when it has none, or one a
        build would set aside (not a database, another schema). It is read as it is on disk,
        without the folder's lock: what a build would do now."""
        path = folder / STATE_FILE
        if not path.is_file():
            return None
        state = cls.__new__(cls)
        state.folder, state.formats, state.layout = folder, formats, layout
        common, editions = rebuild_keys(formats, options, encoding, layout)
        state.settings = hashlib.sha256(common.encode()).hexdigest()
        state.edition_keys = edition_digests(formats, editions)
        state._kinds = {key: kind for kind, key in state.edition_keys.items()}
        state._prefix, state._manifests, state._vacating = os.path.join(str(folder), ""), {}, set()
        state._created, state._planners, state.read_only = False, None, True
        try:
            state.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, factory=_Record)
        except sqlite3.OperationalError as error:
            raise OutputError(
                f"cannot read the build record: {error}", path=str(path), hint=_record_hint(str(error))
            ) from None
        try:
            version = state.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            state.db.execute("SELECT count(*) FROM articles WHERE rowid = 1").fetchone()
        except sqlite3.OperationalError as error:
            state.db.close()
            if "no such table" in str(error):
                return None  # an empty or foreign database: a build would set it aside
            raise OutputError(
                f"cannot read the build record: {error}", path=str(path), hint=_record_hint(str(error))
            ) from None
        except sqlite3.DatabaseError:
            state.db.close()
            return None  # not a database: a build sets it aside and builds everything
        if version is None or version[0] != str(SCHEMA_VERSION):
            state.db.close()
            return None
        state.db.path = str(path)
        return state

    def recorded(self, source: str | Path) -> bool:
        """Whether the record holds `source` (built into this folder before, with any settings)."""
        return self.db.execute("SELECT 1 FROM articles WHERE source = ?", (_name(Path(source)),)).fetchone() is not None

    def why_out_of_date(self, source: str | Path) -> str:
        """Why a build would make `source`'s editions again (a dry run says it)."""
        key = _name(Path(source))
        row = self.db.execute("SELECT settings, input FROM articles WHERE source = ?", (key,)).fetchone()
        if row is None:
            return "not built into this folder before"
        if row[0] != self.settings:
            return "built before with other options, templates, fonts or publish version"
        try:
            if sha256(Path(source)) != row[1]:
                return "its input changed since it was built"
        except OSError:
            return "its input cannot be read"
        return "an edition of it is missing or was changed since it was built"

    # Deciding what is up to date ------------------------------------------------------

    def plan(self, sources: Sequence[str], details: bool = True) -> Iterator[Plan]:
        """For each source (absolute path), in order, its record if its editions are up to
        date, `Rebuild` naming the editions that are not when only some are (a setting that
        shapes only those changed, or one was lost), else None (build it all): one query
        per batch of sources, and per article a stat of its input and of each edition (the
        no-op rebuild of an archive is this loop, so its common case is written out here).
        Without `details` an entry's slug and date are left empty (not fetched)."""
        editions = len(self.formats)
        prefix = self._prefix
        kinds = self._kinds
        for start in range(0, len(sources), LOOKUP_BATCH):
            batch = sources[start : start + LOOKUP_BATCH]
            keys = [_key(name) for name in batch]
            rows = self._rows(keys, details)
            for name, key in zip(batch, keys):
                found = rows.get(key)
                if found is None:
                    yield None
                    continue
                if len(found) == editions and all(row[8] in kinds for row in found):
                    try:
                        same = _stat(name) == found[0][1:4] and all(
                            (now := os.stat(prefix + row[4])) and _stat(now) == row[5:8] and _readable(now)
                            for row in found
                        )
                    except OSError:
                        same = False
                    if same:
                        yield Entry(*found[0][9:11]) if details else NO_DETAILS
                        continue
                yield self._check(name, found, input_stat=True, details=details, key=key)

    def plan_all(self, sources: Sequence[str], details: bool = True, processes: int = 1) -> list[Plan]:
        """`plan` for every source, in `processes` forked processes for a large archive (each
        with its own connection; a stat it refreshes is committed there), else here."""
        return self.plan_later(sources, details, processes)()

    def plan_later(self, sources: Sequence[str], details: bool = True, processes: int = 1) -> Callable[[], list[Plan]]:
        """`plan_all`, its forked processes set to work now and their answer asked for
        later (by calling what this returns), so the caller can list the next inputs
        meanwhile. Planned here, it all happens when asked for."""
        import multiprocessing

        if processes <= 1 or len(sources) < PARALLEL_PLAN_MIN or "fork" not in multiprocessing.get_all_start_methods():
            return lambda: list(self.plan(sources, details))
        from concurrent.futures import ProcessPoolExecutor

        self.db.commit()  # nothing of this connection's may be pending while others write
        if self._planners is None:
            self._planners = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent
            )
        size = -(-len(sources) // processes)
        planned = [
            self._planners.submit(
                _plan_part, self.folder, self.settings, self.edition_keys, self.formats, self.layout, part, details
            )
            for part in (sources[start : start + size] for start in range(0, len(sources), size))
        ]
        return lambda: [entry for future in planned for entry in future.result()]

    def stop_planning(self) -> None:
        """End the planning processes: before any other process is forked (a pool's
        threads must not be running then), and at the end."""
        if self._planners is not None:
            self._planners.shutdown(wait=True)
            self._planners = None

    def current(self, source: Path, input_digest: str) -> Entry | None:
        """The record for `source` (a digest's key) if it was made from inputs whose digest
        is `input_digest` and its editions are up to date, else None."""
        name = _name(source)
        found = self._rows([name]).get(name)
        recorded = self.db.execute("SELECT input FROM articles WHERE source = ?", (name,)).fetchone()
        if found is None or recorded is None or recorded[0] != input_digest:
            return None
        checked = self._check(name, found, input_stat=False)
        return checked if isinstance(checked, Entry) else None

    def _rows(self, names: Sequence[str], details: bool = True) -> dict[str, list[tuple]]:
        """The records of `names` made with this build's shared settings: per source, one
        row per edition, (source, input stat, edition, edition stat, edition key[, slug,
        date]); one query, and no digests (only a file whose stat changed needs one).
        Every column costs: the slug and date only when asked for."""
        rows: dict[str, list[tuple]] = {}
        for row in self.db.execute(
            "SELECT a.source, a.size, a.mtime_ns, a.inode, e.name, e.size, e.mtime_ns, e.inode, e.settings"
            + (", a.slug, a.date " if details else " ")
            + "FROM articles a JOIN editions e ON e.source = a.source "
            f"WHERE a.settings = ? AND a.source IN ({','.join('?' * len(names))})",
            (self.settings, *names),
        ):
            if row[0] in rows:
                rows[row[0]].append(row)
            else:
                rows[row[0]] = [row]
        return rows

    def _check(
        self, name: str, rows: list[tuple], input_stat: bool, details: bool = True, key: str | None = None
    ) -> Plan:
        """The article's entry when its input (with `input_stat`) and every edition asked
        for are unchanged and made with their edition's key, reading a file whose stat
        changed; `Rebuild` naming the editions that are not when the input is unchanged;
        None when it must be built whole."""
        if input_stat and not self._unchanged(name, rows[0][1:4], "articles", "source", "input", key):
            return None
        current = {
            self._kinds[row[8]]
            for row in rows
            if row[8] in self._kinds
            and self._unchanged(self._prefix + row[4], row[5:8], "editions", "name", "digest", row[4])
        }
        stale = tuple(kind for kind in self.formats if kind not in current)
        if not stale:
            return Entry(*rows[0][9:11]) if details else NO_DETAILS
        return Rebuild(stale) if current else None

    def _unchanged(
        self, path: str, recorded: tuple, table: str, column: str, digest: str, key: str | None = None
    ) -> bool:
        """Whether the file at `path` still has the recorded content: its stat decides,
        and only a changed stat makes it read and compare with the recorded `digest` column
        (then the new stat is remembered)."""
        try:
            found = os.stat(path)
        except OSError:
            return False
        now = (found.st_size, found.st_mtime_ns, found.st_ino)
        if now == recorded and (table != "editions" or _readable(found, path)):
            return True  # (an edition someone made unreadable is not "there": it is rebuilt)
        where = f"WHERE {column} = ?"
        (expected,) = self.db.execute(f"SELECT {digest} FROM {table} {where}", (key or path,)).fetchone()
        try:
            if sha256(Path(path)) != expected:
                return False
        except OSError:
            return False
        if self.read_only:
            return True
        self.db.execute(f"UPDATE {table} SET size = ?, mtime_ns = ?, inode = ? {where}", (*now, key or path))
        return True

    def key(self, input_digest: str) -> str:
        return hashlib.sha256(f"{self.settings}\0{input_digest}".encode()).hexdigest()

    def edition_name(self, slug: str, date: datetime.date | None, edition: str) -> str:
        """An edition's name relative to the output folder, in this build's layout."""
        return layout_folder(date, self.layout) + file_name(slug, edition)

    # Recording and putting sets in place --------------------------------------------

    def install(self, sets: Sequence[NewSet], slug_hint: str | None = None) -> list[Installed]:
        """Put articles' new sets in place, in order, crash-safely: each is placed (its
        name: the story's for an agency item, a free one for an article whose slug another
        story has, `versions/` for an older version, an older version moved there) and
        decided (no folder or file of someone else's is in the way, no folder is a link),
        recorded and journaled; one commit; then the renames, and the old copies of an
        article now elsewhere are removed. A killed build leaves the journal, which the
        next build's `recover` finishes. With `slug_hint` (a digest) a slug another has is
        refused with that hint instead."""
        outcomes: list[Installed] = []
        decided: list[tuple[NewSet, Installed]] = []
        for new in sets:
            outcome = Installed(new.source)
            outcomes.append(outcome)
            try:
                if slug_hint is None:
                    new = self._place(new, outcome)
                self._decide(new, slug_hint)
            except (PublishError, Duplicate) as error:
                if isinstance(error, Duplicate):
                    outcome.duplicate = error.owner
                else:
                    outcome.error = error if error.path else error.located(str(new.source))
                for _, temporary, _, _ in new.editions:
                    temporary.unlink(missing_ok=True)
                continue
            outcome.name = new.slug if new.story is None else None  # an older version has no name of its own
            outcome.dropped = self._record(new)
            outcome.touched.update(name.rpartition("/")[0] for name, *_ in new.editions)
            decided.append((new, outcome))
        if not decided:
            return outcomes
        self.db.commit()  # the journal is on disk before the first rename
        for new, outcome in decided:
            self._move_out(outcome)
            try:
                outcome.written = tuple(
                    commit_set({self.folder / name: temporary for name, temporary, _, _ in new.editions})
                )
            except OSError as error:
                # The set is not in place as recorded: forgotten, so the next build makes it again.
                self.forget(new.source)
                outcome.error = OutputError(f"cannot write: {error.strerror}", path=str(new.source))
                outcome.dropped = []
                continue
            self.db.execute("DELETE FROM pending WHERE source = ? AND temporary IS NOT NULL", (_name(new.source),))
            for name, digest, recorded in outcome.dropped:
                if self._drop(name, digest, recorded):
                    outcome.touched.add(name.rpartition("/")[0])
                else:
                    outcome.kept.append(name)
            self.db.execute("DELETE FROM pending WHERE source = ?", (_name(new.source),))
        return outcomes

    def _decide(self, new: NewSet, slug_hint: str | None) -> None:
        """Raise the reason `new` may not go in: (a digest's) slug is another's, a folder
        on its way is a link or a file, or a name it takes is a folder or a file publish
        did not write."""
        if slug_hint is not None:
            owner = self.claim(new.slug, new.source, new.input_digest, new.input_stat)
            if owner is not None:
                raise InputError(f"slug {new.slug!r} is already used by {path_of(owner)}", hint=slug_hint)
        for name, _, digest, _ in new.editions:
            real_folder(self.folder, name.rpartition("/")[0])
            target = self.folder / name
            if target.is_dir() and not target.is_symlink():
                raise OutputError(
                    f"{target.name} is a folder, not an edition",
                    path=str(target),
                    hint="move the folder away; publish never deletes what it did not write",
                )
            if self._in_the_way(name, digest):
                raise InputError(
                    f"{target} is in the way: publish did not write it",
                    hint="move it away; publish never overwrites a file it did not write",
                )

    # Placing: names, versions, kills (the rules are `publish.feed`'s) ----------------

    def _place(self, new: NewSet, outcome: Installed) -> NewSet:
        """`new` named where it goes: an agency item's version under its story's name, or
        (older than the story's current version or kill) in `versions/`; an article whose
        slug another story has under the first free `slug-2`, `slug-3`... Raises
        `Duplicate` for the same article again, InputError for a second file that gives
        the same version of an item with other content."""
        if new.item is None:
            return self._named(new, self._free_name(new, new.slug))
        item = new.item
        me = _name(new.source)
        row = self.db.execute("SELECT name, current, version, killed FROM items WHERE id = ?", (item.id,)).fetchone()
        if row is None:
            name = self._free_name(new, new.slug)
            self.db.execute("INSERT INTO items VALUES (?, ?, ?, ?, NULL)", (item.id, name, me, item.key))
            return self._named(new, name)
        name, current, current_key, killed = row
        held = self.db.execute("SELECT slug FROM articles WHERE source = ?", (me,)).fetchone()
        kept_before = held is not None and held[0] == version_name(name, item.label)  # (said when it came)
        if killed is not None and item.key <= killed:
            if not kept_before:
                outcome.notes.append(
                    f"{item.label} of item {item.id} is not newer than its kill: kept in {VERSIONS_FOLDER}/"
                )
            return self._as_version(new, name)
        if current is not None and item.key == current_key and current != me:
            if self._same_article(current, new):
                raise Duplicate(path_of(current))
            raise InputError(
                f"{path_of(current)} gives {item.label} of item {item.id} too, with other content",
                hint="keep one file per version of an item",
            )
        if current is None or item.key >= current_key:
            if current is not None and item.key > current_key:
                self._retire(current, name, outcome, me)
            self.db.execute(
                "UPDATE items SET current = ?, version = ?, killed = NULL WHERE id = ?", (me, item.key, item.id)
            )
            return self._named(new, name)
        label = self.db.execute("SELECT label FROM articles WHERE source = ?", (current,)).fetchone()
        newer = label[0] if label else "a newer version"
        if not kept_before:
            outcome.notes.append(
                f"{item.label} of item {item.id} is older than the published {newer}: kept in {VERSIONS_FOLDER}/"
            )
        return self._as_version(new, name)

    def withdraw(self, source: Path, item: ItemVersion, slug: str) -> Installed:
        """A kill (or a withholding) of `item` read from `source`: the story's current
        editions move to `versions/` (journaled, then moved), unless a newer version
        stands; the item is recorded as killed at this version."""
        outcome = Installed(source)
        row = self.db.execute("SELECT name, current, version, killed FROM items WHERE id = ?", (item.id,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO items VALUES (?, ?, NULL, NULL, ?)", (item.id, slug, item.key))
            outcome.notes.append(f"item {item.id} is {item.status}: nothing of it was published")
        else:
            name, current, current_key, killed = row
            if current is not None and current_key > item.key:
                outcome.notes.append(
                    f"a {item.status} {item.label} of item {item.id} is older than the published one: ignored"
                )
            elif killed is not None and killed >= item.key:
                outcome.notes.append(f"item {item.id} is {item.status}: its editions are in {VERSIONS_FOLDER}/")
            else:
                if current is not None:
                    self._retire(current, name, outcome, _name(source))
                self.db.execute("UPDATE items SET current = NULL, killed = ? WHERE id = ?", (item.key, item.id))
                outcome.notes.append(
                    f"item {item.id} is {item.status}: {name} withdrawn, its editions kept in {VERSIONS_FOLDER}/"
                )
        self.db.commit()  # the journal first
        self._move_out(outcome)
        return outcome

    def _retire(self, source: str, name: str, outcome: Installed, arriving: str) -> None:
        """Record (and journal) the move of the version `source` holds into `versions/`:
        its files renamed `<name>.<label>.<suffix>` there, its record kept (under a key of
        its own when `arriving`, the input now read, is that same file: it holds another
        version now, and its record is the new one's)."""
        label_row = self.db.execute("SELECT label FROM articles WHERE source = ?", (source,)).fetchone()
        label = label_row[0] if label_row and label_row[0] else "v0"
        stored = f"{source}\0{label}" if source == arriving else source
        if stored != source:
            self.db.execute("DELETE FROM articles WHERE source = ?", (stored,))
            self.db.execute("DELETE FROM editions WHERE source = ?", (stored,))
            self.db.execute(
                "INSERT INTO articles SELECT ?, settings, input, slug, date, NULL, NULL, NULL, item, version, label, "
                "name, identifier FROM articles WHERE source = ?",
                (stored, source),
            )
        self.db.execute(
            "UPDATE articles SET slug = ?, name = ? WHERE source = ?", (version_name(name, label), name, stored)
        )
        for old, digest, size, mtime, inode, settings in self.db.execute(
            "SELECT name, digest, size, mtime_ns, inode, settings FROM editions WHERE source = ?", (source,)
        ).fetchall():
            kind = edition_of(old.rpartition("/")[2])
            assert kind is not None  # a recorded edition's name is an edition's
            moved = f"{VERSIONS_FOLDER}/{file_name(version_name(name, label), kind.name)}"
            self.db.execute("DELETE FROM editions WHERE name = ?", (old,))
            self.db.execute(
                "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (moved, stored, digest, size, mtime, inode, settings),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?, ?, ?, ?)",
                (moved, stored, str(self.folder / old), digest, size, mtime, inode),
            )
            self.db.execute("INSERT OR IGNORE INTO dirty VALUES (?)", (old.rpartition("/")[0],))
            self._vacating.add(old)
            outcome.moved.append((old, moved))
            outcome.touched.update({old.rpartition("/")[0], VERSIONS_FOLDER})
        self.db.execute("INSERT OR IGNORE INTO dirty VALUES (?)", (VERSIONS_FOLDER,))
        if stored != source:
            self.db.execute("DELETE FROM articles WHERE source = ?", (source,))

    def _move_out(self, outcome: Installed) -> None:
        """Move the older version's files that `outcome` journaled into `versions/`."""
        for old, moved in outcome.moved:
            try:
                real_folder(self.folder, VERSIONS_FOLDER)
                if os.path.lexists(self.folder / old):
                    os.replace(self.folder / old, self.folder / moved)
            except (OSError, PublishError) as error:
                raise OutputError(f"cannot move {old} to {VERSIONS_FOLDER}/: {error}", path=str(self.folder)) from None
            self.db.execute("DELETE FROM pending WHERE name = ?", (moved,))
            self._vacating.discard(old)

    def _free_name(self, new: NewSet, slug: str) -> str:
        """The first name from `slug` that no other story holds: `slug`, then (an agency
        item) `slug-` and 8 hex digits of the item id's SHA-256, or (any other article)
        `slug-2`, `slug-3`... A name this source already holds stays its own."""
        me = _name(new.source)
        held = self.db.execute("SELECT slug FROM articles WHERE source = ?", (me,)).fetchone()
        if new.item is not None:
            candidates: Iterator[str] = iter((slug, f"{slug}-{hashlib.sha256(new.item.id.encode()).hexdigest()[:8]}"))
        else:
            candidates = (slug if number == 1 else f"{slug}-{number}" for number in itertools.count(1))
        if held is not None and (held[0] == slug or held[0].startswith(f"{slug}-")):
            candidates = itertools.chain((held[0],), candidates)
        for name in candidates:
            owner = self.claim(name, new.source, new.input_digest, new.input_stat)
            item = self.db.execute(
                "SELECT id FROM items WHERE name = ? AND id <> ?", (name, new.item.id if new.item else "")
            ).fetchone()
            if owner is None and item is None:
                return name
            if owner is not None and new.item is None and self._same_article(owner, new):
                raise Duplicate(path_of(owner))
        raise InputError(
            f"no free name for {slug!r}: other stories hold it and the one made from this item's id",
            hint="give the item a slugline of its own",
        )

    def _same_article(self, other: str, new: NewSet) -> bool:
        """Whether the record `other` is of the article `new` is (the same bytes, or the
        same content: one story filed with other line ends, say)."""
        row = self.db.execute("SELECT input, identifier FROM articles WHERE source = ?", (other,)).fetchone()
        return row is not None and (
            row[0] == new.input_digest or (new.identifier is not None and row[1] == new.identifier)
        )

    def _named(self, new: NewSet, name: str) -> NewSet:
        """`new` with its files named after `name` in this build's layout."""
        if name == new.slug:
            return new
        names = [self.edition_name(name, new.date, kind) for kind in new.kinds]
        return replace(new, slug=name, editions=_renamed(new.editions, names))

    def _as_version(self, new: NewSet, name: str) -> NewSet:
        """`new` (an older version) with its files named for `versions/`."""
        assert new.item is not None
        stored = version_name(name, new.item.label)
        names = [f"{VERSIONS_FOLDER}/{file_name(stored, kind)}" for kind in new.kinds]
        return replace(new, slug=stored, story=name, editions=_renamed(new.editions, names))

    def _in_the_way(self, name: str, digest: str) -> bool:
        """Whether a file stands at `name` that publish cannot be shown to have written: not
        in its record (an edition, or one being put in place), not listed with its bytes in
        the folder's manifest (a record lost or set aside), nor the very bytes about to be
        written (nothing would be lost)."""
        target = self.folder / name
        if not os.path.lexists(target) or name in self._vacating:
            return False
        if self.db.execute(
            "SELECT 1 FROM editions WHERE name = ? UNION ALL SELECT 1 FROM pending WHERE name = ?", (name, name)
        ).fetchone():
            return False
        if target.is_symlink() or not target.is_file():
            return True
        try:
            found = sha256(target)
        except OSError:
            return True
        folder, _, file = name.rpartition("/")
        return found != digest and self._manifest(folder).get(file) != found

    def _manifest(self, folder: str) -> dict[str, str]:
        """A folder's SHA256SUMS as {name: digest}, read once per build (only when a file
        the record does not know stands in the way), {} when unreadable."""
        if folder not in self._manifests:
            from publish.archive import read_manifest

            try:
                self._manifests = {folder: read_manifest(self.folder / folder)}
            except PublishError:
                self._manifests = {folder: {}}
        return self._manifests[folder]

    def _record(self, new: NewSet) -> list[tuple[str, str, Stat]]:
        """Record `new` and journal it (its renames, its dirty folders, its old copies to
        remove); the old copies, as (name, digest, stat recorded), are returned."""
        key = _name(new.source)
        names = {name for name, *_ in new.editions}
        kept = _kept_names(new)
        old = [
            (name, digest, (size, mtime, inode))
            for name, digest, size, mtime, inode in self.db.execute(
                "SELECT name, digest, size, mtime_ns, inode FROM editions WHERE source = ?", (key,)
            )
            if name not in names and name not in kept
        ]
        self.record(
            new.source,
            new.input_digest,
            new.slug,
            new.date,
            {name: digest for name, _, digest, _ in new.editions},
            {name: edition_stat for name, _, _, edition_stat in new.editions},
            new.input_stat,
            new.item,
            new.story,
            new.identifier,
            kept,
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, NULL, ?, ?, ?)",
            [(name, key, str(temporary), *edition_stat) for name, temporary, _, edition_stat in new.editions],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO pending VALUES (?, ?, NULL, ?, ?, ?, ?)",
            [(name, key, digest, *recorded) for name, digest, recorded in old],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO dirty VALUES (?)",
            [(name.rpartition("/")[0],) for name in (*names, *(name for name, _, _ in old))],
        )
        return old

    def _drop(self, name: str, digest: str | None, recorded: tuple[Any, ...]) -> bool:
        """Remove the old copy `name` if it is still what publish wrote (the recorded stat,
        else the recorded digest); False when it was changed since (it is the user's now)."""
        path = self.folder / name
        try:
            found = os.lstat(path)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        try:
            if not stat.S_ISREG(found.st_mode):
                return False
            if _stat(found) != tuple(recorded) and (digest is None or sha256(path) != digest):
                return False
            real_folder(self.folder, name.rpartition("/")[0], create=False)
            path.unlink()
        except (OSError, PublishError):
            return False
        return True

    def recover(self) -> list[str]:
        """Finish what a killed build began: rename in each journaled edition whose
        temporary is still there, remove the old copies still as publish wrote them; the
        folders whose manifests must be rewritten are returned (and stay marked until
        `manifests_written`)."""
        rows = self.db.execute(
            "SELECT name, temporary, digest, size, mtime_ns, inode FROM pending ORDER BY rowid"
        ).fetchall()
        for name, temporary, digest, *recorded in rows:
            try:
                if temporary is None:
                    self._drop(name, digest, tuple(recorded))
                elif os.path.lexists(temporary):
                    real_folder(self.folder, name.rpartition("/")[0])
                    os.replace(temporary, self.folder / name)
            except (OSError, PublishError):
                pass  # its record then differs from the file: the article is built again
        if rows:
            self.db.execute("DELETE FROM pending")
            self.db.commit()
        return [folder for (folder,) in self.db.execute("SELECT folder FROM dirty ORDER BY folder")]

    def manifests_written(self, folders: Sequence[str]) -> None:
        """The manifests of `folders` agree with the record again."""
        self.db.executemany("DELETE FROM dirty WHERE folder = ?", [(folder,) for folder in folders])

    def record(
        self,
        source: Path,
        input_digest: str,
        slug: str,
        date: datetime.date | None,
        digests: dict[str, str],
        stats: dict[str, Stat] | None = None,
        input_stat: Stat | None = None,
        item: ItemVersion | None = None,
        story: str | None = None,
        identifier: str | None = None,
        keep: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Remember what `source` produced from the input with `input_digest` (the bytes
        actually rendered, not the file as it may be now): edition name -> SHA-256, with
        the stats the files had when written (taken here when not given) and the key of
        the edition each is; the agency item it is a version of, and the story's name
        (when its files are named otherwise). The recorded editions named in `keep` (up to
        date, not made again) stay recorded as they were."""
        name = _name(source)
        if input_stat is None:
            input_stat = _stat_or_none(str(source))
        self.db.execute(
            f"DELETE FROM editions WHERE source = ? AND name NOT IN ({','.join('?' * len(keep))})", (name, *keep)
        )
        self.db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                self.settings,
                input_digest,
                slug,
                date.isoformat() if date else None,
                *(input_stat or (None, None, None)),
                item.id if item else None,
                item.key if item else None,
                item.label if item else None,
                story,
                identifier,
            ),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    edition,
                    name,
                    digest,
                    *((stats or {}).get(edition) or _stat_or_none(str(self.folder / edition)) or (None, None, None)),
                    self._edition_key(edition),
                )
                for edition, digest in digests.items()
            ],
        )

    def _edition_key(self, name: str) -> str | None:
        """The key of the edition a file `name` is (None for one this build does not make)."""
        kind = edition_of(name.rpartition("/")[2])
        return self.edition_keys.get(kind.name) if kind is not None else None

    def forget(self, source: Path) -> None:
        name = _name(source)
        self.db.execute("DELETE FROM articles WHERE source = ?", (name,))
        self.db.execute("DELETE FROM editions WHERE source = ?", (name,))
        self.db.execute("DELETE FROM pending WHERE source = ?", (name,))

    def claim(self, slug: str, source: Path, input_digest: str, input_stat: Stat | None) -> str | None:
        """Another source (its record's key) whose editions of `slug` are still in the
        folder or being put there, if any. A record of the same file by another path (the
        input moved or renamed, its folder too, or reached through a link: its old path
        gone and its bytes or inode the same, or both paths one file) is the same article:
        its claim moves to `source`."""
        me = _name(source)
        found = self.db.execute(
            "SELECT source, input, inode FROM articles WHERE slug = ? AND source <> ?", (slug, me)
        ).fetchall()
        for other, other_input, other_inode in found:
            names = [name for (name,) in self.db.execute("SELECT name FROM editions WHERE source = ?", (other,))]
            pending = self.db.execute("SELECT 1 FROM pending WHERE source = ? LIMIT 1", (other,)).fetchone()
            if not pending and not any((self.folder / name).is_file() for name in names):
                continue
            if not _same_file(path_of(other), source, other_input == input_digest, other_inode, input_stat):
                return other
            self.db.execute("DELETE FROM articles WHERE source = ?", (other,))
            self.db.execute("UPDATE editions SET source = ? WHERE source = ?", (me, other))
        return None

    def names_of(self, source: Path) -> list[str]:
        """The recorded names of `source`'s editions (relative to the output folder)."""
        return [
            name
            for (name,) in self.db.execute("SELECT name FROM editions WHERE source = ? ORDER BY name", (_name(source),))
        ]

    def digests_in(self, folder: str) -> dict[str, str]:
        """Recorded digests of the editions in one folder of the output (relative, '' for
        the top): what its manifest lists without reading the files again."""
        prefix = f"{folder}/" if folder else ""
        rows = (
            self.db.execute(
                "SELECT name, digest FROM editions WHERE name >= ? AND name < ?", (prefix, prefix + "\U0010ffff")
            )
            if prefix
            else self.db.execute("SELECT name, digest FROM editions WHERE instr(name, '/') = 0")
        )
        return {name[len(prefix) :]: digest for name, digest in rows if "/" not in name[len(prefix) :]}

    def entries(self) -> Iterator[tuple[str, str, str, str | None, tuple[tuple[str, str], ...]]]:
        """Every record as (source, input digest, slug, date, ((edition, digest), ...)), by source."""
        for source, input_digest, slug, date in self.db.execute(
            "SELECT source, input, slug, date FROM articles ORDER BY source"
        ).fetchall():
            editions = tuple(
                self.db.execute("SELECT name, digest FROM editions WHERE source = ? ORDER BY name", (source,))
            )
            yield source, input_digest, slug, date, editions

    def save(self) -> None:
        """Commit what this build recorded so far (one transaction per batch of results)."""
        self.db.commit()

    def close(self) -> None:
        """Commit and close; a record this build created and left empty is not kept (a
        build that wrote nothing leaves the folder as it found it)."""
        self.stop_planning()
        if self.db.failed or self.read_only:  # what it holds is not to be trusted, nor committed
            self.db.close()
            return
        self.db.commit()
        empty = self._created and self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None
        self.db.close()
        if empty:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / (STATE_FILE + suffix)).unlink(missing_ok=True)


def _plan_part(
    folder: Path,
    settings: str,
    edition_keys: dict[str, str],
    formats: tuple[str, ...],
    layout: str,
    sources: Sequence[str],
    details: bool,
) -> list[Plan]:
    """One process's share of `BuildState.plan_all`: a state object on a connection of
    its own (never the parent's), committing the stats it refreshed."""
    state = BuildState.__new__(BuildState)
    state.folder, state.formats, state.layout, state.settings = folder, formats, layout, settings
    state.edition_keys, state._kinds = edition_keys, {key: kind for kind, key in edition_keys.items()}
    state._prefix, state._manifests, state._created, state._planners = os.path.join(str(folder), ""), {}, False, None
    state.db = sqlite3.connect(folder / STATE_FILE, timeout=BUSY_SECONDS, isolation_level="DEFERRED", factory=_Record)
    state.db.path = str(folder / STATE_FILE)
    try:
        return list(state.plan(sources, details))
    finally:
        state.db.commit()
        state.db.close()


class _Record(sqlite3.Connection):
    """The record's connection. Once open, SQLite's operational errors (a full disk, a
    record made read-only or held locked by another program) are the user's to fix: each
    becomes an OutputError naming the record, and `failed` says the record cannot be
    trusted to agree with the folder (the build writes no manifest from it)."""

    path = ""
    failed = False

    def execute(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as error:
            raise self._mapped(error) from None

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as error:
            raise self._mapped(error) from None

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.DatabaseError as error:
            raise self._mapped(error) from None

    def _mapped(self, error: sqlite3.DatabaseError) -> BaseException:
        if not self.path or type(error) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
            return error  # still opening (`_open` decides), or a bug of ours: as it is
        self.failed = True
        return OutputError(f"cannot use the build record: {error}", path=self.path, hint=_record_hint(str(error)))


def _record_hint(message: str) -> str:
    """What to do about an error SQLite gave on the record."""
    if "full" in message:
        return "free some space on its disk and build again"
    if "readonly" in message or "read-only" in message:
        return "make the record and its folder writable, or choose another --out"
    if "locked" in message or "busy" in message:
        return "another program holds the record open; close it and build again"
    return "move the record away to build everything again"


def _open(folder: Path) -> _Record:
    """The folder's record, created when missing; an unreadable one (not a database,
    another schema) is set aside as `.publish-state.sqlite.corrupt` and rebuilt from
    nothing (everything is then built again: the record is a cache, never the truth).
    Refused before anything is built: a record (or its journal files) that is a link,
    and one that cannot be written (read-only, or locked by another program)."""
    path = folder / STATE_FILE
    if path.is_dir():
        raise OutputError(
            f"{STATE_FILE} is a folder, not publish's build record",
            path=str(path),
            hint="move the folder away; publish never deletes what it did not write",
        )
    for suffix in ("", "-wal", "-shm"):
        refuse_link(
            folder / (STATE_FILE + suffix),
            "the build record",
            "remove the link; publish keeps its record in the output folder itself",
        )
    for attempt in (1, 2):
        try:
            db = sqlite3.connect(path, timeout=OPEN_BUSY_SECONDS, isolation_level="DEFERRED", factory=_Record)
        except sqlite3.OperationalError as error:
            raise OutputError(
                f"cannot open the build record: {error}", path=str(path), hint=_record_hint(str(error))
            ) from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is not None and version[0] == "2":  # no edition keys yet: each rebuilt once
                db.execute("ALTER TABLE editions ADD COLUMN settings TEXT")
                version = (str(SCHEMA_VERSION),)
            if version is not None and version[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema {version[0]}")
            db.execute("SELECT count(*) FROM articles WHERE rowid = 1").fetchone()
            # A write now, not after the first edition is renamed in: read-only or locked is said at once.
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            db.commit()
            db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            db.path = str(path)
            return db
        except sqlite3.OperationalError as error:  # locked, read-only, cannot open: the user's to fix
            db.close()
            raise OutputError(
                f"cannot use the build record: {error}", path=str(path), hint=_record_hint(str(error))
            ) from None
        except sqlite3.DatabaseError:  # not a database, or another schema: set aside, rebuild
            db.close()
            if attempt == 2:
                raise
            _set_aside(folder)
    raise AssertionError("unreachable")


def _set_aside(folder: Path) -> None:
    """Move a damaged record (and its journal) aside, never deleting it, nor an earlier
    one set aside: `.corrupt`, else `.corrupt-2`, `-3`..."""
    number = 1
    while any((folder / f"{STATE_FILE}{suffix}{_corrupt(number)}").exists() for suffix in ("", "-wal", "-shm")):
        number += 1
    for suffix in ("", "-wal", "-shm"):
        damaged = folder / (STATE_FILE + suffix)
        if damaged.exists():
            os.replace(damaged, folder / (STATE_FILE + suffix + _corrupt(number)))


def _corrupt(number: int) -> str:
    return ".corrupt" if number == 1 else f".corrupt-{number}"


def _migrate_json(folder: Path, db: sqlite3.Connection) -> None:
    """Carry the records of the old JSON file over (its digests are still true; the
    stats are taken now, so the next no-op build reads nothing), then remove it."""
    old = folder / OLD_STATE_FILE
    if not old.is_file():
        return
    try:
        articles = json.loads(old.read_text(encoding="utf-8")).get("articles", {})
        for source, raw in articles.items():
            if db.execute("SELECT 1 FROM articles WHERE source = ?", (source,)).fetchone():
                continue
            # The old key mixed settings and input; it cannot be split, so the article is
            # rebuilt once, but its slug still holds its claim until then.
            db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                (source, "migrated", raw["key"], raw["slug"], raw.get("date")),
            )
            db.executemany(
                "INSERT OR IGNORE INTO editions VALUES (?, ?, ?, NULL, NULL, NULL, NULL)",
                [(name, source, digest) for name, digest in dict(raw["editions"]).items()],
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass  # an unreadable old record: everything is rebuilt, as it always was
    db.commit()
    old.unlink(missing_ok=True)


#: This process's user: the owner of what it writes, who may read what has the owner's read bit.
_EUID = os.geteuid() if hasattr(os, "geteuid") else -1


def _stat(path_or_stat: str | os.stat_result) -> Stat:
    """(size, mtime_ns, inode) of a path or of a stat already taken."""
    found = os.stat(path_or_stat) if isinstance(path_or_stat, str) else path_or_stat
    return found.st_size, found.st_mtime_ns, found.st_ino


def _readable(found: os.stat_result, path: str | None = None) -> bool:
    """Whether this process may read `path`: decided from its stat for a file this user
    owns with the owner's read bit (what a build wrote: the owner's bits apply even to a
    superuser without the override capabilities), asked of the system otherwise."""
    if found.st_uid == _EUID and found.st_mode & stat.S_IRUSR:
        return True
    return path is not None and os.access(path, os.R_OK)


def _stat_or_none(path: str) -> Stat | None:
    try:
        return stat_of(path)
    except OSError:
        return None


def _name(source: Path) -> str:
    """Records are kept by absolute path (made absolute without asking the disk: a
    resolve per file costs more than the whole no-op check of an article)."""
    return _key(os.path.abspath(source))


#: How the key of a file whose name is not UTF-8 begins (no absolute path can).
_BYTES_KEY = "fs-bytes:"


def _key(absolute: str) -> str:
    """The record's key of an absolute path: the path itself, or, for a name that is not
    UTF-8 (its bytes kept as surrogates, which SQLite's text cannot hold), its bytes in hex."""
    try:
        absolute.encode("utf-8")
    except UnicodeEncodeError:
        return _BYTES_KEY + os.fsencode(absolute).hex()
    return absolute


def path_of(key: str) -> str:
    """The path a record's key stands for (as Python names files: undecodable bytes as surrogates)."""
    return os.fsdecode(bytes.fromhex(key[len(_BYTES_KEY) :])) if key.startswith(_BYTES_KEY) else key


def _same_file(old: str, new: Path, same_bytes: bool, old_inode: int | None, new_stat: Stat | None) -> bool:
    """Whether the article recorded at `old` is the file now at `new`: both paths one file,
    or the old path gone and the file moved (the same bytes, or the same inode)."""
    try:
        return os.path.samefile(old, new)
    except OSError:
        return same_bytes or (old_inode is not None and new_stat is not None and old_inode == new_stat[2])


@dataclass(frozen=True)
class NewSet:
    """An article's new editions, waiting as temporaries to be put in place."""

    source: Path
    slug: str
    date: datetime.date | None
    input_digest: str
    input_stat: Stat | None
    #: (name relative to the output folder, temporary file, SHA-256, stat of the temporary).
    editions: tuple[tuple[str, Path, str, Stat], ...]
    #: The editions' kinds, in the order of `editions` (for naming them when placed).
    kinds: tuple[str, ...] = ()
    #: The agency item it is a version of.
    item: ItemVersion | None = None
    #: The story's name when the files are named otherwise (an older version's, in `versions/`).
    story: str | None = None
    #: The article's content identifier: the same article from another file is published once.
    identifier: str | None = None
    #: Editions asked for that were up to date and not made again: their files and records stay.
    keep: tuple[str, ...] = ()


class Duplicate(Exception):
    """The article is one already published from another file (`owner`): not again."""

    def __init__(self, owner: str) -> None:
        super().__init__(owner)
        self.owner = owner


def _kept_names(new: NewSet) -> set[str]:
    """The names the editions `new` keeps (up to date, not made again) have beside its
    new ones: the same folder and stem, their own suffix."""
    if not new.keep or not new.editions or not new.kinds:
        return set()
    first = new.editions[0][0]
    stem = first[: -len(edition_by_name(new.kinds[0]).suffix) - 1]
    return {f"{stem}.{edition_by_name(kind).suffix}" for kind in new.keep}


def _renamed(
    editions: tuple[tuple[str, Path, str, Stat], ...], names: list[str]
) -> tuple[tuple[str, Path, str, Stat], ...]:
    return tuple((name, temporary, digest, stat) for name, (_, temporary, digest, stat) in zip(names, editions))


@dataclass
class Installed:
    """What `BuildState.install` did with one article's set."""

    source: Path
    written: tuple[Path, ...] = ()
    error: PublishError | None = None
    #: Old copies of the article (elsewhere now) to remove: (name, digest, stat recorded).
    dropped: list[tuple[str, str, Stat]] = field(default_factory=list)
    #: Old copies left because they were changed since publish wrote them.
    kept: list[str] = field(default_factory=list)
    #: Folders (relative) whose manifests must be rewritten.
    touched: set[str] = field(default_factory=set)
    #: An older version's editions to move to `versions/` first: (from, to), relative names.
    moved: list[tuple[str, str]] = field(default_factory=list)
    #: What the placing decided that the user should hear (a name taken, an older version).
    notes: list[str] = field(default_factory=list)
    #: The name its files took (None: kept as an older version), and (instead) the file of
    #: the same article published already.
    name: str | None = None
    duplicate: str | None = None
