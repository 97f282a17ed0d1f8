"""Writers for kinds with one table row per file row: customers, products, subscriptions,
interactions and cases. Each upserts on (source, external_id), keeping existing ids."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core.events import DomainEvent
from opencx.core.sealing import plaintext
from opencx.ingest import store
from opencx.ingest.domain import (
    CasesImported,
    CustomersUpserted,
    InteractionsImported,
    ProductsUpserted,
    SubscriptionsImported,
)
from opencx.ingest.domain.arrow_arrays import from_numpy, scalar, strings
from opencx.ingest.domain.validation import Parsed
from opencx.ingest.service.run import Run, json_or_empty, keep, new_ids, resolve_customers


@dataclass(frozen=True)
class RecordKind:
    table: str
    columns: tuple[str, ...]  # canonical fields copied to same-named table columns
    event: Callable[[tuple[str, ...], bool], DomainEvent]
    customer: str | None = None  # None: no reference; "optional" or "required"
    when: str | None = None  # the row's time, used as created_at of created customers
    json: tuple[str, ...] = ()


RECORDS: dict[str, RecordKind] = {
    "customers": RecordKind(
        "customers",
        (
            "name",
            "email",
            "phone",
            "language",
            "country",
            "created_at",
            "consent_email",
            "consent_sms",
            "consent_surveys",
            "attributes",
        ),
        CustomersUpserted,
        json=("attributes",),
    ),
    "products": RecordKind(
        "products",
        ("name", "category", "list_price", "currency", "is_merchandise"),
        ProductsUpserted,
    ),
    "subscriptions": RecordKind(
        "subscriptions",
        ("plan", "started_at", "ended_at", "mrr", "currency", "status", "cancel_reason"),
        SubscriptionsImported,
        customer="required",
        when="started_at",
    ),
    "interactions": RecordKind(
        "interactions",
        ("occurred_at", "channel", "kind", "touchpoint", "session_id", "campaign", "properties"),
        InteractionsImported,
        customer="optional",
        when="occurred_at",
        json=("properties",),
    ),
    "cases": RecordKind(
        "cases",
        (
            "channel",
            "queue",
            "category",
            "priority",
            "status",
            "subject",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "assignee",
            "sla_policy",
        ),
        CasesImported,
        customer="optional",
        when="opened_at",
    ),
}


class RecordWriter:
    """Resolves references of one chunk, then upserts its valid rows."""

    def __init__(self, kind: str) -> None:
        self.spec = RECORDS[kind]

    def resolve(self, run: Run, parsed: Parsed) -> None:
        if self.spec.customer:
            required = self.spec.customer == "required"
            parsed.columns["customer_id"] = resolve_customers(
                run, parsed, when=self.spec.when, required=required
            )
        if self.spec.table == "customers":
            parsed.columns["created_at"] = pc.fill_null(
                parsed.columns["created_at"], scalar(run.now, pa.timestamp("us", "UTC"))
            )

    def finish(self, run: Run) -> None:
        """Nothing staged: each chunk was written as it came."""

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        spec = self.spec
        external = keep(parsed.columns["external_id"], mask)
        if len(external) == 0:
            return 0
        known = store.ids_by_external_id(run.conn, spec.table, run.source, external.to_pylist())
        fresh = iter(new_ids(len(external)))
        ids = [known.get(ext) or next(fresh) for ext in external.to_pylist()]
        erased = (
            store.erased_customers(run.conn, known.values())
            if spec.table == "customers" and known
            else set()
        )
        data = {
            "id": strings(ids),
            "source": pa.repeat(scalar(run.source, pa.string()), len(ids)),
            "external_id": external,
        }
        if spec.customer:
            data["customer_id"] = keep(parsed.columns["customer_id"], mask)
        for name in spec.columns:
            column = keep(parsed.columns[name], mask)
            data[name] = json_or_empty(column) if name in spec.json else column
        if spec.table == "customers" and run.seal is not plaintext:
            data.update(_sealed(run, ids, data))
        table = pa.table(data)
        if erased:
            table = without_personal_data(
                table, from_numpy(np.array([i in erased for i in ids], bool))
            )
            run.count("erased_customers_kept_blank", len(erased))
        store.upsert(run.conn, spec.table, table)
        run.publish(spec.event(tuple(i for i in ids if i not in erased), run.live))
        return len(ids)


def _sealed(run: Run, ids: list[str], data: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """The contact fields of customer rows as the customers slice seals them (unchanged when
    crypto-shredding is off)."""
    fields: dict[str, Sequence[str | None]] = {
        f: data[f].to_pylist() for f in ("name", "email", "phone") if f in data
    }
    sealed = run.seal(run.conn, ids, fields)
    return {f: strings(sealed[f]) for f in fields}


PERSONAL = {"name": None, "email": None, "phone": None, "attributes": "{}"}
"""Customer fields blanked by an erasure (as the customers slice blanks them), with their
blank value. A re-import keeps them blank for erased customers; other fields still update."""


def without_personal_data(table: pa.Table, erased: pa.Array) -> pa.Table:
    """``table`` with the personal fields of the rows flagged in ``erased`` blanked."""
    for name, blank in PERSONAL.items():
        if name in table.column_names:
            column = table.column(name)
            value = scalar(blank, column.type)
            table = table.set_column(
                table.column_names.index(name), name, pc.if_else(erased, value, column)
            )
    return table
