"""Column-wise rows for the demo generator: each table built as columns (numpy arrays or lists).

Times are float epoch seconds (``nan`` for null), money integer cents; :mod:`opencx.demo.store.bulk`
converts them to the column types when it writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0

Progress = Callable[[str, int, int], None]
"""Called with a table name, the rows just written and the rows of this part in all."""


@dataclass
class TableRows:
    """One table's generated rows, column by column (all columns of equal length)."""

    table: str
    columns: dict[str, Any] = field(default_factory=dict[str, Any])

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def make_ids(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    """Deterministic ids shaped like :func:`opencx.core.ids.new_id`: 11 hex digits of the row's
    own time in ms, then 15 hex digits from ``rng``; unique with overwhelming probability."""
    ms = np.round(np.asarray(seconds, dtype=float) * 1000).astype(np.int64)
    tail = rng.integers(0, 16**15, size=len(ms), dtype=np.int64)
    return np.array(
        [f"{m:011x}{t:015x}" for m, t in zip(ms.tolist(), tail.tolist(), strict=True)], dtype=object
    )


def pick(
    rng: np.random.Generator, options: tuple[Any, ...] | list[Any], size: int, p: Any = None
) -> np.ndarray:
    """``size`` draws from ``options`` (object array), with optional probabilities ``p``."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    return arr[rng.choice(len(options), size=size, p=p)]
