"""Planning: which articles are up to date, which editions of the others to make, and why.

An article is up to date when the settings key (editions, options, templates, fonts,
publish and library versions) is the one recorded, its input bytes are the ones recorded
and each edition is still there with the recorded SHA-256. Deciding that must not read
a million files: a file whose size, modification time and inode are the recorded ones is
taken as unchanged; only a file whose stat differs is hashed (a touched input whose
bytes did not change rebuilds nothing; one changed byte rebuilds its article). Content
hashes stay the truth: `--force` and `publish verify` read everything. A batch is planned
a segment at a time (`Planned`), in forked processes for a large archive.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from publish.building.engines import die_with_parent
from publish.building.record import BUSY_SECONDS, STATE_FILE, BuildRecord, _key, _name, _readable, _Record, _stat
from publish.building.work import Task
from publish.output import sha256

#: Articles looked up in one query when planning a build.
LOOKUP_BATCH = 500
#: Fewest articles worth planning in several processes: below this a fork costs more than
#: the stats it spreads (the stat calls are most of a no-op rebuild's time).
PARALLEL_PLAN_MIN = 10_000


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


class Planning(BuildRecord):
    """The record asked what is up to date (`plan`), and why not (`why_out_of_date`)."""

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

    def close(self) -> None:
        """End the planning processes, then close the record."""
        self.stop_planning()
        super().close()


def _plan_part(
    folder: Path,
    settings: str,
    edition_keys: dict[str, str],
    formats: tuple[str, ...],
    layout: str,
    sources: Sequence[str],
    details: bool,
) -> list[Plan]:
    """One process's share of `Planning.plan_all`: a state object on a connection of
    its own (never the parent's), committing the stats it refreshed."""
    state = Planning.__new__(Planning)
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


#: Articles planned at a time: a build holds one segment's names and plan (and the next
#: while the engine runs ahead), so its memory is flat however large the archive.
SEGMENT = 10_000


class Planned:
    """The batch planned a segment at a time, in input order: the engine takes the
    articles to build (`todo`), the commit walks every article (`in_order`); whichever
    runs out first plans the next segment. A segment is planned in forked processes only
    before the engine has been given work (forking a process with a pool's threads
    running is not safe); after that, here."""

    def __init__(
        self, sources: Iterator[tuple[str, str]], state: Planning, force: bool, details: bool, processes: int
    ) -> None:
        self._sources, self._state, self._force, self._details = sources, state, force, details
        self._processes = processes
        #: Articles in order; without details a run of up-to-date ones is only its length.
        self._order: deque[tuple[str, Entry | None] | int] = deque()
        #: Articles to build, each with the editions to make when only some are out of date.
        self._todo: deque[tuple[str, Rebuild | None]] = deque()
        self._working = False
        #: The next segment, listed, its plan under way in the planning processes.
        self._ahead = self._start_next()
        self._more = self._plan_next()
        # Up-to-date stretches cost nothing to hold without details: plan on until there
        # is work, so a rebuild of an archive with one change knows it is one article
        # (built here, no pool started) and plans every segment in forked processes.
        while self._more and not details and len(self._todo) < 2:
            self._more = self._plan_next()

    def _start_next(self) -> tuple[list[tuple[str, str]], Callable[[], list[Plan]]] | None:
        """List the next segment and set its planning going; None when no input is left."""
        segment = list(islice(self._sources, SEGMENT))
        if not segment:
            return None
        if self._force:
            return segment, lambda: [None] * len(segment)
        processes = 1 if self._working else self._processes
        return segment, self._state.plan_later([absolute for _, absolute in segment], self._details, processes)

    def _plan_next(self) -> bool:
        """Take in the segment planned ahead (listing the one after it meanwhile); False
        when the inputs are all planned."""
        if self._ahead is None:
            return False
        segment, plan = self._ahead
        self._ahead = self._start_next() if len(segment) == SEGMENT else None
        order, todo, details = self._order, self._todo, self._details
        for (name, _), entry in zip(segment, plan()):
            if not isinstance(entry, Entry):
                todo.append((name, entry))
                entry = None
            elif not details:
                if order and isinstance(order[-1], int):
                    order[-1] += 1
                else:
                    order.append(1)
                continue
            order.append((name, entry))
        return self._ahead is not None

    def todo_estimate(self) -> int:
        """The articles to build as far as known: exact when one segment held every input."""
        return len(self._todo) + (SEGMENT if self._more else 0)

    def todo(self) -> Iterator[tuple[str, Rebuild | None]]:
        while True:
            while self._todo:
                if not self._working:
                    self._state.stop_planning()  # the engine forks its workers when given work
                    self._working = True
                yield self._todo.popleft()
            if not self._more:
                return
            self._more = self._plan_next()

    def in_order(self) -> Iterator[tuple[str, Entry | None] | int]:
        while True:
            while self._order:
                yield self._order.popleft()
            if not self._more:
                return
            self._more = self._plan_next()


def task_of(source: str, rebuild: Rebuild | None, base: Task) -> Task:
    """`base` for one article: every edition, or (`rebuild`) only those out of date, the
    others kept as they are."""
    if rebuild is None:
        return replace(base, source=Path(source))
    keep = tuple(kind for kind in base.formats if kind not in rebuild.formats)
    return replace(base, source=Path(source), formats=rebuild.formats, keep=keep)
