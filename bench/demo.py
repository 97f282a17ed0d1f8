"""`make demo` (``opencx quickstart --no-serve``) into a fresh SQLite file, then
``opencx models fit all`` on that demo: wall and CPU time of each child, and the load average.

No peer: the figures compare with the previous commit's (see bench/RESULTS.md, "Demo").
Run: ``.venv/bin/python bench/demo.py [--customers 20000]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child."""
    began = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    if status != 0:
        sys.exit(f"{' '.join(args)} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    n = parser.parse_args().customers
    opencx = str(Path(sys.executable).with_name("opencx"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "OPENCX_DATABASE_URL": f"sqlite:///{tmp}/demo.db",
            "OMP_NUM_THREADS": "1",  # as the Makefile sets it
        }
        for label, args in (
            (f"quickstart --customers {n} (fresh SQLite)", ["quickstart", "--no-serve"]),
            ("models fit all", ["models", "fit", "all"]),
        ):
            load = os.getloadavg()[0]
            extra = ["--customers", str(n)] if args[0] == "quickstart" else []
            wall, cpu = _run([opencx, *args, *extra], env)
            after = os.getloadavg()[0]
            print(
                f"{label:<44} wall {wall:6.1f} s  cpu {cpu:6.1f} s  load {load:.1f} → {after:.1f}"
            )


if __name__ == "__main__":
    main()
