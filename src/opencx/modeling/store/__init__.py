"""The modeling slice's tables (``model_runs``, ``customer_scores``) and how runs are kept.

``runs`` writes and reads saved runs and their scores (SQLAlchemy Core); ``artifacts`` packs a
fitted object into a run's parameters, signed, and opens it only when the signature verifies;
``customer_rows`` moves a customer's scores on a merge and back on an undo; ``warehouse`` opens
the tables a fit reads (Ibis, pandas), loaded on first use (PEP 562) so that wiring
``customer_rows`` in a CLI command imports neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from opencx.modeling.store import artifacts, customer_rows, runs

if TYPE_CHECKING:
    from opencx.modeling.store import warehouse

__all__ = ["artifacts", "customer_rows", "runs", "warehouse"]


def __getattr__(name: str) -> Any:  # PEP 562: ``warehouse``, loaded on first use
    if name != "warehouse":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.warehouse")
