#!/usr/bin/env python3
"""Refresh publish's locked dependencies on purpose, and show what the refresh changes.

`pyproject.toml` keeps ranges, for people who use publish as a library. The README's
commands and CI install exact versions with their hashes from `requirements/`, so a
build and the test suite give the same bytes on any machine, whatever the package index
serves that day. Three lock files, each a superset's subset with the same pins:

    requirements/publish.txt   the default editions, and the build backend (hatchling)
    requirements/cluster.txt   the same and Dask distributed (`publish build --cluster`)
    requirements/test.txt      the same and the test tools (`.[test]`)

Run from the repository root, with network access (uv is fetched into a scratch folder
when it is not installed):

    python tools/lock.py                       # newest versions the ranges allow
    python tools/lock.py --upgrade-package babel   # just one library

It prints each pin that moved, then renders the expected outputs (`tests/expected/`) in a
scratch virtual environment installed from the new lock and prints which of them changed.
Review those changes (a `git diff tests/expected` shows the text editions word by word),
then run the README's test command: tests that spell out an output a library shapes (a
CLDR date, a hyphenation point) name what to update.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
#: The oldest Python publish supports: the lock resolves for it and every newer one.
PYTHON_FLOOR = "3.11"
#: lock file -> the extras of pyproject.toml it installs. The first is the superset the
#: others are constrained by, so a version is the same in every file that pins it.
LOCKS: dict[str, tuple[str, ...]] = {
    "test.txt": ("test",),
    "cluster.txt": ("cluster",),
    "publish.txt": (),
}
HEADER = """\
# Locked by tools/lock.py from pyproject.toml: exact versions and their hashes.
# Refresh on purpose with `python tools/lock.py` (the README says how); never edit by hand.
"""


def pins(path: Path) -> dict[str, str]:
    """name -> version of a lock file (markers ignored: one version per name)."""
    if not path.exists():
        return {}
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", path.read_text(encoding="utf-8"), re.M)
    return {name.lower(): version for name, version in found}


def uv() -> str:
    """The uv executable: the one installed, else a copy fetched into a scratch folder."""
    if found := shutil.which("uv"):
        return found
    scratch = tempfile.mkdtemp(prefix="publish-uv-")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", scratch, "uv"], check=True)
    sys.path.insert(0, scratch)
    from uv import find_uv_bin

    return find_uv_bin()


def compile_locks(upgrade: list[str]) -> None:
    build_requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    with tempfile.TemporaryDirectory() as scratch:
        backend = Path(scratch) / "build-backend.in"
        backend.write_text("\n".join(build_requires) + "\n", encoding="utf-8")
        superset = None
        for name, extras in LOCKS.items():
            command = [
                uv(), "pip", "compile", "pyproject.toml", str(backend),
                "--universal", "--python-version", PYTHON_FLOOR, "--generate-hashes",
                "--no-header", "--quiet", "--output-file", str(REQUIREMENTS / name),
            ]  # fmt: skip
            command += [f"--extra={extra}" for extra in extras]
            if superset is None:
                command += [f"--upgrade-package={package}" for package in upgrade] if upgrade else ["--upgrade"]
            else:
                command += ["--constraint", str(superset)]
            subprocess.run(command, cwd=ROOT, check=True)
            path = REQUIREMENTS / name
            path.write_text(HEADER + path.read_text(encoding="utf-8").replace(scratch + "/", ""), encoding="utf-8")
            superset = superset or path


def expected_outputs_in_a_fresh_venv() -> None:
    """Render tests/expected/ with exactly the locked versions, as CI will."""
    with tempfile.TemporaryDirectory() as scratch:
        venv.create(scratch, with_pip=True)
        python = str(Path(scratch) / "bin" / "python")
        pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "--require-hashes", "-r", str(REQUIREMENTS / "test.txt")], check=True)
        subprocess.run([*pip, "--no-deps", "--no-build-isolation", str(ROOT)], check=True)
        subprocess.run([python, str(ROOT / "tests" / "expected.py"), "--write"], cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME")
    parser.add_argument("--no-expected", action="store_true", help="only the lock files")
    arguments = parser.parse_args()
    before = {name: pins(REQUIREMENTS / name) for name in LOCKS}
    compile_locks(arguments.upgrade_package)
    for name in LOCKS:
        after = pins(REQUIREMENTS / name)
        for package in sorted(before[name].keys() | after.keys()):
            old, new = before[name].get(package, "-"), after.get(package, "-")
            if old != new:
                print(f"requirements/{name}: {package} {old} -> {new}")
    if not arguments.no_expected:
        expected_outputs_in_a_fresh_venv()
    return 0


if __name__ == "__main__":
    sys.exit(main())
