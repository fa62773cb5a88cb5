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
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from publish.editions import file_name
from publish.errors import OptionsError, OutputError
from publish.fonts import fonts_digest
from publish.options import RenderOptions
from publish.output import layout_folder, sha256
from publish.templates import pdf_font_family, search_path
from publish.version import __version__

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

STATE_FILE = ".publish-state.sqlite"
#: The record of publish before 0.2: read once, migrated, then removed.
OLD_STATE_FILE = ".publish-state.json"
SCHEMA_VERSION = 1
#: Articles looked up in one query when planning a build.
LOOKUP_BATCH = 500
#: Fewest articles worth planning in several processes: below this a fork costs more than
#: the stats it spreads (the stat calls are most of a no-op rebuild's time).
PARALLEL_PLAN_MIN = 10_000
#: Seconds a build waits for another process's write transaction before giving up.
BUSY_SECONDS = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    source TEXT PRIMARY KEY, settings TEXT NOT NULL, input TEXT NOT NULL, slug TEXT NOT NULL, date TEXT,
    size INTEGER, mtime_ns INTEGER, inode INTEGER);
CREATE INDEX IF NOT EXISTS articles_slug ON articles (slug);
CREATE TABLE IF NOT EXISTS editions (
    name TEXT PRIMARY KEY, source TEXT NOT NULL, digest TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, inode INTEGER);
CREATE INDEX IF NOT EXISTS editions_source ON editions (source);
"""

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


class BuildState:
    """The folder's record of built articles; open for the length of a build (under the
    folder lock), changes committed in batches by `save`."""

    def __init__(self, folder: Path, settings: str, formats: tuple[str, ...] = (), layout: str = "flat") -> None:
        self.folder = folder
        self.formats = formats
        self.layout = layout
        #: Digest of everything besides the input that shapes the editions.
        self.settings = hashlib.sha256(settings.encode()).hexdigest()
        #: The output folder as a path prefix.
        self._prefix = os.path.join(str(folder), "")
        self._fresh: dict[str, str] = {}
        #: Forked processes planning a large batch, kept from one segment to the next.
        self._planners: ProcessPoolExecutor | None = None
        #: A record made by this build that is still empty is removed again at the end.
        self._created = not (folder / STATE_FILE).exists()
        self.db = _open(folder)
        _migrate_json(folder, self.db)

    @classmethod
    def load(
        cls, folder: Path, formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat"
    ) -> BuildState:
        return cls(folder, _settings_key(formats, options, encoding, layout), formats, layout)

    # Deciding what is up to date ------------------------------------------------------

    def plan(self, sources: Sequence[str], details: bool = True) -> Iterator[Entry | None]:
        """For each source (absolute path), in order, its record if its editions are up to
        date, else None: one query per batch of sources, and per article a stat of its
        input and of each edition (the no-op rebuild of an archive is this loop, so its
        common case is written out here). Without `details` an entry's slug and date are
        left empty (not fetched)."""
        editions = len(self.formats)
        prefix = self._prefix
        for start in range(0, len(sources), LOOKUP_BATCH):
            batch = sources[start : start + LOOKUP_BATCH]
            rows = self._rows(batch, details)
            for name in batch:
                found = rows.get(name)
                if found is None:
                    yield None
                    continue
                if len(found) == editions:
                    try:
                        same = _stat(name) == found[0][1:4] and all(
                            (now := os.stat(prefix + row[4])) and _stat(now) == row[5:8] and _readable(now)
                            for row in found
                        )
                    except OSError:
                        same = False
                    if same:
                        yield Entry(*found[0][8:10]) if details else NO_DETAILS
                        continue
                yield self._check(name, found, input_stat=True, details=details)

    def plan_all(self, sources: Sequence[str], details: bool = True, processes: int = 1) -> list[Entry | None]:
        """`plan` for every source, in `processes` forked processes for a large archive (each
        with its own connection; a stat it refreshes is committed there), else here."""
        return self.plan_later(sources, details, processes)()

    def plan_later(
        self, sources: Sequence[str], details: bool = True, processes: int = 1
    ) -> Callable[[], list[Entry | None]]:
        """`plan_all`, its forked processes set to work now and their answer asked for
        later (by calling what this returns), so the caller can list the next inputs
        meanwhile. Planned here, it all happens when asked for."""
        import multiprocessing

        if processes <= 1 or len(sources) < PARALLEL_PLAN_MIN or "fork" not in multiprocessing.get_all_start_methods():
            return lambda: list(self.plan(sources, details))
        from concurrent.futures import ProcessPoolExecutor

        self.db.commit()  # nothing of this connection's may be pending while others write
        if self._planners is None:
            self._planners = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
        size = -(-len(sources) // processes)
        planned = [
            self._planners.submit(_plan_part, self.folder, self.settings, self.formats, self.layout, part, details)
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
        entry = self._check(name, found, input_stat=False)
        if entry is not None:
            self._fresh.update(self.db.execute("SELECT name, digest FROM editions WHERE source = ?", (name,)))
        return entry

    def _rows(self, names: Sequence[str], details: bool = True) -> dict[str, list[tuple]]:
        """The records of `names` made with this build's settings: per source, one row per
        edition, (source, input stat, edition, edition stat[, slug, date]); one query, and
        no digests (only a file whose stat changed needs one). Every column costs: the
        slug and date only when asked for."""
        rows: dict[str, list[tuple]] = {}
        for row in self.db.execute(
            "SELECT a.source, a.size, a.mtime_ns, a.inode, e.name, e.size, e.mtime_ns, e.inode"
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

    def _check(self, name: str, rows: list[tuple], input_stat: bool, details: bool = True) -> Entry | None:
        """The article's entry when its input (with `input_stat`) and every edition are
        unchanged, reading a file whose stat changed. (The settings name the editions and
        the layout, so a record with as many editions as editions asked for has them all.)"""
        if input_stat and not self._unchanged(name, rows[0][1:4], "articles", "source", "input"):
            return None
        if len(rows) != len(self.formats):
            return None  # a record that lost editions proves nothing
        for row in rows:
            if not self._unchanged(self._prefix + row[4], row[5:8], "editions", "name", "digest", row[4]):
                return None
        return Entry(*rows[0][8:10]) if details else NO_DETAILS

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
        self.db.execute(f"UPDATE {table} SET size = ?, mtime_ns = ?, inode = ? {where}", (*now, key or path))
        return True

    def key(self, input_digest: str) -> str:
        return hashlib.sha256(f"{self.settings}\0{input_digest}".encode()).hexdigest()

    def edition_name(self, slug: str, date: datetime.date | None, edition: str) -> str:
        """An edition's name relative to the output folder, in this build's layout."""
        return layout_folder(date, self.layout) + file_name(slug, edition)

    # Recording ----------------------------------------------------------------------

    def record(
        self,
        source: Path,
        input_digest: str,
        slug: str,
        date: datetime.date | None,
        digests: dict[str, str],
        stats: dict[str, Stat] | None = None,
        input_stat: Stat | None = None,
        remember: bool = True,
    ) -> None:
        """Remember what `source` produced from the input with `input_digest` (the bytes
        actually rendered, not the file as it may be now): edition name -> SHA-256, with
        the stats the files had when written (taken here when not given); `remember`: for
        `known_digests`."""
        name = _name(source)
        if input_stat is None:
            input_stat = _stat_or_none(name)
        self.db.execute("DELETE FROM editions WHERE source = ?", (name,))
        self.db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                self.settings,
                input_digest,
                slug,
                date.isoformat() if date else None,
                *(input_stat or (None, None, None)),
            ),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    edition,
                    name,
                    digest,
                    *((stats or {}).get(edition) or _stat_or_none(str(self.folder / edition)) or (None, None, None)),
                )
                for edition, digest in digests.items()
            ],
        )
        if remember:  # (a build does not: it would hold every digest of an archive in memory)
            self._fresh.update(digests)

    def forget(self, source: Path) -> None:
        name = _name(source)
        self.db.execute("DELETE FROM articles WHERE source = ?", (name,))
        self.db.execute("DELETE FROM editions WHERE source = ?", (name,))

    def owner_of(self, slug: str, source: Path) -> str | None:
        """Another source whose editions of `slug` are still in the folder, if any."""
        me = _name(source)
        for (other,) in self.db.execute("SELECT source FROM articles WHERE slug = ? AND source <> ?", (slug, me)):
            for (edition,) in self.db.execute("SELECT name FROM editions WHERE source = ?", (other,)):
                if (self.folder / edition).is_file():
                    return other
        return None

    def known_digests(self) -> dict[str, str]:
        """Digests of editions written or verified by this build (no need to hash again)."""
        return dict(self._fresh)

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
        self.db.commit()
        empty = self._created and self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None
        self.db.close()
        if empty:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / (STATE_FILE + suffix)).unlink(missing_ok=True)


def _plan_part(
    folder: Path, settings: str, formats: tuple[str, ...], layout: str, sources: Sequence[str], details: bool
) -> list[Entry | None]:
    """One process's share of `BuildState.plan_all`: a state object on a connection of
    its own (never the parent's), committing the stats it refreshed."""
    state = BuildState.__new__(BuildState)
    state.folder, state.formats, state.layout, state.settings = folder, formats, layout, settings
    state._prefix, state._fresh, state._created, state._planners = os.path.join(str(folder), ""), {}, False, None
    state.db = sqlite3.connect(folder / STATE_FILE, timeout=BUSY_SECONDS, isolation_level="DEFERRED")
    try:
        return list(state.plan(sources, details))
    finally:
        state.db.commit()
        state.db.close()


def _open(folder: Path) -> sqlite3.Connection:
    """The folder's record, created when missing; an unreadable one (not a database,
    another schema) is set aside as `.publish-state.sqlite.corrupt` and rebuilt from
    nothing (everything is then built again: the record is a cache, never the truth)."""
    path = folder / STATE_FILE
    if path.is_dir():
        raise OutputError(
            f"{STATE_FILE} is a folder, not publish's build record",
            path=str(path),
            hint="move the folder away; publish never deletes what it did not write",
        )
    for attempt in (1, 2):
        try:
            db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level="DEFERRED")
        except sqlite3.OperationalError as error:
            raise OutputError(f"cannot open the build record: {error}", path=str(path)) from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                db.commit()
            elif version[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema {version[0]}")
            db.execute("SELECT count(*) FROM articles WHERE rowid = 1").fetchone()
            return db
        except sqlite3.OperationalError as error:  # locked, read-only, cannot open: the user's to fix
            db.close()
            raise OutputError(f"cannot use the build record: {error}", path=str(path)) from None
        except sqlite3.DatabaseError:  # not a database, or another schema: set aside, rebuild
            db.close()
            if attempt == 2:
                raise
            _set_aside(folder)
    raise AssertionError("unreachable")


def _set_aside(folder: Path) -> None:
    """Move a damaged record (and its journal) aside, never deleting it."""
    for suffix in ("", "-wal", "-shm"):
        damaged = folder / (STATE_FILE + suffix)
        if damaged.exists():
            os.replace(damaged, folder / (STATE_FILE + suffix + ".corrupt"))


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
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL)",
                (source, "migrated", raw["key"], raw["slug"], raw.get("date")),
            )
            db.executemany(
                "INSERT OR IGNORE INTO editions VALUES (?, ?, ?, NULL, NULL, NULL)",
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
    return os.path.abspath(source)


def _settings_key(formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat") -> str:
    """Everything besides the input that shapes the editions and names their files, as
    one string."""
    templates = hashlib.sha256()
    for folder in search_path(options.template_dirs):
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            try:
                templates.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
            except OSError as error:
                raise OptionsError(f"cannot read the template: {error.strerror}", path=str(path)) from None
    fonts = fonts_digest(pdf_font_family(options.template_dirs, options.font)) if "pdf" in formats else None
    return json.dumps(
        {
            "version": __version__,
            "formats": formats,
            "layout": layout,
            "options": options.key(),
            "encoding": encoding,
            "templates": templates.hexdigest(),
            "fonts": fonts,
            "libraries": library_versions(),
        },
        sort_keys=True,
    )


#: Libraries an upgrade of which can change an edition's bytes: the declared ones, and
#: markupsafe (jinja2's escaping) and numpy (py3langid's arithmetic names a language).
RENDERING_LIBRARIES = (
    "anyascii",
    "charset-normalizer",
    "ebooklib",
    "fonttools",
    "jinja2",
    "pyphen",
    "reportlab",
    "wcwidth",
    "babel",
    "pillow",
    "python-bidi",
    "rl_accel",
    "uharfbuzz",
    "lxml",
    "py3langid",
    "markupsafe",
    "numpy",
)


def library_versions() -> dict[str, str]:
    """Installed versions of the rendering libraries: upgrading one rebuilds everything.
    Read from the `*.dist-info` folder names on `sys.path` in one listing per folder
    (asking `importlib.metadata` once per library costs a no-op build 50 ms); a library
    not found that way is asked for."""
    import re
    import sys

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    wanted = {normal(name): name for name in RENDERING_LIBRARIES}
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, found = name[: -len(".dist-info")].partition("-")
                library = wanted.get(normal(project))
                if library is not None and library not in versions:
                    versions[library] = found
    for name in RENDERING_LIBRARIES:
        if name not in versions:
            from importlib.metadata import PackageNotFoundError, version  # 9 ms to import: only when needed

            try:
                versions[name] = version(name)
            except PackageNotFoundError:
                versions[name] = "absent"
    import zlib  # compresses every EPUB entry and PDF stream: zlib-ng writes other bytes

    return {**{name: versions[name] for name in RENDERING_LIBRARIES}, "zlib": zlib.ZLIB_RUNTIME_VERSION}
