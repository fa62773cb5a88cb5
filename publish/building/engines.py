"""Where the work runs: this process, a local process pool or a Dask cluster
(`publish.building.cluster`), as one `Engine`; chunks sent in order, their answers taken
in order, a lost worker's articles tried again alone.

The processes a build starts: never more than the machine can hold, never outliving it,
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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, TypeVar

from publish.building.work import Flushing, Staged, Task, failed_chunk, flusher, lost_worker, stage_chunk, staged_or_bug

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


#: Most articles sent to a local pool worker in one message.
CHUNK_MAX = 8
#: Most articles in one cluster task: a task costs the scheduler about 1.5 ms, so chunks
#: of 8-32 articles keep a cluster at 86-98% of the ideal (measured, see README).
CLUSTER_CHUNK_MAX = 32
#: Times an article of a chunk whose worker was lost is tried again, alone (on a cluster,
#: once: Dask itself tries a task on other workers before it gives up).
LOST_RETRIES = 2
#: Chunks rendered in this process ahead of the one whose files are still being made durable.
LOCAL_AHEAD = 4
#: Seconds between two looks at whether a worker has answered.
WAIT_SECONDS = 0.01

R = TypeVar("R")


class FutureLike(Protocol[R]):  # type: ignore[misc]
    """What `in_order` needs of a future: concurrent.futures' and Dask's both are."""

    def done(self) -> bool: ...

    def result(self) -> R: ...


def in_order(started: Iterable[FutureLike[R]], window: int) -> Iterator[R]:
    """Results of futures in the order they were started, starting the next only while
    fewer than `window` wait: ordered output, flat memory, busy workers. (`started` is
    lazy: iterating it is what starts work.)"""
    pending: deque[FutureLike[R]] = deque()
    for future in started:
        pending.append(future)
        while pending and (len(pending) > window or pending[0].done()):
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def finished(value: R) -> Future[R]:
    """A future that already holds `value`."""
    future: Future[R] = Future()
    future.set_result(value)
    return future


#: Sends one chunk to where the work runs and returns its future.
Submit = Callable[[list[Task]], FutureLike[list[Staged]]]


def chunk_size(count: int, workers: int, most: int) -> int:
    """Articles per message: a round trip costs about as much as a short article's text
    edition, so a large batch goes several at a time; a small one goes one by one, so
    every worker stays busy to the end."""
    return max(1, min(most, count // (workers * 16)))


def staged_in_order(tasks: Iterable[Task], engine: Engine) -> Iterator[list[Staged]]:
    """Every chunk's answers in input order. A chunk whose worker was lost (killed: out of
    memory, say) is tried again article by article, each alone (`engine.retry`), so only
    an article that kills its worker again fails; a chunk that fails otherwise becomes
    an error for each of its articles. The batch goes on."""
    remaining = iter(tasks)
    chunks = iter(lambda: list(islice(remaining, engine.size)), [])
    pending: deque[tuple[list[Task], FutureLike[list[Staged]]]] = deque()

    def answers(chunk: list[Task], future: FutureLike[list[Staged]]) -> list[Staged]:
        try:
            return engine.wait(future)
        except KeyboardInterrupt:
            raise
        except Exception as error:  # noqa: BLE001 - whatever ended the chunk, each article says so
            if engine.lost(error):
                return [engine.retry(task) for task in chunk]
            return failed_chunk(chunk, error)

    for chunk in chunks:
        pending.append((chunk, engine.submit(chunk)))
        while pending and (len(pending) > engine.window or pending[0][1].done()):
            yield answers(*pending.popleft())
    while pending:
        yield answers(*pending.popleft())


class Engine:
    """Where chunks run: this process, a process pool or a Dask cluster. `submit(chunk)`
    starts one, `lost(error)` tells a lost worker from a failure, `retry(task)` renders
    one article of a lost chunk alone; closing the engine stops the work (a cluster's
    futures are cancelled, a pool's workers end)."""

    def __init__(
        self,
        jobs: int,
        cluster: str | None,
        local_workers: int | None,
        staging: Path,
        count: int,
        interrupts: Interrupts,
    ) -> None:
        self.jobs, self.cluster, self.local_workers = jobs, cluster, local_workers
        self.staging, self.count, self.interrupts = str(staging), count, interrupts
        self.size, self.window = 1, 1
        self._close: list[Callable[[], Any]] = []
        self._pool: Any = None
        #: A one-worker pool for articles tried again alone, so that one which kills its
        #: worker takes no other article with it.
        self._alone: Any = None
        self._session: Any = None

    def __enter__(self) -> Engine:
        if self.cluster:
            from publish.building.cluster import connect

            self._session = connect(self.cluster, self.staging, self.local_workers)
            self._close.append(self._session.close)
            workers = self._session.workers
            self.size, self.window = chunk_size(self.count, workers, CLUSTER_CHUNK_MAX), workers * 4
        elif self.jobs > 1 and self.count > 1:
            self._pool = self._new_pool(self.jobs)
            self._close.append(lambda: self._pool.shutdown(wait=True, cancel_futures=True))
            self._close.append(lambda: self._alone and self._alone.shutdown(wait=True, cancel_futures=True))
            self.size, self.window = chunk_size(self.count, self.jobs, CHUNK_MAX), self.jobs * 4
        else:  # a few articles rendered ahead while the disk makes the last ones durable
            self.window = LOCAL_AHEAD
        return self

    def __exit__(self, *exc: object) -> None:
        for close in reversed(self._close):
            close()

    @staticmethod
    def _new_pool(workers: int) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)

    def submit(self, chunk: list[Task]) -> FutureLike[list[Staged]]:
        if self._session is not None:
            return self._session.submit(stage_chunk)(chunk)  # type: ignore[no-any-return]
        if self._pool is None:
            with self.interrupts.immediate():  # rendering here takes no lock: Ctrl-C stops it at once
                answers = [staged_or_bug(task, Path(self.staging), sync=False) for task in chunk]
            return Flushing(answers, flusher())
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(stage_chunk, chunk, self.staging)  # type: ignore[no-any-return]
        except BrokenProcessPool:  # a worker was lost: the pool is replaced, the batch goes on
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool(self.jobs)
            return self._pool.submit(stage_chunk, chunk, self.staging)  # type: ignore[no-any-return]

    def wait(self, future: FutureLike[R]) -> R:
        """The future's result, waited for in short sleeps: a stopping signal is raised
        between two (never inside the pool's or Dask's own wait, see `Interrupts`)."""
        while not future.done():
            self.interrupts.check()
            time.sleep(WAIT_SECONDS)
        return future.result()

    def lost(self, error: BaseException) -> bool:
        """Whether `error` means the worker was lost (a pool broken by a worker's death, a
        Dask worker killed or gone), not that the work failed."""
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(error, BrokenProcessPool) or type(error).__name__ in ("KilledWorker", "CommClosedError")

    def retry(self, task: Task) -> Staged:
        """Render `task` again, alone; an answer saying its worker was lost when it is lost every time."""
        from concurrent.futures.process import BrokenProcessPool

        for _ in range(1 if self._session is not None else LOST_RETRIES):
            try:
                if self._session is not None:
                    return self.wait(self._session.submit(stage_chunk)([task]))[0]
                if self._alone is None:
                    self._alone = self._new_pool(1)
                return self.wait(self._alone.submit(stage_chunk, [task], self.staging))[0]
            except BrokenProcessPool:
                self._alone.shutdown(wait=False, cancel_futures=True)
                self._alone = None
            except Exception as error:  # noqa: BLE001 - a cluster's lost worker, or the work's own failure
                if not self.lost(error):
                    return failed_chunk([task], error)[0]
        return lost_worker(task.source)
