"""How large a demo company the generator can build (stdlib only: the CLI reads it at start).

The generator holds every customer's columns, traits, orders and lines in memory while it
writes: about 13 KB a customer (peak resident 390 MB at 20,000 customers, 1.43 GB at 100,000;
2026-12-07, this machine), so 1,000,000 customers need about 13 GB and an hour's writing into
PostgreSQL. Far past that, the phone numbers stop being unique (the smallest national number
space, Denmark's, holds 26,000,000: ``people._phones``).
"""

from __future__ import annotations

MAX_CUSTOMERS = 1_000_000
"""The most customers ``opencx demo --customers`` and ``opencx quickstart --customers`` take."""

MAX_YEARS = 20
"""The longest history ``opencx demo --years`` takes (above 0: a shorter one is a few days)."""
