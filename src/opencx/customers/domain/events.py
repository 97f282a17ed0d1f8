"""Events the customers slice publishes, in the transaction of the change.

They are part of the shared kernel (:mod:`opencx.core.events`) because every slice that keeps
rows of a customer handles them; they are re-exported here as the slice's own vocabulary.
"""

from __future__ import annotations

from opencx.core.events import CustomerErased, CustomerMerge, CustomersMerged, MergeUndone

__all__ = ["CustomerErased", "CustomerMerge", "CustomersMerged", "MergeUndone"]
