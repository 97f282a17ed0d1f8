"""SQLite images are built by a thread of their own (store.behind's builder) while the writer
inserts the images before them: within a bound, in order, and a failure on either thread fails
the import with its own error, leaving no rows and no scratch file."""

from __future__ import annotations

import tempfile
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from opencx.db import migrate
from opencx.ingest.store import behind, sqlite_images
from tests.ingest.test_sqlite_images import import_orders, orders_csv


class Step:
    """A two-step job that logs each step and the thread it ran on."""

    def __init__(self, n: int, log: list[tuple[str, int, str]], **hooks: Any) -> None:
        self.n, self.log, self.hooks = n, log, hooks

    def prepare(self) -> None:
        self.log.append(("prepare", self.n, threading.current_thread().name))
        self.hooks.get("prepared", lambda: None)()

    def __call__(self, driver: object) -> None:
        self.hooks.get("run", lambda: None)()
        self.log.append(("run", self.n, threading.current_thread().name))


def test_jobs_are_prepared_ahead_of_the_writer_within_the_bound():
    log: list[tuple[str, int, str]] = []
    ahead_built = threading.Event()
    go = threading.Event()
    writer = behind.WriteBehind(driver=None)
    try:
        hooks: dict[int, dict[str, Any]] = {
            0: {"run": lambda: go.wait(60)},  # the writer holds the first job until told
            behind.AHEAD - 1: {"prepared": ahead_built.set},
        }
        jobs = [Step(i, log, **hooks.get(i, {})) for i in range(2 * behind.AHEAD)]
        writer.submit(jobs[: behind.AHEAD])
        writer.submit(jobs[behind.AHEAD :])  # queued: the first ones are prepared
        assert ahead_built.wait(60)
        go.set()
        writer.settle()
    finally:
        go.set()
        writer.close()

    steps = [(step, n) for step, n, _ in log]
    assert [n for step, n in steps if step == "run"] == list(range(2 * behind.AHEAD))
    assert [n for step, n in steps if step == "prepare"] == list(range(2 * behind.AHEAD))
    for n in range(2 * behind.AHEAD):
        assert steps.index(("prepare", n)) < steps.index(("run", n))
    # built while the first job ran, never more than AHEAD jobs prepared and not yet done
    assert steps.index(("prepare", behind.AHEAD - 1)) < steps.index(("run", 0))
    assert steps.index(("run", 0)) < steps.index(("prepare", behind.AHEAD))
    assert {t.split("_")[0] for step, _, t in log if step == "prepare"} == {"write-behind-build"}
    assert {t.split("_")[0] for step, _, t in log if step == "run"} == {"write-behind"}


@pytest.mark.parametrize("step", ["prepare", "run"])
def test_a_failed_step_is_raised_and_nothing_after_it_runs(step):
    log: list[tuple[str, int, str]] = []

    def fail() -> None:
        raise ValueError(f"job 1 cannot {step}")

    writer = behind.WriteBehind(driver=None)
    try:
        hook = {"prepared" if step == "prepare" else "run": fail}
        jobs = [Step(i, log, **(hook if i == 1 else {})) for i in range(4)]
        writer.submit(jobs[:2])
        writer.submit(jobs[2:])
        with pytest.raises(ValueError, match=f"job 1 cannot {step}"):
            writer.settle()
        assert not [n for s, n, _ in log if s == "run" and n >= 1]
        if step == "prepare":
            assert not [n for s, n, _ in log if s == "prepare" and n >= 2]
        # the room taken by what was prepared is given back: the writer works on
        del log[:]
        writer.submit([Step(i, log) for i in range(10, 10 + 2 * behind.AHEAD)])
        writer.settle()
        assert [n for s, n, _ in log if s == "run"] == list(range(10, 10 + 2 * behind.AHEAD))
    finally:
        writer.close()


def no_rows(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in ("customers", "products", "orders", "order_lines"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT status FROM imports").scalar_one() == "failed"
    engine.dispose()


def test_an_image_that_cannot_be_built_fails_the_import_and_leaves_nothing(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    built: list[str] = []
    build = sqlite_images.build

    def failing(data):
        built.append(threading.current_thread().name)
        if len(built) == 3:  # the second chunk's orders (each chunk: its orders, its lines)
            raise OSError(28, "No space left on device")
        return build(data)

    monkeypatch.setattr(sqlite_images, "build", failing)
    url = f"sqlite:///{tmp_path / 'failed.db'}"

    with pytest.raises(OSError, match="No space left"):
        import_orders(url, orders_csv(tmp_path / "orders.parquet", 600), chunk_rows=250)

    no_rows(url)
    assert len(built) == 3  # nothing is built after the failure
    assert all(name.startswith("write-behind-build") for name in built)
    assert list(scratch.iterdir()) == []


def test_an_insert_that_fails_behind_the_builder_fails_the_import_and_leaves_nothing(
    tmp_path, monkeypatch
):
    """The second chunk's lines cannot be inserted (an SQLite error in ``INSERT … SELECT``)
    while the builder may be building the third chunk's images."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    url = f"sqlite:///{tmp_path / 'failed.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER full BEFORE INSERT ON order_lines"
            " WHEN (SELECT count(*) FROM order_lines) >= 300"
            " BEGIN SELECT RAISE(ABORT, 'the store is full'); END"
        )
    engine.dispose()

    with pytest.raises(Exception, match="the store is full"):
        import_orders(url, orders_csv(tmp_path / "orders.parquet", 900), chunk_rows=250)

    no_rows(url)
    assert list(scratch.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("write-behind")]
