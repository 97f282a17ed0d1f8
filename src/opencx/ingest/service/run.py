"""The state of one import run shared by the writers: connection, options and id caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.engine import Connection

from opencx.core import new_id
from opencx.core.events import DomainEvent, EventBus
from opencx.core.sealing import SealContacts, plaintext
from opencx.core.tombstone import ErasedKeys, nothing_erased
from opencx.ingest import store
from opencx.ingest.domain import CreatedCustomer, CustomersUpserted, Mapping
from opencx.ingest.domain.arrow_arrays import (
    datetimes,
    filled,
    from_numpy,
    grouped,
    scalar,
    strings,
    to_numpy,
)
from opencx.ingest.domain.validation import Parsed


@dataclass
class Run:
    """One import: where it writes, how it reads, and what it has written so far."""

    conn: Connection
    bus: EventBus
    source: str
    mapping: Mapping
    now: datetime
    live: bool = False
    customer_source: str | None = None
    erased: ErasedKeys = nothing_erased  # which rows carry an erased person's key
    seal: SealContacts = plaintext  # customers' contact fields, sealed when shredding is on
    first_share: int = 1  # the first chunk holds chunk_rows / first_share rows (store.bulk)
    chunk_rows: int = 0  # rows a chunk of the file is read with (0: no file, an event)
    file_bytes: int = 0  # the size of the file read (0: none, or unknown)
    # one chunk of a few rows (an API event): nothing is kept for a later chunk, and whether a
    # table holds rows of the source is not asked (its few keys are looked up at once)
    alone: bool = False
    customers: dict[str, str] = field(default_factory=dict)  # external id -> id (this run)
    counts: dict[str, int] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # per-writer state across chunks

    @property
    def first_rows(self) -> int:
        """The rows the file's first chunk is read with: :attr:`chunk_rows` / :attr:`first_share`
        (1 at least); a first chunk that holds them is full, and the file goes on past it."""
        return max(1, self.chunk_rows // self.first_share)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def stored(self, table: str, source: str | None = None) -> bool:
        """Whether ``table`` held rows of ``source`` when the run started (asked once).

        If not, every row of that source was written by this run and is in its caches, so the
        per-chunk lookups by external id are skipped. A run :attr:`alone` takes it as true:
        looking its few keys up costs what asking would (a statement), and a busy store holds
        them.
        """
        if self.alone:
            return True
        key = f"stored:{table}:{source or self.source}"
        if key not in self.state:
            self.state[key] = store.has_rows(self.conn, table, source or self.source)
        return bool(self.state[key])

    def publish(self, event: DomainEvent) -> None:
        self.bus.publish(event, self.conn)


def id_prefix() -> str:
    """A fresh id's time and random head: ``numbered_ids`` completes it with 8 hex digits."""
    return new_id()[:18]


_HEX_PAIRS = np.frombuffer(b"".join(b"%02x" % i for i in range(256)), np.uint16)
"""The two hex digits of each byte value, as one 16-bit cell per byte."""


def numbered_ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` and each number as 8 lowercase hex digits (``f"{prefix}{n:08x}"`` for numbers
    below 2**32): ids as long as :func:`new_id`'s, built as one Arrow buffer, not a Python
    string per row."""
    n = len(numbers)
    if n and int(numbers.max()) >= 1 << 32:
        return strings([f"{prefix}{i:08x}" for i in numbers.tolist()])
    head = np.frombuffer(prefix.encode("ascii"), np.uint8)
    width = len(head) + 8
    data = np.empty((n, width), np.uint8)
    data[:, : len(head)] = head
    big_endian = numbers.astype(">u4").view(np.uint8).reshape(n, 4)
    data[:, len(head) :] = _HEX_PAIRS[big_endian].view(np.uint8).reshape(n, 8)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def new_ids(n: int) -> list[str]:
    """``n`` fresh ids sharing one time prefix (cheap for millions of rows)."""
    ids: list[str] = numbered_ids(id_prefix(), np.arange(n)).to_pylist()
    return ids


def json_or_empty(array: pa.Array) -> pa.Array:
    return pc.fill_null(array, scalar("{}", array.type))


def resolve_customers(run: Run, parsed: Parsed, *, when: str | None, required: bool) -> pa.Array:
    """Map the ``customer`` column to customer ids; flag or create the unknown ones.

    References resolve within ``customer_source`` (default: the import's own source), since
    ids of different systems may collide. Known ids are cached for the run; the rest are
    looked up in batched queries per chunk.
    With ``create_missing_customers`` the unknown ones are inserted (with ``country`` when the
    file has it) and announced with :class:`CustomersUpserted`.
    """
    refs = parsed.columns["customer"]
    if isinstance(refs, pa.ChunkedArray):
        refs = refs.combine_chunks()
    # the chunk's own references only, not every customer the run has seen (which grew with
    # the file): each distinct one once, in order of first appearance, a null left null
    encoded = pc.dictionary_encode(refs)
    names = encoded.dictionary.to_pylist()
    known = run.customers
    ids = list(map(known.get, names))  # each name looked up once; the unknown ones again below
    unknown_at = [i for i, found in enumerate(ids) if found is None]
    wanted = [names[i] for i in unknown_at]
    source = run.customer_source or run.source
    missing = wanted
    if wanted and run.stored("customers", source):
        known.update(store.ids_by_external_id(run.conn, "customers", source, set(wanted)))
        missing = [name for name in wanted if name not in known]
    if missing and run.mapping.create_missing_customers:
        _create_customers(run, parsed, encoded, missing, when)
    elif missing:
        unknown = pc.is_in(refs, value_set=strings(sorted(missing)))
        parsed.flag(unknown, "customer", run.mapping.advice.unknown_customer)
    if required:
        parsed.flag(pc.is_null(refs), "customer", "required value is missing")
    for i in unknown_at:
        ids[i] = known.get(names[i])
    return pc.take(strings(ids), encoded.indices)


def _create_customers(
    run: Run, parsed: Parsed, encoded: pa.DictionaryArray, missing: list[str], when: str | None
) -> None:
    """Create the customers ``missing`` (some of ``encoded``'s dictionary, the chunk's
    references) from the first of their valid rows."""
    refs = encoded.dictionary
    is_missing = to_numpy(pc.is_in(refs, value_set=strings(missing)))
    codes = filled(encoded.indices, len(refs))  # a null: past the end
    ok = np.append(is_missing, False)[codes] & ~parsed.bad
    kept = from_numpy(ok)
    rows = pa.table(
        {
            "code": from_numpy(codes[ok]),
            "country": pc.filter(
                parsed.columns.get("country", pa.nulls(len(codes), pa.string())), kept
            ),
            "created_at": pc.filter(parsed.columns[when], kept)
            if when
            else pa.repeat(scalar(run.now, pa.timestamp("us", "UTC")), int(ok.sum())),
        }
    )
    if rows.num_rows == 0:
        return
    first = grouped(rows, "code", [("created_at", "min"), ("country", "first")])
    n = first.num_rows
    ids = new_ids(n)
    external_ids = refs.take(first.column("code"))
    data = pa.table(
        {
            "id": strings(ids),
            # in the source they are looked up in, so that the next run finds them
            "source": pa.repeat(scalar(run.customer_source or run.source, pa.string()), n),
            "external_id": external_ids,
            "country": first.column("country_first"),
            "created_at": first.column("created_at_min"),
            "attributes": pa.repeat(scalar("{}", pa.string()), n),
            "consent_email": pa.repeat(scalar(False, pa.bool_()), n),
            "consent_sms": pa.repeat(scalar(False, pa.bool_()), n),
            "consent_surveys": pa.repeat(scalar(False, pa.bool_()), n),
        }
    )
    run.customers.update(zip(external_ids.to_pylist(), ids, strict=True))
    run.count("customers_created", n)
    created = CustomersUpserted(tuple(ids), run.live, _as_written(data))
    # SQLite: written by a thread while the chunk's other rows are built; announced (handlers
    # read the rows) once written, when the import next waits for its writes
    store.write_behind(run.conn, [("customers", data, False)], then=lambda: run.publish(created))
    _keep_customers_planned(run)


AS_WRITTEN_UP_TO = 1_000
"""The most customers a chunk creates that :class:`CustomersUpserted` carries as written (an
event's one, a small file's): more are announced by their ids only, and their subscriber reads
them back, set-based, as before. 50,000 of them take 100-150 ms to build, which a run without
that subscriber (bench/import.py, a library caller) would spend for nothing."""


def _as_written(data: pa.Table) -> tuple[CreatedCustomer, ...]:
    """The customers of ``data`` as their rows are written, for the subscribers of
    :class:`CustomersUpserted` not to read them back; none for more than
    :data:`AS_WRITTEN_UP_TO`, or when a time is missing (then they are read, as before)."""
    if data.num_rows > AS_WRITTEN_UP_TO:
        return ()
    at = datetimes(data.column("created_at"))
    if None in at:
        return ()
    columns = (data.column(c).to_pylist() for c in ("id", "source", "external_id", "country"))
    return tuple(
        CreatedCustomer(i, source, external_id, country, when)
        for i, source, external_id, country, when in zip(*columns, at, strict=True)
    )


ANALYZE_CUSTOMERS_FROM = 5_000
"""Customers an import creates before PostgreSQL is given their statistics, then each time
the count doubles (see :func:`_keep_customers_planned`)."""


def _keep_customers_planned(run: Run) -> None:
    """On PostgreSQL, analyze ``customers`` once the import created :data:`ANALYZE_CUSTOMERS_FROM`
    of them, and each time that count doubles. A table filled by an import and not analyzed
    yet looks empty to the planner, whose plan for the next lookup of 500 keys (a prepared,
    generic one from its sixth run) then filters every customer of the source instead of
    searching the key: a re-import of 500,000 lines right after the first spent 63 s of 75 s
    of server CPU in 96 such lookups. Autovacuum analyzes it, but up to a minute later."""
    created = run.counts.get("customers_created", 0)
    if run.conn.dialect.name != "postgresql" or created < run.state.get(
        "analyze_customers_at", ANALYZE_CUSTOMERS_FROM
    ):
        return
    store.analyze(run.conn, "customers", ("source", "external_id"))
    run.state["analyze_customers_at"] = 2 * created


def keep(array: pa.Array, mask: np.ndarray) -> pa.Array:
    """The rows of ``array`` where ``mask`` is true (``array`` itself when no row is bad)."""
    if mask.all():
        return array
    return pc.filter(array, from_numpy(mask))
