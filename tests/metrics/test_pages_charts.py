"""The metric pages draw each metric the way it reads: a cohort triangle, stacked channel shares,
lines whose bands take their colour, sparklines with their range; numbers in words and units."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings

from .conftest import load_sql
from .test_edges import _log_in


@pytest.fixture
def client(sqlite_engine: Engine, canonical_rows, clock: FixedClock) -> Iterator[TestClient]:
    load_sql(sqlite_engine, canonical_rows)
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="test-secret")
    services: Services = build(settings, clock=clock, engine=sqlite_engine)
    with TestClient(create_app(settings, services=services)) as c:
        _log_in(c, services)
        yield c


def figures(html: str) -> dict[str, dict[str, Any]]:
    """Every Plotly figure embedded in a page, by its div id."""
    found = re.findall(
        r'<div class="chart" id="([^"]+)"[^>]*></div>'
        r"<script>\(function\(\)\{var f=(\{.*?\});function draw",
        html,
    )
    return {div: json.loads(spec) for div, spec in found}


def test_cohort_retention_is_a_heat_map_triangle_with_its_numbers_paged(client) -> None:
    page = client.get("/metrics/cohort_retention")
    assert page.status_code == 200
    fig = figures(page.text)["trend"]
    heat = fig["data"][0]
    assert heat["type"] == "heatmap" and fig["layout"]["yaxis"]["autorange"] == "reversed"
    rows = heat["z"]
    assert len(rows) > 3 and all(len(r) == len(heat["x"]) for r in rows)
    # a triangle: each later cohort has fewer observed ages than the first
    filled = [sum(v is not None for v in r) for r in rows]
    assert filled[0] >= filled[-1] and filled[-1] < len(heat["x"])
    assert "0" not in heat["x"]  # age 0 is 100% by definition: left out of the colours
    assert re.search(r"\(n=\d+\)", heat["y"][0])
    assert '<details class="numbers"' in page.text and 'data-page-size="25"' in page.text


def test_channel_mix_is_stacked_shares_per_period(client) -> None:
    page = client.get("/metrics/channel_mix?period=quarter")
    fig = figures(page.text)["trend"]
    assert fig["layout"]["barmode"] == "stack"
    names = [t["name"] for t in fig["data"]]
    assert set(names) == {"web", "app", "email", "chat"} and "all" not in names
    periods = fig["data"][0]["x"]
    for i in range(len(periods)):
        assert sum(t["y"][i] for t in fig["data"]) == pytest.approx(100.0, abs=0.01)


def test_each_series_band_takes_its_line_colour(client) -> None:
    page = client.get("/metrics/average_order_value?by=channel&period=quarter").text
    fig = figures(page)["trend"]
    lines = {t["legendgroup"]: t for t in fig["data"] if t.get("mode") == "lines+markers"}
    bands = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(lines) > 1 and len(bands) > 1
    for band in bands:
        line = lines[band["legendgroup"]]
        rgb = re.fullmatch(r"rgb\((\d+,\d+,\d+)\)", line["line"]["color"])
        assert rgb and band["fillcolor"].startswith(f"rgba({rgb.group(1)},")
        # a closed shape per run of periods: out along the upper bound, back along the lower
        first_shape = band["x"][: (band["x"] + [None]).index(None)]
        assert first_shape == first_shape[::-1] or first_shape[0] == first_shape[-1]
    assert len({line["line"]["color"] for line in lines.values()}) == len(lines)


def test_money_reads_in_the_datas_currency_and_changes_say_against_what(client) -> None:
    page = client.get("/metrics/average_order_value?period=quarter").text
    assert "Value (EUR)" in page and "(currency)" not in page
    change = re.search(r'<span class="change (good|bad|neutral)"[^>]*>([▲▼→]) ([^<]+)</span>', page)
    assert change and re.search(r"EUR vs \d{4}-Q\d$", change.group(3))


def test_churn_says_where_its_window_is_still_warming_up(client) -> None:
    page = client.get("/metrics/churn_rate?period=month").text
    assert 'id="warming-note"' in page and "180-day window" in page
    assert "window warming up" in page


def test_the_filter_form_is_styled_and_keeps_the_active_filter(client) -> None:
    page = client.get("/metrics/nps?filter=country%3DNL&period=quarter").text
    form = re.search(
        r'<form method="get" class="filters" id="metric-filters">(.*?)</form>', page, re.S
    )
    assert form and 'class="btn primary"' in form.group(1)
    assert 'name="filter" value="country=NL"' in form.group(1) and 'id="active-filter"' in page


def test_tiles_show_sparklines_with_their_range_and_scale(client) -> None:
    page = client.get("/metrics?period=month").text
    lines = [f for f in figures(page).values() if f["layout"].get("xaxis", {}).get("tickvals")]
    assert lines
    for fig in lines:
        first, last = fig["layout"]["xaxis"]["ticktext"]
        assert re.fullmatch(r"\d{4}-\d\d", first) and first < last
        scale = fig["layout"]["yaxis"]["ticktext"]
        assert all("e" not in t for t in scale)
    assert "currency" not in re.sub(r"<[^>]+>", " ", page).split("All metrics")[0]
