"""``opencx <command> --help``: mounting only the command's slice against mounting every slice.

The peer is what every subcommand did before (``cli._mount()`` of every slice, then the help);
ours is ``opencx.cli.main()``, which mounts the one slice that provides the command. Each is a
fresh interpreter with cached bytecode, run alternately; the median of ``RUNS`` wall times is
printed with the load average, since the machine is shared.

    .venv/bin/python bench/cli_help.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COMMANDS = (["models"], ["import"], ["customers"], ["users"], ["metrics"])
PEER = "import sys; from opencx import cli; cli._mount(); sys.argv[0] = 'opencx'; cli.app()"
OURS = "import sys; from opencx.cli import main; sys.argv[0] = 'opencx'; main()"


def wall(code: str, args: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args, "--help"],
        check=True,
        capture_output=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    return time.perf_counter() - began


def main() -> None:
    wall(OURS, ["models"])  # warm the bytecode cache
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'command':<22}{'every slice (s)':>16}{'its slice (s)':>15}{'ratio':>8}")
    for args in COMMANDS:
        peer, ours = [], []
        for _ in range(RUNS):
            peer.append(wall(PEER, args))
            ours.append(wall(OURS, args))
        p, o = statistics.median(peer), statistics.median(ours)
        print(f"{'opencx ' + args[0] + ' --help':<22}{p:>16.2f}{o:>15.2f}{p / o:>8.1f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
