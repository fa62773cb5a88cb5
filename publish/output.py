"""Safe output: what reaches an output folder, and how.

Readers of the folder only ever see an old file or a new one: every file is written to
a temporary file (in the build's staging folder, on the same file system), flushed to
disk and renamed into place. An article's editions are written as a set (every
temporary first, then the renames, journaled by `publish.building.record`), so a full disk or a
name taken by a folder leaves all of the old set, not half of each. Nothing is written
through a symbolic link: a linked folder, record or lock file is refused. One lock per
output folder (a `filelock` lock file, the same on Linux, macOS and Windows) is held by
whoever changes or reads the folder's shared files (manifest, state); whatever a killed
build left (staging folders, publish's own temporaries) is cleared under it.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from publish.editions import is_edition_file
from publish.errors import OptionsError, OutputError

#: The folder's lock file (hidden, never an edition).
LOCK_FILE = ".publish.lock"
#: Each folder's manifest of its editions (the format `sha256sum -c` reads).
MANIFEST = "SHA256SUMS"
#: A temporary file publish writes beside a file it replaces: `.<name>.<8 random>.tmp`
#: (`tempfile.mkstemp`), where name is an edition's or the manifest's.
TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
#: Said where a symbolic link stands where publish would write.
NO_LINKS = "publish never writes through one"


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
    """`data` in a flushed temporary file in `folder`, named for `name` (`sync=False`:
    the caller flushes it to disk with `fsync_file` before renaming it)."""
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


def write_atomic(folder: Path, name: str, data: bytes, staging: Path | None = None) -> Path:
    """Write `folder/name` so that readers only ever see the old file or the new one; the
    temporary file is made in `staging` when given (a build's staging folder, so that a
    killed build leaves nothing in `folder`), else beside the file."""
    target = _checked_name(folder, name)
    _refuse_folder(target)
    try:
        temporary = _temporary(staging or folder, name, data)
    except OSError as error:  # full disk, read-only folder: the user's to fix
        raise OutputError(f"cannot write: {error.strerror}", path=str(folder)) from None
    try:
        return commit_set({target: temporary})[0]
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=str(target)) from None


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


def fsync_folder(path: str | Path) -> None:
    """Make a folder's entries (the renames into it) durable; a file system that cannot
    flush a folder (some network ones) is left to its own guarantees."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder removed meanwhile has no entries to keep
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise OutputError(f"cannot write: {error.strerror}", path=str(path)) from None
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


def real_folder(root: Path, relative: str, create: bool = True) -> Path:
    """`root/relative`, each folder below `root` made when missing (`create`) and checked
    to be a real folder: a symbolic link there (`2024/01 -> ../../elsewhere`) would take
    editions outside the output folder, so it is refused, never followed."""
    here = root
    for part in Path(relative).parts:
        here = here / part
        if create:
            try:
                here.mkdir()
            except FileExistsError:
                pass
            except OSError as error:
                raise OutputError(f"cannot make the folder {here}: {error.strerror}", path=str(here)) from None
        try:
            found = os.lstat(here)
        except OSError as error:
            raise OutputError(f"cannot use the folder {here}: {error.strerror}", path=str(here)) from None
        if stat.S_ISLNK(found.st_mode):
            raise OutputError(f"{here} is a symbolic link; {NO_LINKS}", hint="replace it with a real folder")
        if not stat.S_ISDIR(found.st_mode):
            raise OutputError(
                f"{here} is not a folder", hint="move it away; publish never deletes what it did not write"
            )
    return here


def refuse_link(path: Path, what: str, hint: str) -> None:
    """Refuse a file publish writes in place (its record, its lock) when it is a symbolic
    link: writing would change the file it points to, which may be anyone's."""
    if path.is_symlink():
        raise OutputError(f"{what} is a symbolic link; {NO_LINKS}", path=str(path), hint=hint)


def clear_temporaries(folder: Path) -> None:
    """Remove the temporary files a killed build left in `folder`: only publish's own,
    by their names (`.<edition or manifest>.<8 random>.tmp`), never a user's `.notes.tmp`.
    Called with the folder's lock held: every such file is made under that lock, so any
    found then belongs to a build that is gone."""
    try:
        with os.scandir(folder) as entries:
            leftovers = [
                entry.path for entry in entries if is_temporary(entry.name) and entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return  # an unreadable folder: its manifest, written next, says so
    for leftover in leftovers:
        with contextlib.suppress(OSError):  # already gone: nothing to report
            os.unlink(leftover)


def is_temporary(name: str) -> bool:
    """A name publish gives its temporary files."""
    found = TEMPORARY.fullmatch(name)
    return found is not None and (found["name"] == MANIFEST or is_edition_file(found["name"]))


#: A build's staging folder in the output folder (hidden; removed at the end).
STAGING_PREFIX = ".publish-staging-"


def make_staging(folder: Path) -> Path:
    """A new staging folder in `folder`: where a build's files wait, as temporaries, to be
    renamed into place (the same file system, so a rename is atomic)."""
    try:
        return Path(tempfile.mkdtemp(dir=folder, prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=str(folder)) from None


def clear_leftovers(folder: Path) -> None:
    """Remove what killed builds left in the output folder: staging folders and publish's
    temporary files. Called with the folder's lock held: they are only ever made under
    it, so whatever is found belongs to a build that is gone (a cluster worker of a killed
    build that still writes into its staging folder only loses that write)."""
    for leftover in folder.glob(f"{STAGING_PREFIX}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    clear_temporaries(folder)


def prepare_output(out_dir: Path) -> Path:
    """Create the output folder (temporary files a killed build left behind are cleared
    by the next build, under the folder's lock)."""
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
    return out_dir


#: Seconds a command waits for another build's lock before saying it waits.
LOCK_PATIENCE = 0.5


@contextmanager
def folder_lock(folder: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """The output folder's exclusive lock: a build holds it while it changes the folder,
    so another build into the same folder waits (`on_wait` is told when it must).
    Re-entrant in one thread (the manifest and the record take it again inside a build)."""
    from filelock import FileLock, Timeout

    path = folder.resolve() / LOCK_FILE
    refuse_link(path, "the lock file", "remove the link; publish keeps its lock in the output folder itself")
    lock = FileLock(str(path), is_singleton=True)
    try:
        try:
            lock.acquire(timeout=LOCK_PATIENCE if on_wait else -1)
        except Timeout:
            assert on_wait is not None
            on_wait()
            lock.acquire()
    except OSError as error:  # only taking the lock: errors inside the block are the block's own
        raise OutputError(f"cannot lock the output folder: {error.strerror}", path=str(folder)) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def reading_lock(folder: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of the build folder `folder` belongs to (itself or the nearest
    folder above it with publish's lock file) while reading it, so that `publish verify`
    never sees a build's half-written manifest. A folder no build ever locked, or one
    this user may not lock (a read-only archive), is read without it: nobody is building there."""
    here = folder.resolve()
    owner = next((place for place in (here, *here.parents) if (place / LOCK_FILE).is_file()), None)
    if owner is None or not os.access(owner / LOCK_FILE, os.W_OK) or not os.access(owner, os.W_OK):
        yield
        return
    with folder_lock(owner, on_wait):
        yield
