"""demo slice: the demo company generator (``opencx demo``, ``make demo``); see docs/demo-data.md.

It writes canonical rows that obey the same rules as imported ones (keys, identities, consent),
with ``source = 'demo'``. It publishes none of the import events (importing history is not
living it), only :class:`DemoGenerated`, which records the run like an import.

The names below are loaded on first use (PEP 562): the composition root imports
:mod:`opencx.demo.domain.events` to wire :class:`DemoGenerated` for every command, and the
generator's modules import NumPy (tests/contracts/test_cli_start.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opencx.demo.domain.company import DemoSettings, build_demo, iter_demo
    from opencx.demo.domain.events import DemoGenerated
    from opencx.demo.domain.people import TrueParameters
    from opencx.demo.domain.rows import TableRows
    from opencx.demo.service import DemoService, has_customers, write_demo

__all__ = [
    "DemoGenerated",
    "DemoService",
    "DemoSettings",
    "TableRows",
    "TrueParameters",
    "build_demo",
    "has_customers",
    "iter_demo",
    "write_demo",
]


def __getattr__(name: str) -> Any:  # PEP 562: the names above, loaded on first use
    homes = {  # the module of each name not in the service module
        "DemoGenerated": "domain.events",
        "DemoSettings": "domain.company",
        "build_demo": "domain.company",
        "iter_demo": "domain.company",
        "TrueParameters": "domain.people",
        "TableRows": "domain.rows",
    }
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{homes.get(name, 'service')}"), name)
    globals()[name] = value
    return value
