"""The IBM telco churn sample as canonical customer and subscription files (a snapshot).

Each row becomes a customer (every column except ``customerID``, ``tenure`` and ``Churn`` goes
into ``attributes``) and one subscription: ``plan`` = contract, ``mrr`` = monthly charges,
``started_at`` = snapshot − tenure months, and for churners ``ended_at`` = the snapshot with
status ``cancelled`` (others ``active``). ``TotalCharges`` is text with blank values for
customers in their first month: those become null and are reported, never guessed.

:func:`write_canonical` writes the rows as two CSV files of the ``customers`` and
``subscriptions`` kinds, which the import pipeline then loads like any other export (validated,
upserted on (source, external id), identities resolved).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from opencx.core import InvalidInput, Problem
from opencx.core.money import number_from_text
from opencx.ingest.store.formats.files import open_binary

__all__ = [
    "SOURCE",
    "TelcoFiles",
    "TelcoSnapshot",
    "months_before",
    "read_telco",
    "write_canonical",
]

SOURCE = "csv:telco"
NUMERIC = {"MonthlyCharges", "TotalCharges", "SeniorCitizen"}
REQUIRED = ("customerID", "tenure", "Churn", "MonthlyCharges", "TotalCharges", "Contract")


@dataclass(frozen=True)
class TelcoSnapshot:
    customers: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    churned: dict[str, bool]  # by external id
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


def _fee(path: Path, line: int, text: str) -> Decimal:
    """``MonthlyCharges`` read as every amount is (``core.money.AMOUNT_TEXT``, the whitespace
    around it trimmed as around a file's value), 0 when blank as before; InvalidInput naming
    the line otherwise. Decimal alone took ``1_000``, ``1e3``, ``NaN`` and other scripts'
    digits."""
    found = number_from_text(text.strip()) if text.strip() else Decimal(0)
    if found is None:
        rule = "must be an amount: digits, an optional sign and '.' before the decimals (12.50)"
        raise InvalidInput(str(Problem(str(path), line, "MonthlyCharges", text, rule)))
    return found


def read_telco(path: Path, snapshot: datetime) -> TelcoSnapshot:
    """Parse the CSV at ``path`` (``.csv.gz`` too) into canonical rows as of ``snapshot``
    (tz-aware UTC)."""
    customers: list[dict[str, Any]] = []
    subs: list[dict[str, Any]] = []
    churned: dict[str, bool] = {}
    blanks: list[str] = []
    with io.TextIOWrapper(open_binary(path), encoding="utf-8", newline="") as fh:
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
            started = months_before(snapshot, tenure) - timedelta(days=1)
            gone = row["Churn"].strip().lower() == "yes"
            churned[ext] = gone
            customers.append({"external_id": ext, "created_at": started, "attributes": attrs})
            mrr = _fee(path, line, row["MonthlyCharges"])
            subs.append(
                {
                    "external_id": ext,
                    "customer": ext,
                    "plan": row["Contract"],
                    "started_at": started,
                    "ended_at": snapshot if gone else None,
                    "mrr": mrr,
                    "currency": "USD",
                    "status": "cancelled" if gone else "active",
                }
            )
    return TelcoSnapshot(customers, subs, churned, blanks)


@dataclass(frozen=True)
class TelcoFiles:
    """The snapshot written as canonical files, with what the reader noticed."""

    customers: Path
    subscriptions: Path
    rows: int
    blank_total_charges: list[str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["external_id"])
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)


def write_canonical(path: Path, snapshot: datetime, folder: Path) -> TelcoFiles:
    """Read the telco CSV at ``path`` and write ``customers.csv`` and ``subscriptions.csv``
    (canonical fields as columns) into ``folder``."""
    parsed = read_telco(path, snapshot)
    files = TelcoFiles(
        folder / "customers.csv",
        folder / "subscriptions.csv",
        len(parsed.customers),
        parsed.blank_total_charges,
    )
    _write(files.customers, parsed.customers)
    _write(files.subscriptions, parsed.subscriptions)
    return files
