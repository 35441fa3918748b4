"""Find the next flaky test before CI does: run the suite several times and list what failed.

    python -m tests.flakes --runs 5 --loaded 2            # this tree, the last 2 runs under load
    python -m tests.flakes --runs 5 --loaded 2 --clone    # fresh clones of HEAD, `make test` each
    python -m tests.flakes --runs 3 -- -m "not browser" --clock 2026-12-06T16:01:00+00:00

A loaded run keeps one busy loop on each core for as long as it lasts (CI and a developer's
machine are shared). Each run writes a JUnit file; the table at the end names every test that
failed, errored or was skipped, and in which runs. `make flakes` runs the first line.
"""

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def cpu_load(on: bool):
    """A busy loop on each core while the block runs (nothing when `on` is false)."""
    loops = []
    if on:
        loops = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)
        ]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def command(junit: Path, pytest_args: list[str], clone: Path | None) -> tuple[list[str], Path]:
    """What one run executes, and where: `make test` in a fresh clone, or pytest in this tree."""
    if clone is not None:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        args = shlex.join([f"--junitxml={junit}", *pytest_args])
        return ["make", "test", f"PYTEST_ARGS={args}"], clone
    python = ROOT / ".venv/bin/python"
    return [str(python), "-m", "pytest", "-W", "error", f"--junitxml={junit}", *pytest_args], ROOT


def outcomes(junit: Path) -> dict[str, list[str]]:
    """The test ids of a JUnit file by outcome: failed, error, skipped, passed."""
    found: dict[str, list[str]] = defaultdict(list)
    if not junit.exists():
        return found
    for case in ET.parse(junit).iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}.get(
            kinds[0] if kinds else "", "passed"
        )
        found[outcome].append(name)
    return found


def main() -> int:
    """Run the suite N times and print each run's outcome and every test that did not pass."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loaded", type=int, default=0, help="how many runs (the last) under load")
    parser.add_argument("--clone", action="store_true", help="`make test` in a fresh clone of HEAD")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="branchkit-flakes-"))
    bad: dict[str, list[int]] = defaultdict(list)
    rows = []
    for run in range(1, options.runs + 1):
        loaded = run > options.runs - options.loaded
        junit = work / f"run-{run}.xml"
        clone = work / f"clone-{run}" if options.clone else None
        argv, cwd = command(junit, options.pytest_args, clone)
        started = time.monotonic()
        print(f"run {run}/{options.runs}{' under load' if loaded else ''}: {shlex.join(argv)}")
        with cpu_load(loaded), (work / f"run-{run}.log").open("w") as log:
            code = subprocess.run(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT).returncode
        minutes = (time.monotonic() - started) / 60
        found = outcomes(junit)
        for outcome in ("failed", "error", "skipped"):
            for name in found[outcome]:
                bad[f"{name} ({outcome})"].append(run)
        rows.append((run, loaded, code, minutes, {k: len(v) for k, v in found.items()}))
        print(f"  exit {code} in {minutes:.1f} min: {dict(rows[-1][4])}  log: {log.name}")

    print("\nrun  load  exit  minutes  passed  failed  error  skipped")
    for run, loaded, code, minutes, counts in rows:
        print(
            f"{run:>3}  {'yes' if loaded else 'no':>4}  {code:>4}  {minutes:>7.1f}  "
            f"{counts.get('passed', 0):>6}  {counts.get('failed', 0):>6}  "
            f"{counts.get('error', 0):>5}  {counts.get('skipped', 0):>7}"
        )
    if bad:
        print("\nNot passed, and in which runs:")
        for name, runs in sorted(bad.items()):
            print(f"  {name}: runs {', '.join(map(str, runs))}")
    failed_runs = sum(1 for row in rows if row[2] != 0)
    print(f"\n{failed_runs} of {len(rows)} runs failed; logs and JUnit files in {work}")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())
