"""Running a build's per-article work on a Dask `distributed` cluster.

The cluster only runs `publish.building.work.stage_chunk`: each task reads a chunk of articles
from the shared file system, renders them and writes their editions as temporaries into
the build's staging folder in the output folder; the answer that travels back is small
(slug, digests, stats, warnings or errors). Deciding slugs, renaming into place, the
record and the manifest stay with the build, in input order, so a cluster build is byte
for byte a `--jobs 1` build. A worker lost mid-task costs a retry of its chunk (Dask
reschedules it; `retries` covers a task that raised); its temporaries are removed with
the staging folder.

`ADDRESS` is a scheduler (`tcp://host:8786`), or `local` / `local:N` for a LocalCluster
of N single-threaded worker processes on this machine (N: all cores); `parse_address`
(in `publish.settings`, which checks the setting) reads it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.errors import OptionsError
from publish.settings import CLUSTER_ADDRESS, parse_address
from publish.version import __version__

#: Times a chunk is tried again after its task raised (a lost worker is rescheduled by Dask itself).
RETRIES = 2
#: Seconds to wait for a scheduler and at least one worker.
CONNECT_SECONDS = 30
#: Seconds closing the client, and a LocalCluster, may take (Dask's own default waits
#: twice its connection timeout, a minute, when Ctrl-C came at an awkward moment).
CLOSE_SECONDS = 10


@dataclass
class Session:
    """A connected client (and the LocalCluster it started, if any)."""

    client: Any
    workers: int
    #: The build's staging folder, as the workers must see it.
    staging: str = ""
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    def submit(self, function: Callable[..., Any]) -> Callable[[list[Any]], Any]:
        """A `submit(chunk)` for the builder: one Dask task per chunk, retried, never cached
        (`pure=False`: the same chunk built twice is two builds)."""
        staging = self.staging

        def submit(chunk: list[Any]) -> Any:
            return self.client.submit(function, chunk, staging, retries=RETRIES, pure=False)

        return submit

    def close(self) -> None:
        """Cancel what is still queued or running, then disconnect (and stop a LocalCluster)."""
        for close in reversed(self._closers):
            with contextlib.suppress(OSError, RuntimeError, TimeoutError):  # already gone: nothing left to stop
                close()
        self._closers.clear()


#: How to install the `cluster` extra: this project's distribution is `publish-editions`
#: ("publish" on the package index is somebody else's), and its lock pins Dask's version.
CLUSTER_INSTALL_HINT = (
    "install Dask distributed: pip install --require-hashes -r requirements/cluster.txt "
    "in publish's source folder, or pip install 'distributed>=2024.1'"
)


#: Seconds to wait for a scheduler's port to answer at all (a refused port answers at once).
REACH_SECONDS = 5


def connect(address: str, staging: str, local_workers: int | None = None) -> Session:
    """Connect to the cluster at `address` (or start a LocalCluster of `local_workers`,
    default all cores) and check that its workers run this publish and see the output
    folder at the same path."""
    kind, count = parse_address(address)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise OptionsError("--cluster needs Dask distributed", hint=CLUSTER_INSTALL_HINT) from None
    session = Session(client=None, workers=0, staging=staging)
    try:
        if kind == "local":
            # Its processes ignore Ctrl-C, which a terminal sends them too: the build stops
            # them itself (else each prints its tracebacks as it dies).
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                cluster = LocalCluster(
                    n_workers=local_workers or count or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # a worker losing its scheduler as the build stops logs a traceback
                )
            finally:
                signal.signal(signal.SIGINT, previous)
            session._closers.append(lambda: cluster.close(timeout=CLOSE_SECONDS))
            client = Client(cluster)
        else:
            _reach(address)
            client = Client(address, timeout=CONNECT_SECONDS)
        session._closers.append(lambda: client.close(timeout=CLOSE_SECONDS))
        session._closers.append(lambda: client.cancel(list(client.futures.values()), force=True))
        session.client = client
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        session.workers = sum(client.nthreads().values())
        _check_workers(client, staging, address)
    except OptionsError:
        session.close()
        raise
    except (OSError, TimeoutError, ValueError, TypeError, RuntimeError) as error:
        session.close()
        raise OptionsError(
            f"cannot reach the Dask scheduler at {address}: {error or type(error).__name__}",
            hint="start it with `dask scheduler` and workers with `dask worker ADDRESS`",
        ) from None
    return session


def _reach(address: str) -> None:
    """Knock on the scheduler's port before Dask waits up to `CONNECT_SECONDS` for it: a
    refused or unknown address is said at once."""
    import socket

    found = CLUSTER_ADDRESS.fullmatch(address)
    assert found is not None  # parse_address let it through
    host = found["host"].strip("[]")
    try:
        socket.create_connection((host, int(found["port"])), timeout=REACH_SECONDS).close()
    except TimeoutError:
        raise OSError(f"no answer in {REACH_SECONDS} s") from None
    except OSError as error:
        raise OSError(error.strerror or str(error)) from None


def _worker_view(staging: str) -> tuple[str, bool]:
    """What a worker sees: its publish version, and whether the staging folder is there."""
    from publish import version  # the worker's own, not the client's (this runs there)

    return version.__version__, os.path.isdir(staging)


def _check_workers(client: Any, staging: str, address: str) -> None:
    """Refuse a cluster whose workers run another publish or cannot see the output folder
    at the same path: they would make other bytes, or write where the build cannot rename."""
    for worker, (version, sees) in client.run(_worker_view, staging).items():
        if version != __version__:
            raise OptionsError(
                f"worker {worker} of {address} runs publish {version}, this is {__version__}",
                hint="install the same publish on every worker",
            )
        if not sees:
            raise OptionsError(
                f"worker {worker} of {address} cannot see {Path(staging).parent}",
                hint="workers need the inputs and the output folder on a shared file system, at the same paths",
            )
