"""Proof that an archive has not changed: a SHA256SUMS manifest and BagIt bags.

The manifest uses the format `sha256sum -c` reads, so an archivist needs nothing of
ours to check it. It covers every edition in the folder, not only this run's, and is
rewritten under a lock so that two builds into one folder cannot leave it stale.
"""

from __future__ import annotations

import datetime
import glob
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from publish.editions import is_edition_file
from publish.errors import OutputError
from publish.output import MANIFEST, folder_lock, sha256, write_atomic

__all__ = [
    "MANIFEST",
    "check_bag_path",
    "editions_in",
    "manifest_folders",
    "read_manifest",
    "verify_manifest",
    "write_bag",
]


def editions_in(folder: Path) -> list[Path]:
    """Edition files in `folder`, sorted by name; hidden and temporary files excluded.
    (The directory entries' own types decide, so a folder of a million files is listed
    without a stat per file.)"""
    with os.scandir(folder) as entries:
        names = sorted(
            entry.name for entry in entries if entry.is_file(follow_symlinks=False) and is_edition_file(entry.name)
        )
    return [folder / name for name in names]


def write_manifest(
    folder: Path, known: Mapping[str, str] | None = None, *, locked: bool = False, staging: Path | None = None
) -> Path:
    """Rewrite `folder/SHA256SUMS` for every edition now in the folder; `known` digests
    (of files this process just wrote or checked, or recorded) are used instead of reading
    them again. `locked`: the caller holds the lock of the output folder above `folder`
    (a date layout's day folder has its own manifest, no lock of its own); `staging`: the
    build's staging folder, where the temporary file is made."""
    known = known or {}
    with nullcontext() if locked else folder_lock(folder):
        lines = [f"{known.get(path.name) or _digest(path)}  {path.name}\n" for path in editions_in(folder)]
        return write_atomic(folder, MANIFEST, "".join(lines).encode("utf-8"), staging)


def _folders_below(top: Path) -> Iterator[tuple[Path, list[str]]]:
    """`top` and every folder below it, in name order, with the names of its files: hidden
    folders, links and bags (a folder holding `bagit.txt`, which has manifests of its own)
    left out. Walked with a stack, not by recursion, so no depth is too deep."""
    walking = [top]
    while walking:
        here = walking.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing)
        except OSError as error:
            raise OutputError(f"cannot read this folder: {error.strerror}", path=str(here)) from None
        files = [name for name, is_folder in entries if not is_folder]
        if here != top and "bagit.txt" in files:
            continue
        yield here, files
        walking.extend(here / name for name, is_folder in reversed(entries) if is_folder and name[0] != ".")


def manifest_folders(folder: Path) -> list[Path]:
    """`folder` and each folder below it (not hidden, not a bag) holding a manifest or an
    edition: with the date layout every day folder has its own SHA256SUMS."""
    if not folder.is_dir():
        return []
    return [
        here
        for here, files in _folders_below(folder)
        if here == folder or MANIFEST in files or any(is_edition_file(name) for name in files)
    ]


#: A line of a SHA256SUMS file as GNU `sha256sum -c` reads it: a backslash first when the
#: name is escaped, the digest in either case, then "  " (text) or " *" (binary) and the name.
_MANIFEST_LINE = re.compile(r"(\\?)([0-9a-fA-F]{64}) [ *](.+)")


def read_manifest(folder: Path) -> dict[str, str]:
    """The names and digests `folder/SHA256SUMS` lists (lower-case digests), as `sha256sum
    -c` reads them; an OutputError naming the line that is not one."""
    manifest = folder / MANIFEST
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OutputError(f"cannot read: {getattr(error, 'strerror', None) or error}", path=str(manifest)) from None
    listed: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        found = _MANIFEST_LINE.fullmatch(line.removesuffix("\r"))  # as GNU sha256sum, a CR before the LF
        name = _unescaped(found[3]) if found and found[1] else found[3] if found else ""
        if found is None or not name or "/" in name:
            raise OutputError("not a SHA256SUMS line", path=str(manifest), line=number)
        listed[name] = found[2].lower()
    return listed


def _unescaped(name: str) -> str:
    r"""A name as GNU sha256sum escapes it (`\\` and `\n`) on a line starting with a backslash."""
    return re.sub(r"\\(.)", lambda escape: {"n": "\n", "r": "\r", "\\": "\\"}.get(escape[1], escape[0]), name)


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


def verify_manifest(folder: Path, on_file: Callable[[], None] | None = None) -> Verification:
    """Check every line of `folder/SHA256SUMS` (and of each day folder's, with the date
    layout); name what changed, is missing or unlisted, relative to `folder`. `on_file()`
    is told after each listed file (a progress bar)."""
    folders = manifest_folders(folder)
    if not any((here / MANIFEST).is_file() for here in folders):
        raise OutputError(f"no {MANIFEST} in this folder", path=str(folder), hint="run `publish build` into it first")
    result = Verification()
    for here in folders:
        prefix = here.relative_to(folder).as_posix() + "/" if here != folder else ""
        part = (
            _verify_one(here, on_file)
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


def _verify_one(folder: Path, on_file: Callable[[], None] | None = None) -> Verification:
    """Check one folder's SHA256SUMS."""
    result = Verification()
    listed = read_manifest(folder)
    for name, digest in listed.items():
        if on_file is not None:
            on_file()
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
    publish wrote: its mark in bag-info.txt, nothing but bag files on top, and in data/
    exactly the files its SHA-256 manifest lists, each with the digest listed (a file
    added, or one changed since, may be a user's work and is never deleted)."""
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
                listed = _bag_payload(folder)
                for path in sorted(entry.iterdir()):
                    if not path.is_file() or path.is_symlink() or path.name not in listed:
                        return f"the bag's data folder holds {path.name!r}, which is not in the bag's manifest"
                    if sha256(path) != listed.pop(path.name):
                        return f"the bag's {path.name!r} was changed since publish wrote it"
            elif not (entry.is_file() and not entry.is_symlink() and BAG_TAG_FILE.fullmatch(entry.name)):
                return f"the bag folder holds {entry.name!r}, which is not part of a bag"
    except OSError as error:
        return f"cannot look into the bag folder: {error.strerror}"
    return None


def _bag_payload(bag: Path) -> dict[str, str]:
    """The bag's SHA-256 payload manifest as {file name in data/: digest}; empty when it
    has none (then every file in data/ is a stranger)."""
    listed: dict[str, str] = {}
    try:
        text = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return listed
    for line in text.splitlines():
        digest, _, name = line.partition(" ")
        name = name.strip()
        if name.startswith("data/") and "/" not in name[5:]:
            listed[name[5:]] = digest.lower()
    return listed


def _digest(path: Path) -> str:
    try:
        return sha256(path)
    except OSError as error:
        raise OutputError(
            f"cannot read: {error.strerror}", path=str(path), hint="an edition that cannot be read cannot be verified"
        ) from None


def check_bag_path(bag_dir: Path) -> None:
    """Refuse a --bag folder that publish may not replace, before anything is built."""
    if bag_dir.exists():
        refusal = _not_our_bag(bag_dir.resolve())
        if refusal is not None:
            raise OutputError(
                f"{refusal}; publish replaces only a bag it wrote itself",
                path=str(bag_dir),
                hint="choose an empty or new folder for --bag",
            )


#: Folders beside a bag that `write_bag` makes while it works: the new bag being made, and
#: the old one being replaced (a build killed between two renames leaves one of them).
_BAG_WORK = re.compile(r"publish-(?:new|old)-[a-z0-9_]{8}")


def write_bag(bag_dir: Path, files: Iterable[Path], when: datetime.datetime) -> bool:
    """Write `files` as a BagIt bag (RFC 8493) at `bag_dir`, replacing an earlier bag
    publish wrote; False when that bag already holds exactly these files and date (then
    nothing is written). The old bag is renamed aside before the new one is renamed in,
    and removed after: a build killed between the two leaves the old bag beside the path
    (`.NAME.publish-old-*`), and the next build writes the bag again."""
    import bagit

    check_bag_path(bag_dir)
    bag_dir = bag_dir.resolve()
    files = sorted(files, key=lambda p: p.name)
    if _same_bag(bag_dir, files, when):
        return False
    bag_dir.parent.mkdir(parents=True, exist_ok=True)
    _clear_bag_work(bag_dir)
    staging = Path(tempfile.mkdtemp(dir=bag_dir.parent, prefix=f".{bag_dir.name}.publish-new-"))
    old: Path | None = None
    try:
        for path in files:
            shutil.copyfile(path, staging / path.name)
        bagit.make_bag(
            str(staging),
            bag_info={"Bagging-Date": when.date().isoformat(), "Source-Organization": "publish"},
            checksums=["sha256"],
        )
        if bag_dir.exists():
            old = Path(tempfile.mkdtemp(dir=bag_dir.parent, prefix=f".{bag_dir.name}.publish-old-"))
            os.replace(bag_dir, old)
        staging.rename(bag_dir)
        bag_dir.chmod(0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not bag_dir.exists():
            os.replace(old, bag_dir)  # put the old bag back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return True


def _same_bag(bag_dir: Path, files: list[Path], when: datetime.datetime) -> bool:
    """Whether the bag at `bag_dir` (already found to be publish's) holds exactly `files`,
    with their digests, bagged on the same date."""
    if not (bag_dir / "bagit.txt").is_file():
        return False
    info = (bag_dir / "bag-info.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    if f"Bagging-Date: {when.date().isoformat()}" not in info:
        return False
    payload = _bag_payload(bag_dir)
    return payload == {path.name: sha256(path) for path in files}


def _clear_bag_work(bag_dir: Path) -> None:
    """Remove the work folders an earlier, killed bag write left beside `bag_dir` (their
    names say they are publish's: `.NAME.publish-new-*`, `.NAME.publish-old-*`)."""
    prefix = f".{bag_dir.name}."
    for leftover in bag_dir.parent.glob(f"{glob.escape(prefix)}publish-*"):
        if _BAG_WORK.fullmatch(leftover.name[len(prefix) :]) and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
