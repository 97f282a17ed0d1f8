"""``opencx <command> --help``: mounting only the command's slice against mounting every slice.

The peer is what every subcommand did before (``cli._mount()`` of every slice, then the help);
ours is ``opencx.cli.main()``, which mounts the one slice that provides the command. Each is a
fresh interpreter with cached bytecode, run alternately; the median of ``RUNS`` wall times is
printed with the load average, since the machine is shared.

    .venv/bin/python bench/cli_help.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COMMANDS = ([], ["models"], ["import"], ["customers"], ["users"], ["metrics"])
PEER = "import sys; from opencx import cli; cli._mount(); sys.argv[0] = 'opencx'; cli.app()"
OURS = "import sys; from opencx.cli import main; sys.argv[0] = 'opencx'; main()"


def wall(code: str, args: list[str], src: Path | None = None) -> float:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args, "--help"], check=True, capture_output=True, env=env
    )
    return time.perf_counter() - began


def _source_of(ref: str, into: Path) -> Path:
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", help="git ref whose opencx.cli.main() is the peer")
    ref = parser.parse_args().peer
    with tempfile.TemporaryDirectory() as tmp:
        peer_src = _source_of(ref, Path(tmp)) if ref else None
        peer_code = OURS if ref else PEER
        for src in (peer_src, None):  # warm the bytecode caches
            wall(OURS, ["models"], src)
            wall(OURS, ["metrics"], src)
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        label = f"{ref} (s)" if ref else "every slice (s)"
        ours_label = "this tree (s)" if ref else "its slice (s)"
        print(f"{'command':<22}{label:>16}{ours_label:>15}{'ratio':>8}")
        for args in COMMANDS:
            peer, ours = [], []
            for _ in range(RUNS):
                peer.append(wall(peer_code, args, peer_src))
                ours.append(wall(OURS, args))
            p, o = statistics.median(peer), statistics.median(ours)
            name = " ".join(["opencx", *args, "--help"])
            print(f"{name:<22}{p:>16.2f}{o:>15.2f}{p / o:>8.1f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
