"""Proof that an archive has not changed: a SHA256SUMS manifest and BagIt bags.

The manifest uses the format `sha256sum -c` reads, so an archivist needs nothing of
ours to check it. It covers every edition in the folder, not only this run's, and is
rewritten under a lock so that two builds into one folder cannot leave it stale.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from publish.editions import is_edition_file
from publish.errors import OutputError
from publish.output import folder_lock, sha256, write_atomic

MANIFEST = "SHA256SUMS"


def editions_in(folder: Path) -> list[Path]:
    """Edition files in `folder`, sorted by name; hidden and temporary files excluded.
    (The directory entries' own types decide, so a folder of a million files is listed
    without a stat per file.)"""
    with os.scandir(folder) as entries:
        names = sorted(
            entry.name for entry in entries if entry.is_file(follow_symlinks=False) and is_edition_file(entry.name)
        )
    return [folder / name for name in names]


def write_manifest(folder: Path, known: Mapping[str, str] | None = None, *, locked: bool = False) -> Path:
    """Rewrite `folder/SHA256SUMS` for every edition now in the folder; `known` digests
    (of files this process just wrote or checked, or recorded) are used instead of reading
    them again. `locked`: the caller holds the lock of the output folder above `folder`
    (a date layout's day folder has its own manifest, no lock of its own)."""
    known = known or {}
    with nullcontext() if locked else folder_lock(folder):
        lines = [f"{known.get(path.name) or sha256(path)}  {path.name}\n" for path in editions_in(folder)]
        return write_atomic(folder, MANIFEST, "".join(lines).encode("utf-8"))


def manifest_folders(folder: Path) -> list[Path]:
    """`folder` and each folder below it (not hidden) holding a manifest or an edition:
    with the date layout every day folder has its own SHA256SUMS."""
    found = []
    for here, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        if Path(here) == folder or MANIFEST in files or any(is_edition_file(name) for name in files):
            found.append(Path(here))
    return found


@dataclass
class Verification:
    """What `publish verify` found."""

    checked: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every edition in the folder is listed and unchanged: an edition the manifest
        does not list (an emptied or truncated manifest) is unproven, so not ok."""
        return not self.changed and not self.missing and not self.unlisted


def verify_manifest(folder: Path) -> Verification:
    """Check every line of `folder/SHA256SUMS` (and of each day folder's, with the date
    layout); name what changed, is missing or unlisted, relative to `folder`."""
    folders = manifest_folders(folder)
    if not any((here / MANIFEST).is_file() for here in folders):
        raise OutputError(f"no {MANIFEST} in this folder", path=str(folder), hint="run `publish build` into it first")
    result = Verification()
    for here in folders:
        prefix = here.relative_to(folder).as_posix() + "/" if here != folder else ""
        part = (
            _verify_one(here)
            if (here / MANIFEST).is_file()
            else Verification(unlisted=[p.name for p in editions_in(here)])
        )
        for mine, theirs in (
            (result.checked, part.checked),
            (result.changed, part.changed),
            (result.missing, part.missing),
            (result.unlisted, part.unlisted),
        ):
            mine.extend(prefix + name for name in theirs)
    return result


def _verify_one(folder: Path) -> Verification:
    """Check one folder's SHA256SUMS."""
    manifest = folder / MANIFEST
    result = Verification()
    listed: set[str] = set()
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OutputError(f"cannot read: {getattr(error, 'strerror', None) or error}", path=str(manifest)) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or "/" in name:
            raise OutputError("not a SHA256SUMS line", path=str(manifest), line=number)
        listed.add(name)
        path = folder / name
        if not path.is_file():
            result.missing.append(name)
        elif _digest(path) != digest:
            result.changed.append(name)
        else:
            result.checked.append(name)
    result.unlisted = [p.name for p in editions_in(folder) if p.name not in listed]
    return result


#: Files of a bag's top folder that `bagit` writes (besides `data/`).
BAG_TAG_FILE = re.compile(r"bagit\.txt|bag-info\.txt|(?:tag)?manifest-(?:md5|sha1|sha256|sha512)\.txt")
#: How `write_bag` marks a bag as publish's own (in bag-info.txt).
BAG_MARK = "Source-Organization: publish"


def _not_our_bag(folder: Path) -> str | None:
    """Why `folder` may not be replaced, or None when it is empty or provably a bag
    publish wrote: its mark in bag-info.txt, nothing but bag files on top, and nothing
    but edition files in data/. Anything else may be a user's work and is never deleted."""
    if not folder.is_dir() or folder.is_symlink():
        return "the bag path exists and is not a folder"
    try:
        entries = list(folder.iterdir())
        if not entries:
            return None
        info = folder / "bag-info.txt"
        if (
            not (folder / "bagit.txt").is_file()
            or not info.is_file()
            or BAG_MARK not in info.read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            return "the bag folder exists and is not a bag publish wrote"
        for entry in entries:
            if entry.name == "data" and entry.is_dir() and not entry.is_symlink():
                strangers = [
                    p.name
                    for p in entry.iterdir()
                    if not (p.is_file() and not p.is_symlink() and is_edition_file(p.name))
                ]
                if strangers:
                    return f"the bag's data folder holds {strangers[0]!r}, which is not an edition"
            elif not (entry.is_file() and not entry.is_symlink() and BAG_TAG_FILE.fullmatch(entry.name)):
                return f"the bag folder holds {entry.name!r}, which is not part of a bag"
    except OSError as error:
        return f"cannot look into the bag folder: {error.strerror}"
    return None


def _digest(path: Path) -> str:
    try:
        return sha256(path)
    except OSError as error:
        raise OutputError(
            f"cannot read: {error.strerror}", path=str(path), hint="an edition that cannot be read cannot be verified"
        ) from None


def write_bag(bag_dir: Path, files: Iterable[Path], when: datetime.datetime) -> Path:
    """Write `files` as a BagIt bag (RFC 8493) at `bag_dir`, replacing an earlier bag."""
    import bagit

    bag_dir = bag_dir.resolve()
    replacing = bag_dir.exists()
    if replacing:
        refusal = _not_our_bag(bag_dir)
        if refusal is not None:
            raise OutputError(
                f"{refusal}; publish replaces only a bag it wrote itself",
                path=str(bag_dir),
                hint="choose an empty or new folder for --bag",
            )
    bag_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=bag_dir.parent, prefix=f".{bag_dir.name}."))
    try:
        for path in sorted(files, key=lambda p: p.name):
            shutil.copyfile(path, staging / path.name)
        bagit.make_bag(
            str(staging),
            bag_info={"Bagging-Date": when.date().isoformat(), "Source-Organization": "publish"},
            checksums=["sha256"],
        )
        if replacing:
            shutil.rmtree(bag_dir)
        staging.rename(bag_dir)
        bag_dir.chmod(0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return bag_dir
