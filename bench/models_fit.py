"""``opencx models fit all`` on the demo: a peer commit's code and this tree's, in one run.

Each side runs the real command (``opencx models fit all``, output piped, so it prints one line
per step with the elapsed time) in a fresh interpreter, on its own copy of the same demo store,
with cached bytecode. The peer is the code of ``--peer`` (default ``main``), taken out of git
into a temporary folder and put first on ``PYTHONPATH``; both use this virtual environment.
Printed: wall and CPU seconds of each child, each step's wall time, the load average, and
whether the two runs saved the same scores, metrics and parameters.

Run: ``flock /work/wt/bench.lock .venv/bin/python bench/models_fit.py [--db demo.db]``
(without ``--db`` it generates the 20,000-customer demo into a temporary file first, ~40 s).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONE = re.compile(r"^BENCH (?P<model>[\w-]+) (?P<at>[\d.]+)$")
# the command, with the end of fit_many and of each model's fit (``_fit_on``) stamped on stderr
# in seconds since the interpreter started running it
DRIVER = """
import sys, time
T0 = time.perf_counter()
from opencx.modeling import service

def stamped(name):
    original = getattr(service.ModelingService, name)

    def timed(self, *args, **kwargs):
        if name == "fit_many":
            print(f"BENCH start {time.perf_counter() - T0:.3f}", file=sys.stderr, flush=True)
        result = original(self, *args, **kwargs)
        model = args[1].name if name == "_fit_on" else "end"
        print(f"BENCH {model} {time.perf_counter() - T0:.3f}", file=sys.stderr, flush=True)
        return result

    setattr(service.ModelingService, name, timed)

stamped("fit_many")
stamped("_fit_on")
from opencx.cli import main
sys.argv[0] = "opencx"
main()
"""


def _make_demo(path: Path, env: dict[str, str]) -> None:
    opencx = str(Path(sys.executable).with_name("opencx"))
    for args in (["init"], ["demo", "--customers", "20000"]):
        subprocess.run([opencx, *args], env=env, check=True, capture_output=True)


def _fit_all(db: Path, src: Path, env: dict[str, str]) -> tuple[float, float, str]:
    child_env = {
        **env,
        "OPENCX_DATABASE_URL": f"sqlite:///{db}",
        "PYTHONPATH": str(src),
        "COLUMNS": "200",
    }
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "models", "fit", "all"],
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = child.communicate()
    wall = time.perf_counter() - began
    if child.returncode != 0:
        sys.exit(f"models fit all failed ({src}): {err[-3000:]}")
    return wall, _children_cpu(), err


_CPU_SEEN = [0.0]


def _children_cpu() -> float:
    """CPU seconds (user + system) of the children reaped since the previous call."""
    t = os.times()
    total = t.children_user + t.children_system
    spent, _CPU_SEEN[0] = total - _CPU_SEEN[0], total
    return spent


def _steps(stamps: str, wall: float) -> dict[str, float]:
    """Seconds of the start-up (imports, building the services), of each model's fit (from the
    previous stamp), of reading the store between them, and of the exit."""
    at = {}
    for line in stamps.splitlines():
        m = DONE.match(line.strip())
        if m:
            at[m["model"]] = float(m["at"])
    found = {"start-up (imports, services)": at.pop("start")}
    last = found["start-up (imports, services)"]
    end = at.pop("end")
    for name, when in at.items():
        found[name] = when - last
        last = when
    found["fit_many's set-up and close"] = end - last
    found["exit"] = wall - end
    return found


def _saved(db: Path) -> str:
    """A digest of what the fits saved: per model its fingerprint, metrics, parameters (the
    pickled artifact aside) and every score."""
    con = sqlite3.connect(db)
    found = {}
    for rid, model, fp, metrics, params in con.execute(
        "select id, model, data_fingerprint, metrics, params from model_runs"
    ):
        p = json.loads(params)
        p.pop("artifact", None)
        p.pop("artifact_mac", None)
        rows = con.execute(
            "select kind, customer_id, value, details from customer_scores "
            "where model_run_id = ? order by kind, customer_id",
            (rid,),
        ).fetchall()
        scores = [(k, c, v, json.loads(d)) for k, c, v, d in rows]
        found[model] = [fp, json.loads(metrics), p, scores]
    con.close()
    return hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a demo SQLite file (copied, never written)")
    parser.add_argument("--peer", default="main", help="git ref of the peer's code")
    args = parser.parse_args()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo = args.db
        if demo is None:
            demo = work / "demo.db"
            _make_demo(demo, {**env, "OPENCX_DATABASE_URL": f"sqlite:///{demo}"})
        peer_src = work / "peer"
        peer_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.peer, "src"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(peer_src)], input=archive, check=True)
        sides = {f"peer ({args.peer})": peer_src / "src", "ours (this tree)": ROOT / "src"}
        _children_cpu()
        results = {}
        for label, src in sides.items():
            db = work / f"{label.split()[0]}.db"
            shutil.copy(demo, db)
            # warm the bytecode cache of this side's source (not timed)
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(src)], env=env, check=True
            )
            _children_cpu()
            load = os.getloadavg()[0]
            wall, cpu, out = _fit_all(db, src, env)
            results[label] = (wall, cpu, load, os.getloadavg()[0], _steps(out, wall), _saved(db))
    (pw, pc, *_), (ow, oc, *_) = results.values()
    print(f"{'`opencx models fit all`':<34}" + "".join(f"{k:>22}" for k in results) + "   ratio")
    print(f"{'wall':<34}{pw:>21.1f}s{ow:>21.1f}s{pw / ow:>8.2f}")
    print(f"{'CPU (user + system)':<34}{pc:>21.1f}s{oc:>21.1f}s{pc / oc:>8.2f}")
    loads = [f"{r[2]:.1f} → {r[3]:.1f}" for r in results.values()]
    print(f"{'load average (before → after)':<34}" + "".join(f"{x:>22}" for x in loads))
    steps = [r[4] for r in results.values()]
    for name in steps[1]:
        p, o = steps[0].get(name), steps[1][name]
        shown = f"{p:>21.1f}s" if p is not None else f"{'—':>22}"
        ratio = f"{p / o:>8.2f}" if p and o and min(p, o) >= 0.05 else ""
        print(f"{'  ' + name:<34}{shown}{o:>21.1f}s{ratio}")
    same = len({r[5] for r in results.values()}) == 1
    print(f"saved scores, metrics and parameters identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
