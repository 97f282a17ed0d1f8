"""Reading the IBM telco churn sample as canonical customers and subscriptions (a snapshot).

Each row becomes a customer (every column except ``customerID``, ``tenure`` and ``Churn`` goes
into ``attributes``) and one subscription: ``plan`` = contract, ``mrr`` = monthly charges,
``started_at`` = snapshot − tenure months, and for churners ``ended_at`` = the snapshot with
status ``cancelled`` (others ``active``). ``TotalCharges`` is text with blank values for
customers in their first month: those become null and are reported, never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from opencx.core import InvalidInput, Problem, new_id

__all__ = ["TelcoSnapshot", "months_before", "read_telco"]

SOURCE = "csv:telco"
NUMERIC = {"MonthlyCharges", "TotalCharges", "SeniorCitizen"}
REQUIRED = ("customerID", "tenure", "Churn", "MonthlyCharges", "TotalCharges", "Contract")


@dataclass(frozen=True)
class TelcoSnapshot:
    customers: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    churned: dict[str, bool]
    blank_total_charges: list[str] = field(default_factory=list)


def months_before(when: datetime, months: int) -> datetime:
    """``when`` moved back by whole calendar months (day clipped to 28 to stay valid)."""
    index = when.year * 12 + (when.month - 1) - months
    return when.replace(year=index // 12, month=index % 12 + 1, day=min(when.day, 28))


def _number(path: Path, line: int, column: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        problem = Problem(str(path), line, column, text, "must be a number or blank")
        raise InvalidInput(str(problem)) from None


def read_telco(path: Path, snapshot: datetime) -> TelcoSnapshot:
    """Parse the CSV at ``path`` into canonical rows as of ``snapshot`` (tz-aware UTC)."""
    customers: list[dict[str, Any]] = []
    subs: list[dict[str, Any]] = []
    churned: dict[str, bool] = {}
    blanks: list[str] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path}:1: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            ext = row["customerID"]
            try:
                tenure = int(row["tenure"])
            except ValueError:
                raise InvalidInput(
                    str(Problem(str(path), line, "tenure", row["tenure"], "must be an integer"))
                ) from None
            attrs: dict[str, Any] = {}
            for key, value in row.items():
                if key in ("customerID", "tenure", "Churn"):
                    continue
                attrs[key] = _number(path, line, key, value) if key in NUMERIC else value
            if attrs.get("TotalCharges") is None:
                blanks.append(ext)
            cid = new_id()
            started = months_before(snapshot, tenure) - timedelta(days=1)
            gone = row["Churn"].strip().lower() == "yes"
            churned[cid] = gone
            customers.append(
                {
                    "id": cid,
                    "source": SOURCE,
                    "external_id": ext,
                    "created_at": started,
                    "attributes": attrs,
                    "language": None,
                    "country": None,
                }
            )
            try:
                mrr = Decimal(row["MonthlyCharges"])
            except InvalidOperation:
                mrr = Decimal(0)
            subs.append(
                {
                    "id": new_id(),
                    "source": SOURCE,
                    "external_id": ext,
                    "customer_id": cid,
                    "plan": row["Contract"],
                    "started_at": started,
                    "ended_at": snapshot if gone else None,
                    "mrr": mrr,
                    "currency": "USD",
                    "status": "cancelled" if gone else "active",
                }
            )
    return TelcoSnapshot(customers, subs, churned, blanks)
