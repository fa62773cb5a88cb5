"""The record: what the builds into a folder made, so unchanged articles are not rebuilt.

The record is a SQLite database in the output folder (standard library, WAL mode): one
row per article (its settings key, input digest and the input's size, modification time
and inode) and one per edition (relative name, SHA-256, size, modification time, inode).
It is updated article by article in small transactions, never rewritten whole, and read
a batch of articles at a time, so memory stays flat over millions of articles.

The record is also the build's journal, so a folder is consistent after any crash: an
article's new set is recorded, with the temporaries it is renamed from (`pending`) and
the folders whose manifests it changes (`dirty`), in one committed transaction before
the first rename (`publish.building.install`). What is up to date is decided from it by
`publish.building.plan`; the keys it holds are computed by `publish.building.key`.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from publish.building.key import edition_digests, edition_key_of, rebuild_keys, shared_digest
from publish.editions import file_name
from publish.errors import OutputError
from publish.feed import ItemVersion
from publish.options import RenderOptions
from publish.output import layout_folder, refuse_link

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

STATE_FILE = ".publish-state.sqlite"
#: The record of publish before 0.2: read once, migrated, then removed.
OLD_STATE_FILE = ".publish-state.json"
#: 2: the agency items of a feed (their names, versions and kills) and each article's place.
#: 3: each edition's own rebuild key (`editions.settings`); a record of 2 gains the column,
#: empty, so each article is rebuilt once (its slug keeping its claim meanwhile).
SCHEMA_VERSION = 3
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


class BuildRecord:
    """The folder's record of built articles, as stored: opened, read and written row by
    row. `Planning` (`publish.building.plan`) adds what is up to date, and `BuildState`
    (`publish.building.install`) putting new sets in place; open for the length of a
    build (under the folder lock), changes committed in batches by `save`."""

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
        self.settings = shared_digest(settings)
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
    ) -> Self:
        common, editions = rebuild_keys(formats, options, encoding, layout)
        return cls(folder, common, formats, layout, editions)

    @classmethod
    def peek(
        cls, folder: Path, formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat"
    ) -> Self | None:
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
        state.settings = shared_digest(common)
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

    def edition_name(self, slug: str, date: datetime.date | None, edition: str) -> str:
        """An edition's name relative to the output folder, in this build's layout."""
        return layout_folder(date, self.layout) + file_name(slug, edition)

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
        return edition_key_of(name, self.edition_keys)

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
        if self.db.failed or self.read_only:  # what it holds is not to be trusted, nor committed
            self.db.close()
            return
        self.db.commit()
        empty = self._created and self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None
        self.db.close()
        if empty:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / (STATE_FILE + suffix)).unlink(missing_ok=True)


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
