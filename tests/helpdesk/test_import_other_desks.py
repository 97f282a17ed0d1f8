"""A Freshdesk ticket export imports through the bundled mapping, and the imported cases are
worked like any other: their times feed the SLA dashboard's measures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from opencx.app import Services
from opencx.ingest.service import ImportOptions, load_mapping

EXPORT = Path(__file__).resolve().parents[1] / "data" / "helpdesk" / "freshdesk_export.csv"


def test_freshdesk_export_imports_and_is_measured(services: Services) -> None:
    options = ImportOptions(
        kind="cases", path=EXPORT, mapping=load_mapping("freshdesk"), ignore_unknown=True
    )
    report = services.ingest.import_file(options)
    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    cases = {c.external_id: c for c in services.helpdesk.cases()}
    assert (cases["101"].status, cases["101"].priority, cases["101"].channel) == (
        "closed",
        "normal",
        "email",
    )
    assert (cases["102"].status, cases["102"].queue, cases["102"].channel) == (
        "pending_customer",
        "Billing",
        "web",
    )
    assert cases["101"].customer_id == cases["103"].customer_id  # one contact, one customer
    services.helpdesk.customer_message(cases["102"].id, "Here is my IBAN")
    assert services.helpdesk.case(cases["102"].id).case.status == "open"
    r = services.helpdesk.report(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    assert r.cases == 3 and r.first_response_wall.n == 2 and r.first_response_wall.median == 3600
    assert r.resolution_wall.n == 1 and r.resolution_wall.mean == 6 * 3600
