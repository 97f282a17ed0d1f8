"""A downgrade that would narrow a column past the values it holds stops before changing anything.

On PostgreSQL, migrations 0020 (customers' name, email, phone back to VARCHAR(300/320/40)),
0033 (a challenge's points, a draw's points per ticket), 0035 (a reward's stock) and 0036 (a
challenge's target, a draw's winners) narrow columns back to INTEGER or a shorter VARCHAR. With a
value that does not fit, the downgrade is refused with the table, the column, the rows and the
largest value (the longest, for text), and the store is as it was: its revision, its schema
(the revisions undone before the refusal are taken back with it) and its rows. With the values
fitting, the same downgrade goes through and keeps them. SQLite keeps 64-bit integers and text of
any length whatever the declared type: its downgrades keep every value.

Migration 0020's downgrade drops ``customer_keys``: while it holds a key, or a customer holds a
sealed name, email or phone, it is refused on both stores, counting the rows and never showing
a value, and the store is as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db import migrate
from opencx.db.engine import migration_engine
from opencx.db.narrowing import DowngradeRefused
from tests.db.conftest import new_pg_database
from tests.db.migrations import Migrations, schema_of

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FITTING: dict[tuple[str, str], object] = {
    ("loyalty_challenges", "points"): 2**31 - 1,
    ("loyalty_challenges", "target"): 2**31 - 1,
    ("loyalty_draws", "points_per_ticket"): -(2**31),
    ("loyalty_draws", "winners"): 2**31 - 1,
    ("loyalty_rewards", "stock"): 2**31 - 1,
    ("customers", "name"): "Γ" * 300,
    ("customers", "email"): "e" * 320,
    ("customers", "phone"): "9" * 40,
}
PAST = [  # (migration that narrows the column, the revision below it, column, a value past)
    ("0033", "0032", ("loyalty_challenges", "points"), 2**31),
    ("0033", "0032", ("loyalty_draws", "points_per_ticket"), 999_999_999_999),
    ("0035", "0034", ("loyalty_rewards", "stock"), 2**31),
    ("0036", "0035", ("loyalty_challenges", "target"), 999_999_999_999),
    ("0036", "0035", ("loyalty_draws", "winners"), 2**31),
    ("0020", "0019", ("customers", "name"), "Γ" * 301),
    ("0020", "0019", ("customers", "email"), "e" * 321),
    ("0020", "0019", ("customers", "phone"), "9" * 41),
]
IDS = [f"{migration}-{column[1]}" for migration, _, column, _ in PAST]


def _write(engine: Engine, values: dict[tuple[str, str], object]) -> None:
    """A customer, a reward, a challenge and a draw holding ``values``, through the tables as
    the store has them (reflected)."""
    given = {**FITTING, **values}

    def of(table: str) -> dict[str, object]:
        return {column: value for (t, column), value in given.items() if t == table}

    rows = {
        "customers": {
            "id": "c1",
            "source": "shop",
            "external_id": "1",
            "created_at": AT,
            "attributes": {},
            "consent_email": False,
            "consent_sms": False,
            "consent_surveys": False,
            **of("customers"),
        },
        "loyalty_rewards": {
            "id": "r1",
            "name": "Mug",
            "description": "",
            "points": 100,
            "active": True,
            "created_at": AT,
            **of("loyalty_rewards"),
        },
        "loyalty_challenges": {
            "id": "ch1",
            "name": "Five visits",
            "kind": "count",
            "activity": "visit",
            "starts_at": AT,
            "ends_at": AT,
            **of("loyalty_challenges"),
        },
        "loyalty_draws": {
            "id": "d1",
            "name": "Spring draw",
            "prize": "A bike",
            "commitment": "0" * 64,
            "created_at": AT,
            **of("loyalty_draws"),
        },
    }
    tables = sa.MetaData()
    tables.reflect(engine, only=list(rows))
    with engine.begin() as conn:
        for name, row in rows.items():
            conn.execute(tables.tables[name].insert(), row)


def _stored(engine: Engine) -> dict[tuple[str, str], object]:
    with engine.connect() as conn:
        return {
            (table, column): conn.execute(sa.text(f"SELECT {column} FROM {table}")).scalar_one()
            for table, column in FITTING
        }


def _state(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        return revision, schema_of(conn)


@pytest.fixture(scope="module")
def pg_store() -> Iterator[str]:
    """One PostgreSQL database at head for the module: a refused downgrade leaves it there."""
    with new_pg_database("opencx_narrow") as url:
        migrate(url)
        yield url


@pytest.fixture
def pg_engine_at_head(pg_store: str) -> Iterator[Engine]:
    migrations = Migrations(pg_store)
    engine = migration_engine(pg_store)
    try:
        migrations.upgrade("head")  # after a test that failed by downgrading
        yield engine
    finally:
        migrations.upgrade("head")  # customer_keys is back after a downgrade to 0019
        with engine.begin() as conn:
            for table in (
                "customers",
                "customer_keys",
                "loyalty_rewards",
                "loyalty_challenges",
                "loyalty_draws",
            ):
                conn.execute(sa.text(f"DELETE FROM {table}"))
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(("migration", "below", "column", "value"), PAST, ids=IDS)
def test_postgres_refuses_a_downgrade_past_a_stored_value_and_changes_nothing(
    pg_store: str,
    pg_engine_at_head: Engine,
    migration: str,
    below: str,
    column: tuple[str, str],
    value: object,
) -> None:
    engine = pg_engine_at_head
    _write(engine, {column: value})
    before, rows = _state(engine), _stored(engine)
    with pytest.raises(DowngradeRefused) as refused:
        Migrations(pg_store).downgrade(below)
    table, name = column
    shown = f"{len(value)} characters" if isinstance(value, str) else str(value)
    message = str(refused.value)
    assert message.startswith(f"cannot undo migration {migration}: {table}.{name}: 1 row ")
    assert message.endswith(
        f", the {'longest' if isinstance(value, str) else 'largest'} {shown}. Nothing was "
        "changed: update or delete those rows and downgrade again, or stay at revision "
        f"{migration} or later"
    )
    assert (_state(engine), _stored(engine)) == (before, rows)
    assert before[0] == Migrations(pg_store).revisions[-1]


@pytest.mark.postgres
def test_postgres_names_every_column_in_the_way_with_its_rows_and_extremes(
    pg_store: str, pg_engine_at_head: Engine
) -> None:
    engine = pg_engine_at_head
    _write(engine, {("loyalty_draws", "points_per_ticket"): -(2**31) - 1})
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO loyalty_challenges (id, name, kind, activity, target, starts_at,"
                " ends_at, points) SELECT 'extra' || n, 'c' || n, kind, activity, target,"
                " starts_at, ends_at, points + n FROM loyalty_challenges,"
                " generate_series(1, 2) AS n"
            )
        )
    with pytest.raises(DowngradeRefused) as refused:
        Migrations(pg_store).downgrade("0032")
    assert str(refused.value) == (
        "cannot undo migration 0033: loyalty_challenges.points: 2 rows outside INTEGER's range"
        " -2147483648 to 2147483647, the largest 2147483649; loyalty_draws.points_per_ticket:"
        " 1 row outside INTEGER's range -2147483648 to 2147483647, the smallest -2147483649."
        " Nothing was changed: update or delete those rows and downgrade again, or stay at"
        " revision 0033 or later"
    )


@pytest.mark.postgres
def test_postgres_downgrades_values_that_fit_and_keeps_them(
    pg_store: str, pg_engine_at_head: Engine
) -> None:
    engine = pg_engine_at_head
    _write(engine, {})
    Migrations(pg_store).downgrade("0019")
    assert _state(engine)[0] == "0019"
    assert _stored(engine) == FITTING
    with engine.connect() as conn:
        types = dict(
            conn.execute(
                sa.text(
                    "SELECT table_name || '.' || column_name, data_type"
                    " FROM information_schema.columns WHERE column_name = 'winners'"
                )
            ).all()
        )
    assert types == {"loyalty_draws.winners": "integer"}


@pytest.mark.parametrize(("migration", "below", "column", "value"), PAST, ids=IDS)
def test_sqlite_downgrades_keep_every_value(
    sqlite_url: str, migration: str, below: str, column: tuple[str, str], value: object
) -> None:
    engine = migration_engine(sqlite_url)
    try:
        _write(engine, {column: value})
        Migrations(sqlite_url).downgrade(below)
        assert _state(engine)[0] == below
        assert _stored(engine) == {**FITTING, column: value}
    finally:
        engine.dispose()


SEALED = "enc1:" + "A" * 60  # a sealed field's shape (opencx.customers.domain.sealing)
SHREDDING = {  # what the store holds: a data key, a sealed name, both
    "key": (True, None),
    "sealed": (False, SEALED),
    "both": (True, SEALED),
}


def _refused_for_sealing(url: str, engine: Engine, key: bool, name: str | None) -> str:
    """Write a customer (with ``name`` sealed) and its data key if ``key``; downgrade to 0019,
    which must be refused leaving revision, schema and rows as they were: the message."""
    _write(engine, {("customers", "name"): name} if name else {})
    if key:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO customer_keys VALUES ('c1', :wrapped, :at)"),
                {"wrapped": b"\x00" * 60, "at": AT},
            )

    def rows() -> tuple[object, ...]:
        with engine.connect() as conn:
            keys = conn.execute(sa.text("SELECT customer_id FROM customer_keys")).all()
        return _stored(engine), keys

    before, stored = _state(engine), rows()
    with pytest.raises(DowngradeRefused) as refused:
        Migrations(url).downgrade("0019")
    assert (_state(engine), rows()) == (before, stored)
    assert before[0] == Migrations(url).revisions[-1]
    return str(refused.value)


def _expected(key: bool, name: str | None) -> str:
    found = ["customer_keys: 1 row (customers' data keys)"] if key else []
    found += ["customers: 1 row with a sealed name, email or phone"] if name else []
    return (
        f"cannot undo migration 0020: {'; '.join(found)}; dropping customer_keys would leave "
        "every sealed field unreadable for good. Nothing was changed: stay at revision 0020 "
        "or later (OpenCX has no command that unseals), or restore the backup taken before "
        "the upgrade to 0020"
    )


@pytest.mark.postgres
@pytest.mark.parametrize(("key", "name"), SHREDDING.values(), ids=SHREDDING)
def test_postgres_refuses_to_drop_customer_keys_while_anything_is_sealed(
    pg_store: str, pg_engine_at_head: Engine, key: bool, name: str | None
) -> None:
    message = _refused_for_sealing(pg_store, pg_engine_at_head, key, name)
    assert message == _expected(key, name)


@pytest.mark.parametrize(("key", "name"), SHREDDING.values(), ids=SHREDDING)
def test_sqlite_refuses_to_drop_customer_keys_while_anything_is_sealed(
    sqlite_url: str, key: bool, name: str | None
) -> None:
    engine = migration_engine(sqlite_url)
    try:
        message = _refused_for_sealing(sqlite_url, engine, key, name)
    finally:
        engine.dispose()
    assert message == _expected(key, name)
