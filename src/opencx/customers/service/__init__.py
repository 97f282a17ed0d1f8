"""Customer use cases: resolve identities, merge and unmerge, the 360 profile, search, privacy.

Functions take a connection (the caller's unit of work), the event bus and plain values; the
:class:`CustomerService` object wraps them in transactions for the edges and the event bus.
A merge, an undo and an erasure always publish their event in the same transaction: the other
slices move or erase their own rows in reaction (this slice writes only its own tables).
"""

from opencx.customers.service.facade import SCRUB_JOB, CustomerService
from opencx.customers.service.identities import (
    IndexResult,
    apply_merges,
    identify_contact,
    index_identities,
    merge,
    pick_survivor,
    undo_merge,
)
from opencx.customers.service.privacy import contacts, erase, export, seal_existing
from opencx.customers.service.profiles import MAX_PAGE, Found, SearchPage, profile, search, timeline

__all__ = [
    "MAX_PAGE",
    "SCRUB_JOB",
    "CustomerService",
    "Found",
    "IndexResult",
    "SearchPage",
    "apply_merges",
    "contacts",
    "erase",
    "export",
    "identify_contact",
    "index_identities",
    "merge",
    "pick_survivor",
    "profile",
    "seal_existing",
    "search",
    "timeline",
    "undo_merge",
]
