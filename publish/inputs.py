"""Reading inputs: which files, and their bytes within the limits.

The first stage of the pipeline (inputs -> readers -> model -> editions -> output). It
knows file names and bytes; the readers above it (`publish.readers`) turn bytes into articles.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from publish.errors import InputError, OptionsError

#: Refuse inputs larger than this (README, "Limits"): about 1.6 million words, far beyond
#: any article, and small enough to typeset in bounded memory. Bytes read are counted, so
#: a pipe or a device is bounded too.
MAX_INPUT_BYTES = 10 * 1024 * 1024
#: File endings a folder is searched for: plain text, ninjs and NewsML-G2 or NITF (the readers' table,
#: `publish.readers.SUFFIXES`, is the same: tested).
INPUT_SUFFIXES: tuple[str, ...] = (".txt", ".json", ".xml")


def collect_sources(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files as given; folders give their input files, sorted, recursively, leaving out
    hidden files and folders below them and the folders in `exclude` (the output folder,
    so `publish build .` never reads its own editions back)."""
    return [Path(name) for name, _ in collect_source_names(paths, exclude)]


def collect_source_names(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[tuple[str, str]]:
    """`collect_sources` as (path as given, absolute path) strings: what a build of a
    million files needs, without a `Path` object, a stat or a resolve per file."""
    return list(stream_source_names(paths, exclude))


def stream_source_names(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Iterator[tuple[str, str]]:
    """`collect_source_names` one at a time, each folder listed when the walk reaches it:
    an archive's build holds one folder's names, not every name (`count_source_names`
    first, to find an unreadable folder before anything is built)."""
    paths = list(paths)
    excluded = _Excluded(exclude)
    one_folder = len(paths) == 1 and Path(paths[0]).is_dir()
    return _distinct(
        _named(paths, excluded), os.path.join(os.path.abspath(paths[0]), "") if one_folder else None, excluded
    )


def count_source_names(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> int:
    """How many input files `paths` name (a file named twice counts twice), found by a
    walk that keeps no name: it raises for a missing path or an unreadable folder, as
    the build would, before the build begins."""
    excluded = _Excluded(exclude)
    return sum(_count_below(str(raw), excluded) if _is_folder(raw) else 1 for raw in paths)


class _Excluded:
    """The folders a walk leaves out (the output folder, a bag), known by their resolved
    paths and their identities (device, inode): a folder met on the walk is compared by
    the identity of its directory entry, one stat, not by resolving its path (a resolve
    per folder is a system call per level: folders nested 1,200 deep took 18 s)."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.paths = [folder.resolve() for folder in folders]
        self._identities = set()
        for folder in self.paths:
            try:
                found = os.stat(folder)
            except OSError:
                continue  # not made yet: nothing below it to meet
            self._identities.add((found.st_dev, found.st_ino))

    def __bool__(self) -> bool:
        return bool(self._identities)

    def below(self, path: str) -> bool:
        """Whether `path` (a walk's starting folder, or a link's target) is in an excluded folder."""
        return any(Path(path).resolve().is_relative_to(folder) for folder in self.paths)

    def holds(self, entry: os.DirEntry[str]) -> bool:
        """Whether a folder met on the walk is an excluded one (its entry's own stat)."""
        if not self._identities:
            return False
        try:
            found = entry.stat(follow_symlinks=False)
        except OSError:
            return False
        return (found.st_dev, found.st_ino) in self._identities


def _count_below(top: str, excluded: _Excluded) -> int:
    if excluded and excluded.below(top):
        return 0
    count = 0
    walking = ["" if top == "." else top if top.endswith("/") else top + "/"]
    while walking:
        here = walking.pop()
        for name, entry in _listing(here):
            if entry.is_dir(follow_symlinks=False):
                if not excluded.holds(entry):
                    walking.append(here + name + "/")
            elif _is_input_name(name) and entry.is_file():
                count += 1
    return count


def _named(paths: Iterable[str | Path], excluded: _Excluded) -> Iterator[tuple[str, str, str]]:
    """Every input file under `paths`, in order, as (name, absolute name, identity)."""
    for raw in paths:
        if _is_folder(raw):
            yield from _inputs_below(Path(raw), excluded)
        else:
            name = str(Path(raw))
            absolute = os.path.abspath(name)
            yield name, absolute, os.path.realpath(name) if os.path.islink(name) else absolute


def _is_folder(raw: str | Path) -> bool:
    """A path given is a folder (True) or something to read (False: a file, a device,
    a pipe); anything else is an error, naming the path as given."""
    path = Path(raw)
    if path.is_dir():
        return True
    if path.is_file() or path.is_char_device() or path.is_fifo():
        return False
    if path.is_socket() or path.is_block_device():
        kind = "a socket" if path.is_socket() else "a block device"
        raise OptionsError(
            f"{kind}, not an article file or folder", path=str(raw), hint="give files or folders of articles"
        )
    raise OptionsError("no such file or folder", path=str(raw))


def _is_input_name(name: str) -> bool:
    """A file name an input folder is searched for (its ending; splitext is 3x slower)."""
    return name[name.rfind(".") :].lower() in INPUT_SUFFIXES


def _distinct(
    sources: Iterable[tuple[str, str, str]], folder: str | None, excluded: _Excluded
) -> Iterator[tuple[str, str]]:
    """Each file once, as first named: the same file given twice, or by two paths (a
    link, `./a.txt` and `a.txt`), is one article, not a slug clash with itself. (The
    third string is the file's identity: its real path for a link, else its absolute
    path: no resolve per file.)

    When one `folder` is walked (its absolute path, ending in "/"), a file can come twice
    only through a link, and no name is remembered but links' targets: a link whose
    target the walk lists before it is left out, one whose target comes later is kept
    and the target left out when reached. Otherwise every identity is remembered."""
    seen: set[str] = set()
    for name, absolute, identity in sources:
        if identity in seen:
            continue
        if folder is None:
            seen.add(identity)
        elif identity != absolute:  # a link
            if _listed_before(identity, absolute, folder, excluded):
                continue
            seen.add(identity)
        yield name, absolute


def _listed_before(target: str, link: str, folder: str, excluded: _Excluded) -> bool:
    """Whether the walk of `folder` lists `target` (a link's real path) before `link`:
    the walk goes in the order of their parts, and lists visible input files only."""
    if not target.startswith(folder) or not os.path.isfile(target):
        return False
    parts = target[len(folder) :].split("/")
    if any(part.startswith(".") for part in parts) or not _is_input_name(parts[-1]):
        return False
    if any(Path(target).is_relative_to(out) for out in excluded.paths):
        return False
    return parts < link[len(folder) :].split("/")


def _inputs_below(root: Path, excluded: _Excluded) -> Iterator[tuple[str, str, str]]:
    """Input files below `root` as (name, absolute name, identity), in the order `Path`
    objects sort (each folder's entries by name, a subfolder's files at its place: `a/x`
    before `a-b/x` before `a.txt`), hidden files and folders left out, nothing under an
    excluded folder. Each folder is sorted once (an excluded one known by its identity), a file resolved only
    when it is a link: an archive of a million files is listed without a stat, a resolve,
    a `Path` or a sort key per file."""
    top = str(root)
    if excluded and excluded.below(top):
        return
    walking = [_folder("" if top == "." else top if top.endswith("/") else top + "/", excluded)]
    while walking:
        found = next(walking[-1], None)
        if found is None:
            walking.pop()
        elif found[1] == "":  # a subfolder: walked here, at its place in the order
            walking.append(_folder(found[0], excluded))
        else:
            yield found


def _folder(here: str, excluded: _Excluded) -> Iterator[tuple[str, str, str]]:
    """One folder's input files as (name, absolute name, identity) and its subfolders as
    (name, "", ""), sorted by name (an excluded subfolder left out)."""
    entries = sorted(_listing(here))
    absolute = os.path.join(os.path.abspath(here or "."), "")
    for name, entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not excluded.holds(entry):
                yield here + name + "/", "", ""
        elif _is_input_name(name) and entry.is_file():
            full = here + name
            whole = full if absolute == here else absolute + name  # one string when already absolute
            if not entry.is_symlink():
                yield full, whole, whole
                continue
            target = os.path.realpath(entry.path)
            if not any(Path(target).is_relative_to(folder) for folder in excluded.paths):
                yield full, whole, target


def _listing(here: str) -> list[tuple[str, os.DirEntry[str]]]:
    """A folder's visible entries as (name, entry), unsorted."""
    try:
        with os.scandir(here or ".") as listing:
            return [(entry.name, entry) for entry in listing if not entry.name.startswith(".")]
    except OSError as error:  # an unreadable folder is an error, never silently skipped
        raise InputError(
            f"cannot read this folder: {error.strerror}",
            path=here.rstrip("/") or ".",
            hint="fix its permissions, or leave it out",
        ) from None


def read_input(path: Path) -> bytes:
    """An article file's bytes, refusing one too large to be an article. The bytes read
    are counted (not the size the file claims), so `/dev/zero` or a pipe stops at the
    limit; a pipe is waited on for at most `PIPE_WAIT_SECONDS` at a time."""
    try:
        if stat.S_ISFIFO(os.stat(path).st_mode):
            data = _read_pipe(path)
        else:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=str(path)) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"more than {MAX_INPUT_BYTES:,} bytes; the limit for one article is {MAX_INPUT_BYTES:,}",
            path=str(path),
            hint="split it into several articles",
        )
    return data


def read_stdin() -> bytes:
    """Standard input's bytes (`publish build -`), refusing more than one article's worth."""
    import sys

    try:
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path="<stdin>") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"more than {MAX_INPUT_BYTES:,} bytes; the limit for one article is {MAX_INPUT_BYTES:,}",
            path="<stdin>",
            hint="split it into several articles",
        )
    return data


#: Seconds a pipe (`mkfifo story.txt`) is waited on for its next bytes: opening one that
#: no program writes to would otherwise wait forever, holding the output folder's lock.
PIPE_WAIT_SECONDS = 5


def _read_pipe(path: Path) -> bytes:
    """A named pipe's bytes, up to the limit and one byte more, opened without waiting for
    a writer and read until the writer closes it; InputError when no bytes come for
    `PIPE_WAIT_SECONDS`."""
    import select

    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        waiting = select.poll()
        waiting.register(descriptor, select.POLLIN)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_INPUT_BYTES:
            events = waiting.poll(PIPE_WAIT_SECONDS * 1000)
            if not events:
                raise InputError(
                    f"nothing was written to this pipe for {PIPE_WAIT_SECONDS} s",
                    path=str(path),
                    hint="start the program that writes to it first",
                )
            chunk = os.read(descriptor, 1 << 16)
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
            elif any(event & select.POLLHUP for _, event in events):
                break  # its writer closed it: the end
        return b"".join(chunks)
    finally:
        os.close(descriptor)
