"""Service measures: quantiles, buckets, impossible durations, rates; the ticket-file check on a
committed sample and, when present, on the real public ticket set."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.helpdesk.domain.reporting import (
    CaseFigures,
    quantile,
    report,
    response_cycles,
    summarise,
)
from opencx.helpdesk.service.reports import check_ticket_file
from tests.conftest import shared_data

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "helpdesk" / "support_tickets_sample.csv"


def test_negative_durations_are_listed_not_averaged() -> None:
    d = summarise([("a", 1800.0), ("b", 7200.0), ("c", -60.0), ("d", None)])
    assert (d.n, d.mean, d.median, d.impossible) == (2, 4500.0, 4500.0, ("c",))
    assert dict(d.buckets)["< 1 h"] == 1 and dict(d.buckets)["1–4 h"] == 1


@given(st.lists(st.floats(0, 1e7), min_size=1), st.floats(0, 1))
def test_quantile_lies_between_the_extremes_and_is_monotone(values: list[float], q: float) -> None:
    ordered = sorted(values)
    assert ordered[0] <= quantile(ordered, q) <= ordered[-1]
    assert quantile(ordered, q / 2) <= quantile(ordered, q) + 1e-9


def test_rates_fcr_and_attainment() -> None:
    def case(
        i: str, status: str, replies: int, reopened: int = 0, sla: str | None = "met"
    ) -> CaseFigures:
        return CaseFigures(
            i, "support", "email", None, status, 60, 60, 600, 600, replies, reopened, "std", sla
        )

    r = report(
        [
            case("1", "resolved", 1),
            case("2", "closed", 2),
            case("3", "resolved", 1, 1),
            case("4", "open", 0, sla="breached"),
        ]
    )
    assert r.resolution_rate == 0.75 and r.first_contact_resolution == pytest.approx(1 / 3)
    assert r.sla_attainment == 0.75
    assert ("queue", "support", 1) in r.backlog


def test_next_response_cycles_start_after_the_first_reply() -> None:
    kinds = [
        "message_in",
        "message_in",
        "message_out",
        "message_in",
        "message_in",
        "message_out",
        "message_in",
    ]
    assert response_cycles(list(enumerate(kinds))) == [(3, 5)]


def test_the_committed_sample_reports_its_impossible_and_inconsistent_rows() -> None:
    found = check_ticket_file(SAMPLE)
    d = found.response_to_resolution
    assert (found.rows, d.n, d.impossible) == (8, 4, ("5",))
    assert d.median == pytest.approx(4 * 3600) and d.mean == pytest.approx(6.125 * 3600)
    assert ("8", "closed without a resolution time") in found.problems


def test_the_public_ticket_set_has_1365_impossible_rows() -> None:
    found = check_ticket_file(shared_data("customer_support_tickets.csv"))
    d = found.response_to_resolution
    assert found.rows == 8469 and len(d.impossible) == 1365 and d.n == 1404
    assert d.mean is not None and d.mean > 0  # averaging the impossible rows would give -0.06 h
