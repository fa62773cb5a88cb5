"""The processes a build starts: never more than the machine can hold, never outliving it.

A pool worker holds about 100 MB (fonts, templates, a renderer's state) and one core's
worth of work, so more workers than cores or memory allow only cost: the number asked
for is capped by both, and the cap is said. A worker whose build was killed (SIGKILL
gives the build no chance to stop it) notices its parent is gone and ends itself, so
no process is left holding the caller's pipes.
"""

from __future__ import annotations

import os
import threading
import time

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
