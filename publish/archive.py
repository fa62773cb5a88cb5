"""Proof that an archive has not changed: a SHA256SUMS manifest and BagIt bags.

The manifest uses the format `sha256sum -c` reads, so an archivist needs nothing of
ours to check it. It covers every edition in the folder, not only this run's, and is
rewritten under a lock so that two builds into one folder cannot leave it stale.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import OutputError

MANIFEST = "SHA256SUMS"
EDITION_SUFFIXES = (".epub", ".pdf", ".txt", ".json")


def editions_in(folder: Path) -> list[Path]:
    """Edition files in `folder`, sorted by name; hidden and temporary files excluded."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
                  and p.name.endswith(EDITION_SUFFIXES))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the output folder itself (no lock file left behind), held
    while the manifest is rewritten."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def write_manifest(folder: Path, known: dict[str, str] | None = None) -> Path:
    """Rewrite `folder/SHA256SUMS` for every edition now in the folder; `known` digests
    (of files this process just wrote or checked) are used instead of reading them again."""
    from publish.build import write_atomic

    known = known or {}
    with folder_lock(folder):
        lines = [f"{known.get(path.name) or sha256(path)}  {path.name}\n" for path in editions_in(folder)]
        return write_atomic(folder, MANIFEST, "".join(lines).encode("utf-8"))


@dataclass
class Verification:
    """What `publish verify` found."""

    checked: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing


def verify_manifest(folder: Path) -> Verification:
    """Check every line of `folder/SHA256SUMS`; name what changed, is missing or unlisted."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise OutputError(f"no {MANIFEST} in this folder", path=str(folder),
                          hint="run `publish build` into it first")
    result = Verification()
    listed: set[str] = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or "/" in name:
            raise OutputError("not a SHA256SUMS line", path=str(manifest), line=number)
        listed.add(name)
        path = folder / name
        if not path.is_file():
            result.missing.append(name)
        elif sha256(path) != digest:
            result.changed.append(name)
        else:
            result.checked.append(name)
    result.unlisted = [p.name for p in editions_in(folder) if p.name not in listed]
    return result


def write_bag(bag_dir: Path, files: Iterable[Path], when: datetime.datetime) -> Path:
    """Write `files` as a BagIt bag (RFC 8493) at `bag_dir`, replacing an earlier bag."""
    import bagit

    bag_dir = bag_dir.resolve()
    if bag_dir.exists() and not (bag_dir / "bagit.txt").is_file() and any(bag_dir.iterdir()):
        raise OutputError("the bag folder exists and is not a bag", path=str(bag_dir),
                          hint="choose an empty or new folder for --bag")
    bag_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=bag_dir.parent, prefix=f".{bag_dir.name}."))
    try:
        for path in sorted(files, key=lambda p: p.name):
            shutil.copyfile(path, staging / path.name)
        bagit.make_bag(str(staging), bag_info={"Bagging-Date": when.date().isoformat(),
                                               "Source-Organization": "publish"},
                       checksums=["sha256"])
        if bag_dir.exists():
            shutil.rmtree(bag_dir)
        staging.rename(bag_dir)
        bag_dir.chmod(0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return bag_dir
