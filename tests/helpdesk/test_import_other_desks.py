"""Freshdesk and Zendesk exports import through the bundled mappings, tickets with their
conversation (as the cases' messages and notes, once however often imported), and the
imported cases are worked like any other: their times feed the SLA dashboard's measures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from opencx.app import Services
from opencx.core import FixedClock
from opencx.ingest.service import ImportOptions, ImportReport, load_mapping

EXPORT = Path(__file__).resolve().parents[1] / "data" / "helpdesk" / "freshdesk_export.csv"


def test_a_status_the_mapping_does_not_know_is_refused_with_its_line_and_column(
    services: Services, tmp_path: Path
) -> None:
    """A custom Freshdesk status ("Escalated") has no place in the case states: the row is
    refused naming the file, line and column, never stored under the raw value."""
    lines = EXPORT.read_text().splitlines()
    lines[2] = lines[2].replace(",Waiting on Customer,", ",Escalated,")
    custom = tmp_path / "tickets.csv"
    custom.write_text("\n".join(lines) + "\n")
    options = ImportOptions(
        kind="cases", path=custom, mapping=load_mapping("freshdesk"), ignore_unknown=True
    )
    report = services.ingest.import_file(options)
    assert report.rows_loaded == 0  # all or nothing
    [problem] = report.problems
    assert (problem.line, problem.column, problem.value) == (3, "status", "Escalated")
    assert problem.rule.startswith("not a case status (new, open, pending_customer,")
    assert services.helpdesk.cases() == []


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


FRESHDESK_TALK = EXPORT.with_name("freshdesk_conversations.jsonl")
ZENDESK = EXPORT.with_name("zendesk_export.csv")
ZENDESK_TALK = EXPORT.with_name("zendesk_comments.jsonl")


def _import(services: Services, kind: str, path: Path, mapping: str) -> ImportReport:
    options = ImportOptions(
        kind=kind,
        path=path,
        mapping=load_mapping(mapping),
        ignore_unknown=True,
        allow_rejects=True,
    )
    return services.ingest.import_file(options)


def _talk(services: Services, case_id: str) -> list[tuple[str, str | None, str | None]]:
    events = services.helpdesk.case(case_id).events
    return [
        (e.kind, e.actor, e.body) for e in events if e.kind in ("message_in", "message_out", "note")
    ]


def test_freshdesk_conversations_import_as_the_cases_history_once(
    services: Services, hclock: FixedClock
) -> None:
    assert _import(services, "cases", EXPORT, "freshdesk").rows_loaded == 3
    report = _import(services, "case_events", FRESHDESK_TALK, "freshdesk-conversations")
    assert (report.rows_loaded, report.rows_rejected) == (6, 0)
    cases = {c.external_id: c for c in services.helpdesk.cases()}
    assert _talk(services, cases["101"].id) == [
        ("message_in", "501", "Where is my parcel? It was due Friday."),
        ("note", "12", "Carrier says depot delay."),
        ("message_out", "12", "Sorry, it arrives tomorrow."),
        ("message_in", "501", "Got it, thanks!"),
    ]
    assert [k for k, _, _ in _talk(services, cases["102"].id)] == ["message_in", "message_out"]
    again = _import(services, "case_events", FRESHDESK_TALK, "freshdesk-conversations")
    assert again.rows_rejected == 0
    assert len(_talk(services, cases["101"].id)) == 4  # re-importing adds nothing
    # the imported conversation is the case's: an agent answers on it, two days later
    hclock.advance(timedelta(days=2))
    services.helpdesk.reply(cases["102"].id, "bo@shop.example", body="Refunded to your card.")
    assert _talk(services, cases["102"].id)[-1][2] == "Refunded to your card."


def test_zendesk_comments_import_and_a_comment_without_a_role_is_refused(
    services: Services,
) -> None:
    tickets = _import(services, "cases", ZENDESK, "zendesk")
    assert (tickets.rows_loaded, tickets.rows_rejected) == (2, 0)
    cases = {c.external_id: c for c in services.helpdesk.cases()}
    assert (cases["201"].status, cases["201"].channel, cases["202"].channel) == (
        "resolved",
        "email",
        "web",
    )
    report = _import(services, "case_events", ZENDESK_TALK, "zendesk-comments")
    assert (report.rows_loaded, report.rows_rejected) == (4, 1)
    [problem] = report.problems
    assert (problem.line, problem.column, problem.value) == (5, "kind", "|true")
    assert "not a case event kind" in problem.rule
    assert _talk(services, cases["201"].id) == [
        ("message_in", "7001", "I ordered a M and got an XL."),
        ("message_out", "8001", "Sorry! A return label is on its way."),
        ("note", "8001", "Warehouse mixed up the bins."),
    ]
    assert [k for k, _, _ in _talk(services, cases["202"].id)] == ["message_in"]
    _import(services, "case_events", ZENDESK_TALK, "zendesk-comments")
    assert len(_talk(services, cases["201"].id)) == 3
