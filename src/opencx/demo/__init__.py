"""demo slice: the demo company generator (``opencx demo``, ``make demo``); see docs/demo-data.md.

It writes canonical rows that obey the same rules as imported ones (keys, identities, consent),
with ``source = 'demo'``. It publishes none of the import events (importing history is not
living it), only :class:`DemoGenerated`, which records the run like an import.
"""

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
