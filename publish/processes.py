"""The processes a build starts: never more than the machine can hold, never outliving it,
and stopped at a safe point when the build is interrupted.

A pool worker holds about 100 MB (fonts, templates, a renderer's state) and one core's
worth of work, so more workers than cores or memory allow only cost: the number asked
for is capped by both, and the cap is said. A worker whose build was killed (SIGKILL
gives the build no chance to stop it) notices its parent is gone and ends itself, so
no process is left holding the caller's pipes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Memory one worker needs, about: measured at 95 MB (fonts, templates, HarfBuzz,
#: reportlab), with room for a long article.
WORKER_MEMORY = 128 * 1024 * 1024
#: Seconds between a worker's looks at whether its build is still there.
PARENT_CHECK_SECONDS = 0.25


def usable_workers(asked: int) -> tuple[int, str | None]:
    """How many workers to start for `asked`: at most one per core and as many as the
    available memory holds (at least one), and a note saying so when that is fewer."""
    cores = os.cpu_count() or 1
    memory = available_memory()
    by_memory = max(1, memory // WORKER_MEMORY) if memory is not None else asked
    usable = max(1, min(asked, cores, by_memory))
    if usable >= asked:
        return asked, None
    room = f"{cores} cores" + (f", {memory / 2**30:.1f} GB of memory available" if memory is not None else "")
    return usable, (
        f"{asked} workers asked for, {usable} started: this machine has {room}, "
        f"and each worker needs a core and about {WORKER_MEMORY // 2**20} MB"
    )


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux's MemAvailable, else the free
    pages), None where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def die_with_parent() -> None:
    """A pool worker's initializer: end this process when the process that started it is
    gone (it is then adopted by another, so its parent id changes)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)  # nothing of this worker's is left to save: its build is gone

    threading.Thread(target=watch, name="publish-parent-watch", daemon=True).start()


#: The signals that stop a build: Ctrl-C, `kill`, a closed terminal.
STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupts:
    """Ctrl-C, SIGTERM and SIGHUP while a build runs its workers, held until a safe point.
    Raised at once (KeyboardInterrupt) in the middle of a wait on a worker's answer, a
    signal can leave one of threading's locks taken (the Dask client's, a pool's future's),
    and the build then hangs for ever as it closes its workers. Held, it is raised by
    `check` where no lock is taken, or at once inside `immediate()` (an article rendered
    in this process, which takes none). Only in the main thread: signals go there."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self._immediate = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for number in STOPPING:
                self._previous[number] = signal.signal(number, self._held)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]

    def _held(self, number: int, frame: FrameType | None) -> None:
        self.pending = number
        if self._immediate:
            raise KeyboardInterrupt

    def check(self) -> None:
        """Raise KeyboardInterrupt when a stopping signal came."""
        if self.pending is not None:
            raise KeyboardInterrupt

    @contextmanager
    def immediate(self) -> Iterator[None]:
        """A stretch of work that takes no lock: a signal stops it at once."""
        self.check()
        self._immediate = True
        try:
            yield
        finally:
            self._immediate = False
