"""Importing the IBM telco churn sample: customers, then their subscriptions, as two imports.

The reader (:mod:`opencx.ingest.store.formats.telco`) turns the export into canonical customer
and subscription files; each is loaded by :meth:`IngestService.import_file` like any other
export, so the rows are validated, upserted on (source ``csv:telco``, external id) — a re-run
changes nothing — and the customers' identities are resolved.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from opencx.core import InvalidInput
from opencx.ingest.domain import Mapping
from opencx.ingest.service.importing import IngestService
from opencx.ingest.service.report import ImportOptions, ImportReport
from opencx.ingest.store.formats.telco import SOURCE, write_canonical

__all__ = ["TelcoImport", "import_telco"]


@dataclass(frozen=True, slots=True)
class TelcoImport:
    """The two import runs and the rows whose ``TotalCharges`` was blank."""

    customers: ImportReport
    subscriptions: ImportReport
    blank_total_charges: int


def import_telco(service: IngestService, path: Path, *, snapshot: datetime) -> TelcoImport:
    """Import the telco CSV at ``path`` as of ``snapshot`` (tz-aware UTC)."""
    if not path.exists():
        raise InvalidInput(f"{path}: file not found")
    with tempfile.TemporaryDirectory(prefix="opencx-telco-") as tmp:
        files = write_canonical(path, snapshot, Path(tmp))
        mapping = Mapping(source=SOURCE)
        customers = service.import_file(ImportOptions("customers", files.customers, mapping))
        subscriptions = service.import_file(
            ImportOptions("subscriptions", files.subscriptions, mapping)
        )
    return TelcoImport(customers, subscriptions, len(files.blank_total_charges))
