"""An installation created at the first migration, with data in it, upgrades to the latest.

The rows are written through the schema as it was at 0001 (reflected, not today's tables), the
way a real old installation holds them; after ``opencx init`` (upgrade to head) every row is
still there with its values, the columns added since have their defaults, the app works on the
old rows (an old user logs in), and the new tables accept writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.domain import hash_password
from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.jobs import Job, Scheduler, every

AT = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def _old_rows(engine: Engine) -> None:
    old = sa.MetaData()
    old.reflect(engine)
    t = old.tables
    customer = {
        "source": "shop",
        "created_at": AT,
        "attributes": {},
        "consent_email": True,
        "consent_sms": False,
        "consent_surveys": True,
    }
    with engine.begin() as conn:
        conn.execute(
            t["customers"].insert(),
            [
                {
                    **customer,
                    "id": "c1",
                    "external_id": "1",
                    "name": "Γιώργος Παπαδόπουλος",
                    "email": "giorgos@example.gr",
                },
                {
                    **customer,
                    "id": "c2",
                    "external_id": "2",
                    "name": "Élodie Martin",
                    "email": None,
                },
            ],
        )
        conn.execute(
            t["orders"].insert(),
            {
                "id": "o1",
                "source": "shop",
                "external_id": "A-1",
                "customer_id": "c1",
                "placed_at": AT,
                "channel": "web",
                "status": "completed",
                "currency": "EUR",
                "discount_total": Decimal("1.5000"),
            },
        )
        conn.execute(
            t["order_lines"].insert(),
            {
                "id": "l1",
                "order_id": "o1",
                "line_no": 1,
                "sku": "SKU-1",
                "quantity": 2,
                "unit_price": Decimal("19.9900"),
                "discount": Decimal("0"),
            },
        )
        conn.execute(
            t["users"].insert(),
            {
                "id": "u1",
                "email": "ana@example.org",
                "name": "Ana",
                "role": "admin",
                "password_hash": hash_password("old-password-1"),
                "created_at": AT,
            },
        )
        conn.execute(
            t["outbox"].insert(),
            {
                "id": "m1",
                "kind": "email",
                "dedupe_key": "welcome:c1",
                "status": "pending",
                "payload": {"to": "giorgos@example.gr", "subject": "Hi", "text": "Welcome"},
                "attempts": 0,
                "next_attempt_at": AT,
                "created_at": AT,
            },
        )


def _upgrade_keeps_everything(url: str) -> None:
    migrate(url, "0001")
    engine = create_engine_from_url(url)
    try:
        _old_rows(engine)
        migrate(url)  # what `opencx init` does
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"job_runs", "worker_heartbeats", "metric_targets"} <= names
            got = conn.execute(sa.text("SELECT name, email FROM customers ORDER BY id")).all()
            assert [tuple(r) for r in got] == [
                ("Γιώργος Παπαδόπουλος", "giorgos@example.gr"),
                ("Élodie Martin", None),
            ]
            price = conn.execute(sa.text("SELECT unit_price FROM order_lines")).scalar_one()
            assert Decimal(str(price)) == Decimal("19.99")
            user = conn.execute(sa.text("SELECT email, disabled_at FROM users")).one()
            assert tuple(user) == ("ana@example.org", None)
            assert conn.execute(sa.text("SELECT count(*) FROM user_sessions")).scalar_one() == 0
            assert conn.execute(sa.text("SELECT status FROM outbox")).scalar_one() == "pending"
        clock = FixedClock(AT)
        assert AccessService(engine, clock).authenticate("ana@example.org", "old-password-1")
        ran = Scheduler(engine, clock, [Job("test.after_upgrade", every(hours=1), str)]).tick()
        assert ran is not None and ran.status == "succeeded"
    finally:
        engine.dispose()


def test_sqlite_upgrades_from_the_first_migration_with_data(tmp_path: Path) -> None:
    _upgrade_keeps_everything(f"sqlite:///{tmp_path}/old.db")


@pytest.mark.postgres
def test_postgres_upgrades_from_the_first_migration_with_data(empty_pg_database: str) -> None:
    _upgrade_keeps_everything(empty_pg_database)
