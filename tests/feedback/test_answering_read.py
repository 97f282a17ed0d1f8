"""The answering read (an invitation, its customer's language and its response so far) runs
through SQLAlchemy, or on PostgreSQL in a pipelined unit on the driver's connection, from the
same query compiled once: both give the same row, before and after the first answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.app import Services
from opencx.db import driver, pipelined
from opencx.db.schema import invitations
from opencx.feedback.store import invitations as store

from .conftest import BASE, outbox_rows

LINK = re.compile(re.escape(BASE) + r"/r/([A-Za-z0-9_.-]+)\?score=")


def _both(services: Services, invitation_id: str) -> tuple[Any, Any]:
    with services.engine.connect() as conn:
        plain = store.answering(conn, invitation_id)
    with pipelined(services.engine) as conn:
        assert driver.in_unit(conn)
        unit = store.answering(conn, invitation_id)
    return plain, unit


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_both_paths_read_the_same_row(services: Services, customer: Any) -> None:
    fb = services.feedback
    fb.create_from_template("nps", "nps-read", "After your order", ["en"])
    fb.invite("nps-read", [customer(language="pt")])
    with services.engine.connect() as conn:
        invitation_id = conn.execute(sa.select(invitations.c.id)).scalar_one()

    plain, unit = _both(services, invitation_id)
    assert plain is not None
    assert plain == unit
    assert plain["customer_language"] == "pt"
    assert plain["response_id"] is None
    assert plain["sent_at"].utcoffset() is not None

    match = LINK.search(outbox_rows(services.engine)[-1]["payload"]["text"])
    assert match
    fb.respond(match.group(1), {"nps": 9}, finish=False)
    plain, unit = _both(services, invitation_id)
    assert plain == unit
    assert plain is not None
    assert plain["response_id"] is not None
    assert plain["response_completed"] is False
    assert list(plain) == list(unit)  # same columns, same order

    assert _both(services, "no-such-invitation") == (None, None)
