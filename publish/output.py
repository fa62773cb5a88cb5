"""Safe output: what reaches an output folder, and how.

Readers of the folder only ever see an old file or a new one: every file is written to
a temporary file beside it, flushed to disk and renamed into place. An article's
editions are written as a set (every temporary first, then the renames), so a full disk
or a name taken by a folder leaves all of the old set, not half of each. One lock per
output folder (a `filelock` lock file, the same on Linux, macOS and Windows) is held by
whoever changes the folder's shared files (manifest, state).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from publish.errors import OptionsError, OutputError

#: Temporary files older than this are left over from a killed build and are removed.
STALE_TEMPORARY_SECONDS = 3600
#: The folder's lock file (hidden, never an edition).
LOCK_FILE = ".publish.lock"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_name(folder: Path, name: str) -> Path:
    if name in ("", ".", "..") or os.sep in name or (os.altsep is not None and os.altsep in name):
        raise OutputError(f"refusing to write {name!r} outside {folder}")
    return folder / name


def _temporary(folder: Path, name: str, data: bytes, sync: bool = True) -> Path:
    """`data` in a flushed temporary file beside `folder/name` (`sync=False`: the caller
    flushes it to disk with `fsync_file` before renaming it)."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write `folder/name` so that readers only ever see the old file or the new one."""
    return write_set(folder, {name: data})[0]


def write_set(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write several files as one set: every temporary file first, then the renames.

    A failure while writing (full disk, permissions) leaves every old file as it was; a
    name taken by a folder is refused before anything is renamed.
    """
    targets = {name: _checked_name(folder, name) for name in files}
    for target in targets.values():
        _refuse_folder(target)
    written: dict[str, Path] = {}
    try:
        for name, data in files.items():
            written[name] = _temporary(folder, name, data)
    except BaseException as error:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):  # full disk, read-only folder: the user's to fix
            raise OutputError(f"cannot write: {error.strerror}", path=str(folder)) from None
        raise
    return commit_set({targets[name]: temporary for name, temporary in written.items()})


def _refuse_folder(target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        raise OutputError(
            f"{target.name} is a folder, not an edition",
            path=str(target),
            hint="move the folder away; publish never deletes what it did not write",
        )


def stage(staging: Path, name: str, data: bytes, sync: bool = True) -> Path:
    """`data` in a temporary file in `staging` (a folder on the output's file system), to
    be renamed into place by `commit_set`: how workers that may run on another machine
    write, while the build decides which set goes in. (`sync=False`: flushed later by
    `fsync_file`, so a worker can flush a chunk's files at once.)"""
    return _temporary(staging, _checked_name(staging, name).name, data, sync)


def fsync_file(path: str | Path) -> None:
    """Flush a written file to disk (the journal commits of files flushed at once, from
    several threads, are shared: far faster than one after another)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def commit_set(staged: Mapping[Path, Path]) -> list[Path]:
    """Rename staged temporaries (target -> temporary) into place, as one set: a target
    taken by a folder is refused before anything is renamed; temporaries never stay."""
    try:
        for target in staged:
            _refuse_folder(target)
        for target, temporary in staged.items():
            os.replace(temporary, target)  # replaces a symlink itself, never its target
    except BaseException:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        raise
    return list(staged)


#: Where editions go: all in the output folder, or in year/month/day folders.
LAYOUTS: tuple[str, ...] = ("flat", "date")


def layout_folder(date: datetime.date | None, layout: str) -> str:
    """The folder (relative, with a final slash, or '') of a dated or undated article's
    editions: `flat` puts them all at the top; `date` in `2023/09/21/` or `undated/`, so
    no folder of an archive holds millions of files."""
    if layout == "flat":
        return ""
    return f"{date.year:04}/{date.month:02}/{date.day:02}/" if date else "undated/"


def prepare_output(out_dir: Path) -> Path:
    """Create the output folder and clear temporary files a killed build left behind."""
    if str(out_dir) in ("", "."):
        raise OptionsError(
            "the output folder must be a folder of its own, not the working folder",
            hint="give --out a folder such as dist",
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OptionsError("the output path is not a folder", path=str(out_dir), hint="give --out a folder") from None
    except OSError as error:
        raise OutputError(f"cannot create the output folder: {error.strerror}", path=str(out_dir)) from None
    if not out_dir.is_dir():
        raise OptionsError("the output path is not a folder", path=str(out_dir), hint="give --out a folder")
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(
            "the output folder is not writable", path=str(out_dir), hint="fix its permissions, or choose another --out"
        )
    now = time.time()
    for leftover in out_dir.glob(".*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another build's file, or already gone: not ours to report
    return out_dir


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """The output folder's exclusive lock: a build holds it while it changes the folder,
    so another build into the same folder waits. Re-entrant in one thread (the manifest
    and the record take it again inside a build)."""
    from filelock import FileLock

    lock = FileLock(str(folder.resolve() / LOCK_FILE), is_singleton=True)
    try:
        lock.acquire()
    except OSError as error:  # only taking the lock: errors inside the block are the block's own
        raise OutputError(f"cannot lock the output folder: {error.strerror}", path=str(folder)) from None
    try:
        yield
    finally:
        lock.release()
