"""Putting an article's new set in place: its name (an agency item's story, a free
`slug-2`, `versions/` for an older version), nothing of someone else's in the way, the
journal committed before the first rename, and what a killed build began finished by
the next (`recover`). `BuildState` is the record as a build uses it: stored
(`publish.building.record`), planned from (`publish.building.plan`) and installed into.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from publish.building.plan import Planning
from publish.building.record import Stat, _name, _stat, path_of
from publish.editions import edition as edition_by_name
from publish.editions import edition_of, file_name
from publish.errors import InputError, OutputError, PublishError
from publish.feed import VERSIONS_FOLDER, ItemVersion, version_name
from publish.output import commit_set, real_folder, sha256


class BuildState(Planning):
    """The folder's record of built articles; open for the length of a build (under the
    folder lock), changes committed in batches by `save`."""

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
