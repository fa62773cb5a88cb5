"""Collect: the manifests a build writes from its record.

Each folder a build (or `publish collect`'s digest) changed gets its `SHA256SUMS`
rewritten from the digests the record holds (`BuildRecord.digests_in`), never by reading
the editions again; then the record marks the folder's manifest as agreeing with it
(`manifests_written`), so a killed build's dirty folders are rewritten by the next.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from publish.archive import editions_in, write_manifest
from publish.building.record import BuildRecord
from publish.output import MANIFEST, clear_temporaries, fsync_folder, real_folder


def write_changed_manifests(state: BuildRecord, touched: Iterable[str], staging: Path, durable: bool = False) -> None:
    """Rewrite the manifests of the folders (relative) in `touched` from `state`'s record
    and mark them written; `durable`: the renames into these folders are made durable
    before a manifest lists them (a build's; a digest's are its own set)."""
    folders = sorted(touched)
    if durable:
        for relative in folders:
            fsync_folder(state.folder / relative)
    write_manifests(state.folder, folders, state.digests_in, staging)
    state.manifests_written(folders)


#: Threads writing a build's manifests (each waits on the disk).
MANIFEST_THREADS = 8


def write_manifests(
    folder: Path, relatives: Iterable[str], digests_in: Callable[[str], Mapping[str, str]], staging: Path
) -> None:
    """Rewrite the manifest of each folder (relative to the output `folder`) a build
    changed, from the record's digests (`digests_in(relative)`), read a few folders ahead
    of the writers, never all at once (an archive's digests would be most of a build's
    memory). A folder left without editions loses its manifest and a day folder, when
    empty, itself (and its empty parents); the caller holds the folder's lock."""
    from concurrent.futures import Future, ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=MANIFEST_THREADS) as threads:
        pending: deque[Future[Path]] = deque()
        for relative in relatives:
            here = folder / relative
            if not os.path.lexists(here):
                continue  # emptied and removed already
            real_folder(folder, relative, create=False)
            clear_temporaries(here)  # what a build of an earlier publish left in a day folder
            if not editions_in(here):
                _remove_empty(folder, relative)
                continue
            if len(pending) >= 2 * MANIFEST_THREADS:
                pending.popleft().result()
            pending.append(threads.submit(write_manifest, here, digests_in(relative), locked=True, staging=staging))
        for future in pending:
            future.result()


def _remove_empty(folder: Path, relative: str) -> None:
    """A folder publish emptied (the top one too, after a switch to the date layout): its
    manifest goes, then the folder and each empty parent below `folder` (a folder that is
    not empty is left: it holds someone's files)."""
    (folder / relative / MANIFEST).unlink(missing_ok=True)
    here = folder / relative
    while here != folder:
        try:
            here.rmdir()
        except OSError:
            return
        here = here.parent
