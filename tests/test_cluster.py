"""A build on a real Dask LocalCluster (2 worker processes): the same bytes, manifest and
record as `--jobs 1`, and a worker killed mid-batch leaves nothing partial."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import BATCH, SEED

from publish.building.builder import ArticleResult, build
from publish.building.install import BuildState
from publish.errors import OptionsError

distributed = pytest.importorskip("distributed")

ARTICLES = BATCH


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes (with nannies, which restart a killed worker)."""
    import logging

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as local:
        yield local


def everything(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder but the record and the lock, by relative name."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".publish")
    }


def records(folder: Path) -> list[tuple]:
    state = BuildState(folder, "")
    try:
        return list(state.entries())
    finally:
        state.close()


def test_a_cluster_build_is_a_jobs_1_build(cluster, sources, tmp_path):
    serial = build([sources], tmp_path / "serial", formats=["txt", "epub", "pdf"], jobs=1)
    reported: list[Path] = []
    remote = build(
        [sources],
        tmp_path / "cluster",
        formats=["txt", "epub", "pdf"],
        cluster=cluster.scheduler_address,
        on_result=lambda r: reported.append(r.source),
    )
    assert serial.ok and remote.ok
    assert reported == [r.source for r in serial.results] == sorted(sources.glob("*.txt"))
    assert everything(tmp_path / "cluster") == everything(tmp_path / "serial")
    assert len(everything(tmp_path / "cluster")) == 3 * len(ARTICLES) + 1  # and SHA256SUMS
    assert records(tmp_path / "cluster") == records(tmp_path / "serial")
    assert sorted(p.name for p in (tmp_path / "cluster").iterdir() if p.name.startswith(".")) == [
        ".publish-state.sqlite",
        ".publish.lock",
    ]  # no staging folder, no temporary
    again = build([sources], tmp_path / "cluster", formats=["txt", "epub", "pdf"], cluster=cluster.scheduler_address)
    assert again.skipped == len(ARTICLES)


def test_a_worker_killed_mid_batch_costs_a_retry_and_leaves_nothing_partial(cluster, sources, tmp_path):
    for index in range(10):  # more articles than workers, so work is still queued when one dies
        text = (sources / SEED.name).read_text()
        (sources / f"copy-{index:02}.txt").write_text(f"slug: copy {index}\n" + text)
    client = distributed.Client(cluster.scheduler_address)
    pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_one(result: ArticleResult) -> None:
        if not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(len(results))
        results.append(result)

    results: list[ArticleResult] = []
    report = build(
        [sources], tmp_path / "out", formats=["txt", "pdf"], cluster=cluster.scheduler_address, on_result=kill_one
    )
    client.close()
    assert killed == [0] and len(report.results) == 16  # killed after the first of 16 results
    assert report.ok, [str(r.error) for r in report.results if r.error]
    assert build([sources], tmp_path / "serial", formats=["txt", "pdf"], jobs=1).ok
    assert everything(tmp_path / "out") == everything(tmp_path / "serial")
    leftovers = [p.name for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp") or "staging" in p.name]
    assert leftovers == []


def test_a_cluster_address_that_is_not_one_is_refused():
    from publish.settings import parse_address

    assert parse_address("local") == ("local", None)
    assert parse_address("local:3") == ("local", 3)
    assert parse_address("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786", None)
    with pytest.raises(OptionsError, match="expected local:N"):
        parse_address("local:zero")
    with pytest.raises(OptionsError, match="not a scheduler address"):
        parse_address("nowhere")


def test_ctrl_c_during_a_cluster_build_stops_it_cleanly(sources, tmp_path):
    """SIGINT while a LocalCluster renders: exit 130, the editions written are whole, and
    neither staging folder nor temporary is left."""
    import subprocess
    import sys

    for index in range(30):
        (sources / f"copy-{index:02}.txt").write_text(f"slug: copy {index}\n" + (sources / SEED.name).read_text())
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "publish",
            "build",
            str(sources),
            "--out",
            str(out),
            "--format",
            "pdf",
            "--cluster",
            "local:2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("wrote ")
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted; editions already written are complete" in errors
    pdfs = list(out.glob("*.pdf"))
    assert 1 <= len(pdfs) < 36
    assert all(p.read_bytes().rstrip().endswith(b"%%EOF") for p in pdfs)
    assert [p.name for p in out.rglob("*") if p.name.endswith(".tmp") or "staging" in p.name] == []


def test_without_dask_the_hint_installs_this_projects_extra_not_another_package(monkeypatch, tmp_path):
    import sys

    from publish.building.cluster import connect

    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    with pytest.raises(OptionsError, match="needs Dask distributed") as raised:
        connect("local:1", str(tmp_path))
    assert raised.value.hint == (
        "install Dask distributed: pip install --require-hashes -r requirements/cluster.txt "
        "in publish's source folder, or pip install 'distributed>=2024.1'"
    )


# --- Issue 29: cluster addresses, workers that keep dying, Ctrl-C in a terminal, the machine's limits --

#: Run in each worker of a cluster as it starts (Dask's preload): rendering `poison.txt`
#: kills the worker process, as the OOM killer would.
POISON = """
import os, signal
import publish.building.work


def poisoned(real):
    def greedy(task, *args, **kwargs):
        if task.source.name == "poison.txt":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(task, *args, **kwargs)

    greedy.poisoned = True
    return greedy


if not hasattr(publish.building.work.stage_task, "poisoned"):  # Dask runs a preload twice in a worker
    publish.building.work.stage_task = poisoned(publish.building.work.stage_task)
"""


def test_an_article_that_kills_every_cluster_worker_fails_alone_and_the_rest_is_built(sources, tmp_path):
    """Point 22: the build exited 70 when workers kept dying; now that article fails (exit 1
    from the command line: the machine lacks what it needs) and the batch goes on."""
    import logging

    preload = tmp_path / "poison_preload.py"
    preload.write_text(POISON)
    shutil.copy(SEED, sources / "poison.txt")
    (sources / "poison.txt").write_text("slug: poison\n" + SEED.read_text())
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
        preload=[str(preload)],
        scheduler_kwargs={"allowed_failures": 1},  # Dask gives up on a task after two workers died of it
    ) as local:
        report = build([sources], tmp_path / "out", formats=["txt"], cluster=local.scheduler_address)
    assert [(r.source.name, type(r.error).__name__) for r in report.results if r.error] == [
        ("poison.txt", "ResourceError")
    ]
    lost = next(r.error for r in report.results if r.error)
    assert str(lost) == (
        f"{sources / 'poison.txt'}: the worker rendering this article was lost each time it was tried, "
        "alone too (killed, perhaps for lack of memory) "
        "(hint: build it alone with --jobs 1, or on a machine with more memory)"
    )
    assert len(list((tmp_path / "out").glob("*.txt"))) == len(ARTICLES)


@pytest.mark.parametrize(
    "address, message",
    [
        ("tcp://", "--cluster 'tcp://' is not a scheduler address"),
        ("tcp://[::1", "--cluster 'tcp://[::1' is not a scheduler address"),
        ("tcp://host:99999", "--cluster 'tcp://host:99999' is not a scheduler address"),
        ("foo://x:1", "--cluster 'foo://x:1': publish reaches a scheduler over tcp:// (or tls://), not foo://"),
        ("inproc://x", "--cluster 'inproc://x': publish reaches a scheduler over tcp:// (or tls://), not inproc://"),
        ("ucx://host:1", "--cluster 'ucx://host:1': publish reaches a scheduler over tcp:// (or tls://), not ucx://"),
    ],
)
def test_addresses_publish_cannot_reach_a_scheduler_by_are_refused_at_once(address, message):
    """Point 24: exit 70, or a wait of 30 s, for addresses that cannot work."""
    from publish.settings import parse_address

    with pytest.raises(OptionsError) as refused:
        parse_address(address)
    assert refused.value.message == message and refused.value.hint == "give tcp://HOST:8786, local or local:N"


def test_an_address_nobody_listens_at_is_refused_without_waiting_for_dask(tmp_path):
    """Point 24: a refused port answers at once; publish says so instead of waiting 30 s
    for Dask's own time-out (whose message would be another)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", str(SEED), "--out", str(tmp_path), "--cluster", "tcp://127.0.0.1:1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: Connection refused "
        "(hint: start it with `dask scheduler` and workers with `dask worker ADDRESS`)\n"
    )


def test_ctrl_c_in_a_terminal_stops_a_cluster_build_without_tracebacks(sources, tmp_path):
    """Point 26: a terminal's Ctrl-C goes to every process of the group, the LocalCluster's
    too: each printed its asyncio tracebacks as it died. They ignore it; the build stops them."""
    import subprocess
    import sys

    for index in range(30):
        (sources / f"copy-{index:02}.txt").write_text(f"slug: copy {index}\n" + (sources / SEED.name).read_text())
    args = ["build", str(sources), "--out", str(tmp_path / "out"), "--format", "pdf", "--cluster", "local:2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("wrote ")
    os.killpg(process.pid, signal.SIGINT)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 130
    assert (
        errors.splitlines()[-1] == "error: interrupted; editions already written are complete, nothing partial was left"
    )
    assert "Traceback" not in errors


def test_a_local_cluster_larger_than_the_machine_is_not_started(sources, tmp_path):
    """Point 30: `local:1024` started 1,024 worker processes on any machine."""
    report = build([sources], tmp_path / "out", formats=["txt"], cluster="local:1024")
    cores = os.cpu_count()
    assert report.ok and len(report.notes) == 1
    assert report.notes[0].startswith(f"1024 workers asked for, {cores} started: this machine has {cores} cores")
