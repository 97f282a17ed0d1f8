"""How ``make test`` (``pytest -n 2 --dist loadfile``) hands test files to its two workers.

pytest-xdist's ``loadfile`` keeps a file's tests in one worker (module fixtures are made once)
and queues the files by their number of tests, most first. Two changes, both only in which
worker runs a file and when, never in what a test does:

- every file using the ``spark_session`` fixture is one unit of work: one worker starts the
  JVM and warms its JIT, rather than both (a local Spark session costs each worker 10-20 s);
- the files with a long test (marked ``slow``, ``browser`` or ``spark``, or using Spark) are
  queued first: a 2-minute browser walk holding only one test used to be queued among the last
  files, and the other worker went idle while it ran.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

SPARK = "spark"  # the work unit of the files using the Spark session
LONG = re.compile(r"pytest\.mark\.(slow|browser|spark)\b|\bspark_session\b")


def make_scheduler(config: Any, log: Any) -> Any:
    from xdist.scheduler import LoadFileScheduling

    root = Path(config.rootpath)

    @cache
    def text(path: str) -> str:
        try:
            return (root / path).read_text(encoding="utf-8")
        except OSError:  # a doctest module or a file gone since collection: plain order
            return ""

    class Scheduling(LoadFileScheduling):  # type: ignore[misc]
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return SPARK if "spark_session" in text(path) else path

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:  # the queue is made: long units first, then most tests first
                self.ordered = True
                units = sorted(
                    self.workqueue.items(),
                    key=lambda unit: (
                        unit[0] != SPARK and not LONG.search(text(unit[0])),
                        -len(unit[1]),
                    ),
                )
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

    return Scheduling(config, log)
