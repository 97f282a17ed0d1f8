"""A CLI command's start: ``opencx --help``, ``opencx init`` of a new SQLite store, ``opencx
import orders`` of a two-line file (history, then live) and ``opencx customers search``, this
tree against a git ref (default ``main``), alternated.

Each figure is a fresh interpreter with cached bytecode (wall time and the process's CPU), the
median of ``BENCH_RUNS``; the load average is printed before and after, since the machine is
shared. One SQLite store per tree, made by ``opencx init`` (not timed); the timed ``init``
makes a new one each run.

    .venv/bin/python bench/cli_start.py [--peer REF]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CODE = "import sys; from opencx.cli import main; sys.argv[0] = 'opencx'; main()"
ORDERS = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    "B1,K1,2024-01-02T10:00:00Z,EUR,A,2,3.50\n"
    "B2,K2,2024-01-03T11:00:00Z,EUR,B,1,4.00\n"
)


def run(src: Path, db: Path, args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``opencx ARGS`` process on ``src``; ``init`` on a new store
    beside ``db``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80", "OMP_NUM_THREADS": "1"}
    if args == ["init"] and db.exists():
        db = db.with_name(f"{db.stem}-{time.monotonic_ns()}.db")
    env["OPENCX_DATABASE_URL"] = f"sqlite:///{db}"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", CODE, *args], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _source_of(ref: str, into: Path) -> Path:
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", default="main", help="git ref to compare with")
    ref = parser.parse_args().peer
    ours_src = Path(__file__).resolve().parent.parent / "src"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        orders = root / "orders.csv"
        orders.write_text(ORDERS)
        trees = {ref: _source_of(ref, root / "peer"), "this tree": ours_src}
        dbs = {name: root / f"{i}.db" for i, name in enumerate(trees)}
        history = ["import", "orders", str(orders), "--create-missing-customers"]
        for name, src in trees.items():  # the stores, and the bytecode caches warm
            run(src, dbs[name], ["init"])
            run(src, dbs[name], history)
        commands = (
            ["--help"],
            ["init"],
            history,
            [*history, "--live"],
            ["customers", "search", "K1"],
        )
        print(f"load average before: {os.getloadavg()[0]:.1f}  runs: {RUNS}")
        print(f"{'command':<30}{ref + ' wall/CPU (s)':>22}{'this tree wall/CPU (s)':>26}")
        for args in commands:
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
            for _ in range(RUNS):
                for name, src in trees.items():
                    times[name].append(run(src, dbs[name], args))
            cells = []
            for name in trees:
                wall = statistics.median(t[0] for t in times[name])
                cpu = statistics.median(t[1] for t in times[name])
                cells.append(f"{wall:.2f} / {cpu:.2f}")
            label = " ".join(["opencx", *args[:2], *args[4:]])
            print(f"{label:<30}{cells[0]:>22}{cells[1]:>26}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
