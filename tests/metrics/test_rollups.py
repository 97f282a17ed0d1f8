"""Rollups of a Parquet warehouse: the same numbers as the raw rows, and never read when stale."""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import opencx.metrics as m
from opencx.core.errors import InvalidInput
from opencx.metrics.domain.registry import ROLLUPS
from opencx.metrics.store import warehouse
from opencx.metrics.store.backends import connect, parquet_connection, spark_connection

from .conftest import arrow_tables, assert_same, every_result

SUITE = (
    "nps",
    "csat",
    "ces",
    "response_rate",
    "repeat_purchase_rate",
    "purchase_frequency",
    "average_order_value",
    "revenue_per_customer",
    "return_rate",
    "churn_rate",
    "cohort_retention",
    "active_days",
    "touchpoints",
    "channels_per_customer",
    "channel_mix",
    "clv_historical",
    "enps",
    "csat_mean",
    "ces_agree",
)
READS = {
    "order_days": (
        "repeat_purchase_rate",
        "average_order_value",
        "return_rate",
        "churn_rate",
        "cohort_retention",
        "clv_historical",
    ),
    "interaction_days": ("active_days", "touchpoints", "channel_mix"),
    "answer_days": ("nps", "csat", "ces", "enps"),
    "invitation_days": ("response_rate",),
}
"""Metrics that read each rollup (their SQL names it when it serves the request)."""


@pytest.fixture
def folder(tmp_path: Path, canonical_rows) -> Path:
    for name, table in arrow_tables(canonical_rows).items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
    return tmp_path


def _refresh(folder: Path, *, full: bool = False) -> list[warehouse.RollupState]:
    con = parquet_connection(folder, threads=1, rollups=False)
    try:
        return warehouse.refresh(con, folder, full=full)
    finally:
        con.disconnect()


def _files(folder: Path, name: str) -> list[Path]:
    """The files of rollup ``name``, as its manifest lists them."""
    doc = json.loads((folder / "_rollups" / "manifest.json").read_text())
    return [folder / part[0] for part in doc["rollups"][name]["parts"]]


def _views(con: Any) -> set[str]:
    """Tables and views of a DuckDB backend (Ibis's ``list_tables`` fails on DuckDB 2.0)."""
    return {
        r[0] for r in con.raw_sql("SELECT table_name FROM information_schema.tables").fetchall()
    }


def _sql(name: str, tables: Any, **request: Any) -> str:
    return str(ibis.to_sql(m.expression(m.MetricRequest(name, **request), tables)))


def test_every_metric_gives_the_same_numbers_from_the_rollups(folder, reference) -> None:
    states = _refresh(folder)
    assert [s.state for s in states] == ["fresh"] * len(ROLLUPS)
    assert all(s.rows and s.rows > 0 for s in states)
    con = connect(f"parquet://{folder}", threads=1)
    try:
        assert {r.table for r in ROLLUPS.values()} <= _views(con)
        for rollup, names in READS.items():
            for name in names:
                assert f"rollup_{rollup}" in _sql(name, con, period="month"), name
        assert "rollup_order_days" in _sql("repeat_purchase_rate", con, by=["segment"])
        assert_same(every_result(con), reference)
    finally:
        con.disconnect()


REQUESTS = [
    {"period": "week"},
    {
        "period": "day",
        "start": datetime(2025, 3, 1, tzinfo=UTC),
        "end": datetime(2025, 4, 1, tzinfo=UTC),
    },
    {"period": "month", "by": ["country"], "filters": {"channel": ["web", "app"]}},
    {"period": "year", "by": ["attributes.member"]},
    {"period": "quarter", "start": datetime(2025, 2, 1, tzinfo=UTC)},
    {},
]


def test_rollups_serve_weeks_days_filters_and_ranges_alike(folder) -> None:
    _refresh(folder)
    raw = parquet_connection(folder, threads=1, rollups=False)
    rolled = parquet_connection(folder, threads=1)
    try:
        for i, request in enumerate(REQUESTS):
            got = m.compute_suite([m.MetricRequest(n, min_n=1, **request) for n in SUITE], rolled)
            want = m.compute_suite([m.MetricRequest(n, min_n=1, **request) for n in SUITE], raw)
            assert_same(
                {(n, i): r.records() for n, r in got.items()},
                {(n, i): r.records() for n, r in want.items()},
            )
    finally:
        raw.disconnect()
        rolled.disconnect()


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        ({"start": datetime(2025, 3, 1, 12, tzinfo=UTC)}, "a range not in whole days"),
        ({"by": ["touchpoint"]}, "a column the rollup does not keep"),
        ({"by": ["category"]}, "a line column"),
    ],
)
def test_a_request_the_rollups_cannot_serve_reads_the_raw_rows(folder, request_, why) -> None:
    _refresh(folder)
    rolled = parquet_connection(folder, threads=1)
    raw = parquet_connection(folder, threads=1, rollups=False)
    try:
        name = "return_rate" if "category" in request_.get("by", ()) else "touchpoints"
        if "start" in request_:
            name = "average_order_value"
        sql = _sql(name, rolled, period="month", **request_)
        assert "rollup_" not in sql, why
        got = m.compute(
            m.MetricRequest(name, period="month", min_n=1, **request_), rolled
        ).records()
        want = m.compute(m.MetricRequest(name, period="month", min_n=1, **request_), raw).records()
        assert got == want
    finally:
        rolled.disconnect()
        raw.disconnect()


def test_a_changed_table_makes_its_rollups_stale_and_the_raw_rows_are_read(
    folder, canonical_rows, caplog
) -> None:
    _refresh(folder)
    orders = pq.read_table(folder / "orders.parquet")
    pq.write_table(orders.slice(0, orders.num_rows // 2), folder / "orders.parquet")
    by_name = {s.name: s for s in warehouse.states(folder)}
    assert by_name["order_days"].state == "stale"
    assert "orders changed since the refresh" in by_name["order_days"].reason
    assert by_name["answer_days"].fresh and by_name["interaction_days"].fresh
    with caplog.at_level(logging.WARNING, logger="opencx.metrics.store.warehouse"):
        con = parquet_connection(folder, threads=1)
    try:
        assert "rollup order_days is stale" in caplog.text
        assert "rollup_order_days" not in _views(con)
        assert "rollup_answer_days" in _views(con)
        raw = parquet_connection(folder, threads=1, rollups=False)
        want = m.compute(
            m.MetricRequest("average_order_value", period="month", min_n=1), raw
        ).records()
        raw.disconnect()
        assert (
            m.compute(
                m.MetricRequest("average_order_value", period="month", min_n=1), con
            ).records()
            == want
        )
    finally:
        con.disconnect()
    _refresh(folder)
    assert all(s.fresh for s in warehouse.states(folder))


def test_a_file_replaced_with_its_size_and_time_kept_is_still_a_change(folder) -> None:
    """Plain encoding, no compression: one channel renamed to a name of the same length keeps
    the file's size exactly; the footer's statistics (the column's maximum) tell them apart."""
    path = folder / "invitations.parquet"
    table = pq.read_table(path)
    plain = {"compression": "none", "use_dictionary": False}
    pq.write_table(table, path, **plain)
    _refresh(folder)
    before = path.stat()
    channels = table["channel"].to_pylist()
    renamed = "z" * len(channels[0])  # sorts after every real channel: a new maximum
    changed = table.set_column(
        table.schema.get_field_index("channel"), "channel", pa.array([renamed, *channels[1:]])
    )
    pq.write_table(changed, path, **plain)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    by_name = {s.name: s for s in warehouse.states(folder)}
    assert by_name["invitation_days"].state == "stale"


def test_a_connection_held_across_a_load_reads_the_new_rows(folder) -> None:
    """Freshness is checked again by every computation, not only when the connection opens."""
    _refresh(folder)
    con = parquet_connection(folder, threads=1)
    try:
        before = m.compute(m.MetricRequest("response_rate", min_n=1), con).records()[0]["n"]
        path = folder / "invitations.parquet"
        pq.write_table(pq.read_table(path).slice(0, 250), path)
        after = m.compute(m.MetricRequest("response_rate", min_n=1), con).records()[0]["n"]
        raw = parquet_connection(folder, threads=1, rollups=False)
        assert (
            after
            == m.compute(m.MetricRequest("response_rate", min_n=1), raw).records()[0]["n"]
            < before
        )
        raw.disconnect()
        assert "rollup_invitation_days" not in _views(con)
        assert "rollup_order_days" in _views(con)
        suite = m.compute_suite([m.MetricRequest(n, min_n=1) for n in ["response_rate"]], con)
        assert suite["response_rate"].records()[0]["n"] == after
    finally:
        con.disconnect()


def test_a_table_kept_as_a_folder_named_like_a_file_is_watched_too(folder) -> None:
    """Spark writes ``invitations.parquet/part-….parquet``: a new part makes the rollup stale."""
    table = pq.read_table(folder / "invitations.parquet")
    (folder / "invitations.parquet").unlink()
    (folder / "invitations.parquet").mkdir()
    pq.write_table(table.slice(0, 100), folder / "invitations.parquet" / "part-0.parquet")
    _refresh(folder)
    assert {s.name: s for s in warehouse.states(folder)}["invitation_days"].fresh
    pq.write_table(table.slice(100), folder / "invitations.parquet" / "part-1.parquet")
    state = {s.name: s for s in warehouse.states(folder)}["invitation_days"]
    assert state.state == "stale" and "invitations changed" in state.reason
    con = parquet_connection(folder, threads=1)
    raw = parquet_connection(folder, threads=1, rollups=False)
    try:
        want = m.compute(m.MetricRequest("response_rate", min_n=1), raw).records()
        assert want[0]["n"] > 100  # both parts
        assert m.compute(m.MetricRequest("response_rate", min_n=1), con).records() == want
    finally:
        con.disconnect()
        raw.disconnect()
    for part in (folder / "invitations.parquet").iterdir():
        part.unlink()
    state = {s.name: s for s in warehouse.states(folder)}["invitation_days"]
    assert state.state == "stale" and "no Parquet files found for invitations" in state.reason


def test_a_table_changed_during_the_refresh_replaces_nothing(folder, monkeypatch) -> None:
    _refresh(folder)
    (path,) = _files(folder, "invitation_days")
    old = path.read_bytes()
    rollup = ROLLUPS["invitation_days"]

    def build_while_a_load_lands(tables: Any) -> Any:
        invitations = pq.read_table(folder / "invitations.parquet")
        pq.write_table(invitations.slice(0, 10), folder / "invitations.parquet")
        return rollup.build(tables)

    monkeypatch.setitem(
        ROLLUPS,
        "invitation_days",
        type(rollup)(rollup.name, rollup.sources, rollup.columns, build_while_a_load_lands),
    )
    with pytest.raises(InvalidInput, match="invitations changed while the rollups were built"):
        _refresh(folder, full=True)
    assert path.read_bytes() == old
    assert {s.state for s in warehouse.states(folder)} == {"missing"}
    assert not [p for p in (folder / "_rollups").iterdir() if p.suffix == ".tmp"]


def test_one_refresh_at_a_time(folder) -> None:
    import fcntl

    (folder / "_rollups").mkdir()
    with (folder / "_rollups" / ".lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(InvalidInput, match=r"another refresh of .* is running"):
            _refresh(folder)
    assert all(s.fresh for s in _refresh(folder))


def test_a_replaced_rollup_file_or_a_broken_manifest_is_not_read(folder, caplog) -> None:
    _refresh(folder)
    (path,) = _files(folder, "invitation_days")
    rows = pq.read_table(path)
    pq.write_table(rows.slice(0, 1), path)
    by_name = {s.name: s for s in warehouse.states(folder)}
    assert by_name["invitation_days"].state == "stale"
    assert f"its file _rollups/{path.name} changed" in by_name["invitation_days"].reason
    manifest = folder / "_rollups" / "manifest.json"
    doc = json.loads(manifest.read_text())
    del doc["sources"]
    manifest.write_text(json.dumps(doc))
    assert {s.state for s in warehouse.states(folder)} == {"stale"}
    manifest.write_text("[1, 2]")
    with caplog.at_level(logging.WARNING, logger="opencx.metrics.store.warehouse"):
        assert {s.state for s in warehouse.states(folder)} == {"missing"}
    assert "is not an object" in caplog.text
    con = parquet_connection(folder, threads=1)
    try:
        assert not [t for t in _views(con) if t.startswith("rollup_")]
        assert m.compute(m.MetricRequest("response_rate", min_n=1), con).records()
    finally:
        con.disconnect()


def test_rollups_of_another_definition_version_are_stale(folder, monkeypatch) -> None:
    _refresh(folder)
    now = warehouse.ROLLUP_VERSION
    monkeypatch.setattr(warehouse, "ROLLUP_VERSION", now + 1)
    states = warehouse.states(folder)
    assert {s.state for s in states} == {"stale"}
    assert f"written by rollup version {now}, this is {now + 1}" in states[0].reason
    assert warehouse.fresh_paths(folder) == {}


def test_a_refresh_cut_short_leaves_no_rollup_in_use(folder, monkeypatch) -> None:
    _refresh(folder)

    def broken(tables: Any) -> Any:
        raise RuntimeError("disk full")

    rollup = ROLLUPS["interaction_days"]
    monkeypatch.setitem(
        ROLLUPS,
        "interaction_days",
        type(rollup)(rollup.name, rollup.sources, rollup.columns, broken),
    )
    with pytest.raises(RuntimeError, match="disk full"):
        _refresh(folder, full=True)
    assert {s.state for s in warehouse.states(folder)} == {"missing"}
    assert not (folder / "_rollups" / "manifest.json").exists()
    con = parquet_connection(folder, threads=1)
    try:
        assert not [t for t in _views(con) if t.startswith("rollup_")]
    finally:
        con.disconnect()


def test_a_rollup_whose_tables_are_absent_is_skipped(folder) -> None:
    (folder / "invitations.parquet").unlink()
    by_name = {s.name: s for s in _refresh(folder)}
    assert by_name["invitation_days"].state == "missing"
    assert by_name["invitation_days"].reason == "no invitations table in the warehouse"
    assert by_name["order_days"].fresh
    manifest = json.loads((folder / "_rollups" / "manifest.json").read_text())
    assert "invitation_days" not in manifest["rollups"]


def test_refreshing_some_rollups_keeps_the_others(folder) -> None:
    _refresh(folder)
    con = parquet_connection(folder, threads=1, rollups=False)
    try:
        states = warehouse.refresh(con, folder, ["answer_days"])
        assert all(s.fresh for s in states)
        with pytest.raises(InvalidInput, match="unknown rollup 'orders'; known: order_days"):
            warehouse.refresh(con, folder, ["orders"])
    finally:
        con.disconnect()


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pyspark_reads_the_rollups_too(folder, spark_session, reference) -> None:
    _refresh(folder)
    con = spark_connection(spark_session, folder)
    assert "rollup_order_days" in _sql("average_order_value", con, period="month")
    got = {
        n: m.compute(m.MetricRequest(n, period="month", min_n=1), con).records()
        for n in READS["order_days"]
    }
    duck = parquet_connection(folder, threads=1, rollups=False)
    want = {
        n: m.compute(m.MetricRequest(n, period="month", min_n=1), duck).records()
        for n in READS["order_days"]
    }
    duck.disconnect()
    assert_same(got, want)
    orders = pq.read_table(folder / "orders.parquet")
    pq.write_table(orders.slice(0, orders.num_rows // 2), folder / "orders.parquet")
    spark_connection(spark_session, folder)  # the same session: the stale view must go
    assert not spark_session.catalog.tableExists("rollup_order_days")
    assert spark_session.catalog.tableExists("rollup_answer_days")


def test_cli_refreshes_and_shows_the_rollups(folder, sqlite_url, monkeypatch) -> None:
    from typer.testing import CliRunner

    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("OPENCX_WAREHOUSE_URL", f"parquet://{folder}")
    monkeypatch.setenv("COLUMNS", "160")
    _mount()
    runner = CliRunner()
    r = runner.invoke(app, ["metrics", "rollups"])
    assert r.exit_code == 0 and r.output.count("│ missing ") == len(ROLLUPS), r.output
    r = runner.invoke(app, ["metrics", "refresh", "--rollup", "answer_days"])
    assert r.exit_code == 0, r.output
    assert re.search(r"answer_days\s+│ fresh\s+│\s+[\d,]+ │", r.output), r.output
    r = runner.invoke(app, ["metrics", "refresh"])
    assert r.exit_code == 0 and r.output.count("│ fresh ") == len(ROLLUPS), r.output
    r = runner.invoke(app, ["metrics", "nps", "--by", "month", "--min-n", "1", "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("month,value"), r.output
    r = runner.invoke(app, ["metrics", "refresh", "--rollup", "orders"])
    assert r.exit_code == 2 and "unknown rollup 'orders'" in r.output
    monkeypatch.setenv("OPENCX_WAREHOUSE_URL", f"pyspark://{folder}?master=local[1]")
    r = runner.invoke(app, ["metrics", "rollups"])
    assert r.exit_code == 0 and r.output.count("│ fresh ") == len(ROLLUPS), r.output
    monkeypatch.setenv("OPENCX_WAREHOUSE_URL", f"parquet://{folder}/nowhere")
    r = runner.invoke(app, ["metrics", "rollups"])
    assert r.exit_code == 2 and "nowhere is not a folder" in r.output, r.output
    monkeypatch.delenv("OPENCX_WAREHOUSE_URL")
    r = runner.invoke(app, ["metrics", "refresh"])
    assert r.exit_code == 2 and "rollups are kept for a Parquet warehouse" in r.output


# --- refreshing what changed: kept, appended or rebuilt -------------------------------------------
FACTS = ("interactions", "invitations", "responses", "answers")


def _as_folders(folder: Path, share: float) -> dict[str, Any]:
    """Each fact table as a folder whose part-0 holds the first ``share`` of its rows (of the
    responses, less: some answers come before their responses); returns the rest of each
    table, to be added later as new files."""
    rest = {}
    for name in FACTS:
        table = pq.read_table(folder / f"{name}.parquet")
        (folder / f"{name}.parquet").unlink()
        (folder / name).mkdir()
        cut = int(table.num_rows * share * (0.8 if name == "responses" else 1.0))
        pq.write_table(table.slice(0, cut), folder / name / "part-0.parquet")
        rest[name] = table.slice(cut)
    return rest


def _suite_on(folder: Path, *, rollups: bool) -> dict[str, Any]:
    con = parquet_connection(folder, threads=1, rollups=rollups)
    try:
        requests = [{"period": "month"}, {"period": "week", "by": ["channel"]}, {"by": ["survey"]}]
        out = {}
        for i, request in enumerate(requests):
            names = [
                n
                for n in SUITE
                if not (request.get("by") == ["survey"] and n not in READS["answer_days"])
            ]
            for name, result in m.compute_suite(
                [m.MetricRequest(n, min_n=1, **request) for n in names], con
            ).items():
                out[name, i] = result.records()
        return out
    finally:
        con.disconnect()


@pytest.mark.parametrize("share", [0.5, 0.9])
def test_added_files_are_rolled_up_alone_and_give_the_same_numbers(folder, share) -> None:
    rest = _as_folders(folder, share)
    old_answers = pq.read_table(folder / "answers" / "part-0.parquet")["response_id"].to_pylist()
    assert set(old_answers) & set(rest["responses"]["id"].to_pylist())  # the join's new rows
    _refresh(folder)
    (order_days,) = _files(folder, "order_days")
    untouched = order_days.stat().st_mtime_ns
    for name, table in rest.items():
        pq.write_table(table, folder / name / "part-1.parquet")
    by_name = {s.name: s for s in _refresh(folder)}
    assert all(s.fresh for s in by_name.values())
    for name in ("interaction_days", "answer_days", "invitation_days"):
        assert by_name[name].parts == 2 and (by_name[name].how or "").startswith("appended")
    assert by_name["order_days"].parts == 1 and order_days.stat().st_mtime_ns == untouched
    want = _suite_on(folder, rollups=False)
    assert_same(_suite_on(folder, rollups=True), want)
    rebuilt = {s.name: s for s in _refresh(folder, full=True)}
    assert {s.parts for s in rebuilt.values()} == {1}
    assert_same(_suite_on(folder, rollups=True), want)
    files = sorted((folder / "_rollups").glob("*.parquet"))  # the old parts are gone
    assert files == sorted(f for n in ROLLUPS for f in _files(folder, n))
    assert len(files) == len(ROLLUPS)


def test_a_rewritten_fact_file_or_a_changed_dimension_rebuilds(folder) -> None:
    rest = _as_folders(folder, 0.8)
    _refresh(folder)
    part = folder / "interactions" / "part-0.parquet"
    pq.write_table(pq.read_table(part).slice(1), part)  # a row removed: not an append
    pq.write_table(rest["answers"], folder / "answers" / "part-1.parquet")
    surveys = pq.read_table(folder / "surveys.parquet")
    pq.write_table(surveys, folder / "surveys.parquet")  # a dimension rewritten (same rows)
    by_name = {s.name: s for s in _refresh(folder)}
    assert by_name["interaction_days"].how == "rebuilt"
    assert by_name["answer_days"].how == "rebuilt" and by_name["invitation_days"].how == "rebuilt"
    assert {s.parts for s in by_name.values()} == {1}
    assert_same(_suite_on(folder, rollups=True), _suite_on(folder, rollups=False))


def test_many_parts_are_folded_into_one(folder, monkeypatch) -> None:
    monkeypatch.setattr(warehouse, "MAX_PARTS", 2)
    rest = _as_folders(folder, 0.7)
    table = rest["interactions"]
    _refresh(folder)
    half = table.num_rows // 2
    for k, piece in enumerate((table.slice(0, half), table.slice(half)), start=1):
        pq.write_table(piece, folder / "interactions" / f"part-{k}.parquet")
        state = {s.name: s for s in _refresh(folder)}["interaction_days"]
        want = (2, "appended") if k == 1 else (1, "rebuilt")
        assert (state.parts, (state.how or "")[:8]) == want
    assert_same(_suite_on(folder, rollups=True), _suite_on(folder, rollups=False))


def test_a_rebuild_never_reuses_a_file_name_an_older_manifest_listed(folder) -> None:
    """A reader holding the old list of files reads the old generation (or fails on a file
    that is gone), never the new base with an old increment."""
    _refresh(folder)
    before = {f for n in ROLLUPS for f in _files(folder, n)}
    _refresh(folder, full=True)
    after = {f for n in ROLLUPS for f in _files(folder, n)}
    assert not before & after and all(f.exists() for f in after)
    assert not any(f.exists() for f in before)


def test_files_and_states_come_from_one_reading_of_the_manifest(folder, monkeypatch) -> None:
    """A refresh may publish between two readings; fresh_paths must read the manifest once."""
    _refresh(folder)
    doc = json.loads((folder / "_rollups" / "manifest.json").read_text())
    readings = iter([None, doc])  # removed by a refresh that starts, then published again
    monkeypatch.setattr(warehouse, "_manifest", lambda _folder: next(readings))
    assert warehouse.fresh_paths(folder) == {}


def test_a_failed_write_leaves_no_temporary_file(folder, monkeypatch) -> None:
    con = parquet_connection(folder, threads=1, rollups=False)

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(con, "to_parquet", disk_full)
    try:
        with pytest.raises(OSError, match="No space left"):
            warehouse.refresh(con, folder)
    finally:
        con.disconnect()
    assert not list((folder / "_rollups").glob("*.tmp"))
    assert {s.state for s in warehouse.states(folder)} == {"missing"}


def _orders_as_folders(folder: Path, share: float) -> dict[str, pa.Table]:
    """Orders, their lines and products as folders whose part-0 holds the first ``share`` of
    the orders (by id), their lines and every product; returns the rest of the orders and
    lines, and a new product that the first of those lines now names."""
    orders = pq.read_table(folder / "orders.parquet")
    lines = pq.read_table(folder / "order_lines.parquet")
    products = pq.read_table(folder / "products.parquet")
    early = set(sorted(orders["id"].to_pylist())[: int(orders.num_rows * share)])
    rest = {}
    for name, table, key in (("orders", orders, "id"), ("order_lines", lines, "order_id")):
        old = pa.array([o in early for o in table[key].to_pylist()])
        (folder / f"{name}.parquet").unlink()
        (folder / name).mkdir()
        pq.write_table(table.filter(old), folder / name / "part-0.parquet")
        rest[name] = table.filter(pa.compute.invert(old))
    (folder / "products.parquet").unlink()
    (folder / "products").mkdir()
    pq.write_table(products, folder / "products" / "part-0.parquet")
    new = products.slice(0, 1).to_pylist()[0] | {"id": "p-new", "external_id": "SKU-NEW"}
    rest["products"] = pa.Table.from_pylist([new], products.schema)
    added = rest["order_lines"].to_pylist()
    added[0] |= {"product_id": "p-new", "sku": "SKU-NEW"}
    rest["order_lines"] = pa.Table.from_pylist(added, lines.schema)
    return rest


def test_new_orders_with_their_lines_are_appended_to_the_order_days(folder) -> None:
    rest = _orders_as_folders(folder, 0.6)
    assert rest["orders"].num_rows and rest["order_lines"].num_rows and rest["products"].num_rows
    _refresh(folder)
    for name, table in rest.items():
        pq.write_table(table, folder / name / "part-1.parquet")
    state = {s.name: s for s in _refresh(folder)}["order_days"]
    assert state.fresh and state.parts == 2 and (state.how or "").startswith("appended"), state
    assert_same(_suite_on(folder, rollups=True), _suite_on(folder, rollups=False))


@pytest.mark.parametrize("added", ["a line of an earlier order", "an earlier order's row again"])
def test_rows_that_join_earlier_ones_rebuild_the_order_days(folder, added) -> None:
    rest = _orders_as_folders(folder, 0.6)
    _refresh(folder)
    old_lines = pq.read_table(folder / "order_lines" / "part-0.parquet")
    if added == "a line of an earlier order":  # a return arriving after its order
        line = old_lines.slice(0, 1).to_pylist()[0]
        line |= {"id": "late-return", "line_no": 999, "quantity": -1, "returns_line_id": line["id"]}
        new_lines = pa.concat_tables(
            [rest["order_lines"], pa.Table.from_pylist([line], rest["order_lines"].schema)]
        )
        pq.write_table(new_lines, folder / "order_lines" / "part-1.parquet")
        pq.write_table(rest["orders"], folder / "orders" / "part-1.parquet")
        why = "added order_lines rows reference earlier orders"
    else:  # an order exported again (say, with a new status): its earlier lines join it
        again = pq.read_table(folder / "orders" / "part-0.parquet").slice(0, 1)
        pq.write_table(again, folder / "orders" / "part-1.parquet")
        why = "earlier order_lines rows reference added orders"
    state = {s.name: s for s in _refresh(folder)}["order_days"]
    assert state.fresh and state.parts == 1 and state.how == f"rebuilt ({why} by order_id)"
    assert_same(_suite_on(folder, rollups=True), _suite_on(folder, rollups=False))
