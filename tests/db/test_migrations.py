from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db.schema import CANONICAL_TABLES, customers


def test_migrations_create_every_canonical_table(engine: Engine) -> None:
    names = set(sa.inspect(engine).get_table_names())
    assert set(CANONICAL_TABLES) <= names


def test_source_and_external_id_are_unique(engine: Engine) -> None:
    row = {
        "id": "c1",
        "source": "shop",
        "external_id": "42",
        "created_at": datetime.now(UTC),
        "attributes": {},
        "consent_email": False,
        "consent_sms": False,
        "consent_surveys": False,
    }
    with engine.begin() as conn:
        conn.execute(customers.insert(), row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(customers.insert(), {**row, "id": "c2"})


def test_times_come_back_utc_aware(engine: Engine) -> None:
    at = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            {
                "id": "c1",
                "source": "s",
                "external_id": "1",
                "created_at": at,
                "attributes": {},
                "consent_email": False,
                "consent_sms": False,
                "consent_surveys": False,
            },
        )
        got = conn.execute(sa.select(customers.c.created_at)).scalar_one()
    assert got == at and got.tzinfo is not None and got.utcoffset() == timedelta(0)
