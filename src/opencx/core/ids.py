"""Identifiers: time-ordered, URL-safe, generated inside OpenCX."""

from __future__ import annotations

import os
import threading
import time

_LOW = 32  # the random part's low bits stay random; its head (the top 7 hex digits) counts
_HEADS = 1 << 28
_lock = threading.Lock()
_last = (0, 0)  # (ms, random part) of the id minted last in this process


def new_id() -> str:
    """Return a 26-character time-ordered id: 11 hex digits of ms time + 15 random hex digits.

    Ids sort by creation time, which keeps B-tree inserts local, and cost about a microsecond,
    so a bulk import can mint them for millions of rows. Within one process they also sort in
    the order they were minted: an id minted in the same millisecond as the last one (or after
    the clock stepped back) takes the last one's random part plus one, as ULID's monotonic
    mode does, so a ledger's entries written in one millisecond read back in the order written.
    The step is made in the random part's head (its first 7 hex digits), so the 18-character
    prefixes that bulk writers complete with a counter (``ingest``'s ``id_prefix``) differ too.

    >>> len(new_id())
    26
    >>> a, b = new_id(), new_id()
    >>> a < b
    True
    """
    global _last
    ms = int(time.time() * 1000)
    fresh = int.from_bytes(os.urandom(8)) >> 4
    with _lock:
        last_ms, last_random = _last
        if ms <= last_ms:
            head = (last_random >> _LOW) + 1
            ms = last_ms
            if head >= _HEADS:  # 2^28 ids in one millisecond: borrow the next one
                ms, head = ms + 1, 0
            fresh = head << _LOW | fresh & (1 << _LOW) - 1
        _last = (ms, fresh)
    return f"{ms:011x}{fresh:015x}"
