"""A mapping's ``[joined]`` field reads several columns together (a Freshdesk conversation's
``incoming`` and ``private`` decide one kind), then its transform applies; a mapping naming
fewer than two columns, or a joined column the file lacks, is refused before any row loads."""

from __future__ import annotations

import pyarrow as pa
import pytest

from opencx.core import InvalidInput
from opencx.ingest.domain.kinds import KINDS
from opencx.ingest.domain.mapping import mapping_from_dict
from opencx.ingest.domain.validation.columns import plan_columns, source_text

MAPPING = {
    "kind": "case_events",
    "columns": {"case": "ticket_id", "at": "created_at"},
    "joined": {"kind": "incoming | private"},
    "transforms": {"kind": {"true|false": "message_in", "false|true": "note"}},
}


def test_joined_columns_are_transformed_together() -> None:
    mapping = mapping_from_dict(MAPPING)
    columns = ["ticket_id", "created_at", "incoming", "private"]
    plan = plan_columns("talk.csv", columns, KINDS["case_events"], mapping)
    assert plan.unknown == [] and plan.provides("kind")
    assert plan.header_problems(ignore_unknown=False) == []
    chunk = pa.table(
        {
            "ticket_id": ["1", "1", "2"],
            "created_at": ["2026-01-19 09:00"] * 3,
            "incoming": ["true", "false", None],
            "private": ["false", "true", "true"],
        }
    )
    text = source_text(chunk, pa.array([2, 3, 4]), plan)
    assert text["kind"].to_pylist() == ["message_in", "note", "|true"]  # unknown stays raw


def test_a_joined_field_needs_two_columns_that_the_file_has() -> None:
    with pytest.raises(InvalidInput, match=r"joined kind = 'incoming': name two or more"):
        mapping_from_dict({**MAPPING, "joined": {"kind": "incoming"}})
    mapping = mapping_from_dict(MAPPING)
    plan = plan_columns(
        "talk.csv", ["ticket_id", "created_at", "incoming"], KINDS["case_events"], mapping
    )
    [problem] = plan.header_problems(ignore_unknown=True)
    assert (problem.column, problem.rule) == ("private", "mapped column is not in the file")
