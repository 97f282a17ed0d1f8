"""Every migration can be undone, on SQLite and PostgreSQL.

A store is upgraded one revision at a time from an empty database, its schema read after each;
then downgraded one revision at a time to the base, where each downgrade must leave exactly the
schema its revision found (tables, columns, constraints, indexes, views, triggers, functions);
then upgraded to the head again. At the head, before and after the round trip, the schema equals
the models' metadata as Alembic's autogenerate compares them (``alembic check``, through the
migrations' env.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opencx.db.engine import migration_engine
from tests.db.migrations import Migrations, Schema, schema_of


def _differences(now: Schema, expected: Schema) -> str:
    lines = [f"  left behind: {row}" for row in sorted(now - expected, key=repr)]
    lines += [f"  missing:     {row}" for row in sorted(expected - now, key=repr)]
    return "\n".join(lines)


def _round_trip(url: str) -> None:
    migrations = Migrations(url)
    revisions = migrations.revisions
    engine = migration_engine(url)

    def schema() -> Schema:
        with engine.connect() as conn:
            return schema_of(conn)

    try:
        at: dict[str | None, Schema] = {None: schema()}
        assert at[None] == frozenset(), "the store is not empty"
        for revision in revisions:
            migrations.upgrade(revision)
            at[revision] = schema()
        migrations.check()
        for revision, before in zip(
            reversed(revisions), reversed([None, *revisions[:-1]]), strict=True
        ):
            migrations.downgrade("-1")
            now = schema()
            assert now == at[before], (
                f"downgrade of {revision} did not give back the schema of {before or 'base'}:\n"
                + _differences(now, at[before])
            )
        migrations.upgrade("head")
        assert schema() == at[revisions[-1]]
        migrations.check()
    finally:
        engine.dispose()


def test_sqlite_downgrades_every_migration_to_base_and_upgrades_back(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path}/round.db")


@pytest.mark.postgres
def test_postgres_downgrades_every_migration_to_base_and_upgrades_back(
    empty_pg_database: str,
) -> None:
    _round_trip(empty_pg_database)
