"""Chart figures every page draws the same way: Plotly figure dicts from plain values.

Each function takes labels and numbers (no metric or model types) and returns a figure dict for
:func:`opencx.web.render.plotly_figure`: a trend with each series' interval band in its line's
colour, stacked shares per period, a cohort heat-map triangle, a sparkline that shows its date
range and scale, and a predicted-versus-actual comparison. Colours come from one palette so a
series keeps its colour from chart to chart on a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opencx.web.formatting import readable

__all__ = [
    "PALETTE",
    "Series",
    "cohort_triangle",
    "colour",
    "predicted_vs_actual",
    "sparkline",
    "stacked_shares",
    "trend",
]

PALETTE = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)
"""Plotly's default ten colours (the order series get them)."""

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}
Value = float | None
PERIOD_AXIS = {"type": "category", "categoryorder": "category ascending", "automargin": True}
"""Period labels (2026-03, 2026-Q1, 2026-W09, 2026) sort as text; a series that starts later
must not reorder the axis."""


def colour(i: int, alpha: float = 1.0) -> str:
    """The ``i``-th palette colour as CSS (``rgba(...)`` when ``alpha`` < 1)."""
    r, g, b = PALETTE[i % len(PALETTE)]
    return f"rgb({r},{g},{b})" if alpha >= 1 else f"rgba({r},{g},{b},{alpha:g})"


@dataclass(frozen=True, slots=True)
class Series:
    """One line: its name, x labels, values and (optionally) its 95% interval."""

    name: str
    x: Sequence[Any]
    y: Sequence[Value]
    lower: Sequence[Value] = field(default_factory=tuple)
    upper: Sequence[Value] = field(default_factory=tuple)


def _layout(title: str | None = None, **more: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {"font": FONT, "margin": {"t": 40 if title else 10, "r": 10}}
    if title:
        layout["title"] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}}
    layout.update(more)
    return layout


def _band(
    x: Sequence[Any], lower: Sequence[Value], upper: Sequence[Value]
) -> tuple[list[Any], list[Value]]:
    """The interval as closed shapes, one per run of periods with a value (a gap in the data
    is a gap in the band, not a wedge drawn across it); ``None`` separates the shapes."""
    runs: list[list[int]] = [[]]
    for i, (lo, hi) in enumerate(zip(lower, upper, strict=True)):
        if lo is None or hi is None:
            runs.append([])
        else:
            runs[-1].append(i)
    bx: list[Any] = []
    by: list[Value] = []
    for run in (r for r in runs if r):
        if bx:
            bx.append(None)
            by.append(None)
        bx += [x[i] for i in run] + [x[i] for i in reversed(run)]
        by += [upper[i] for i in run] + [lower[i] for i in reversed(run)]
    return bx, by


def trend(series: Sequence[Series], *, title: str, unit: str) -> dict[str, Any]:
    """Lines with markers; each series' 95% band is filled in its own colour, lighter."""
    data: list[dict[str, Any]] = []
    for i, s in enumerate(series):
        group = f"s{i}"
        bx, by = _band(s.x, s.lower, s.upper) if s.lower and s.upper else ([], [])
        if bx:
            data.append(
                {
                    "type": "scatter",
                    "x": bx,
                    "y": by,
                    "mode": "lines",
                    "line": {"width": 0},
                    "fill": "toself",
                    "fillcolor": colour(i, 0.16),
                    "showlegend": False,
                    "hoverinfo": "skip",
                    "legendgroup": group,
                }
            )
        data.append(
            {
                "type": "scatter",
                "x": list(s.x),
                "y": list(s.y),
                "mode": "lines+markers",
                "name": s.name,
                "legendgroup": group,
                "line": {"color": colour(i), "width": 2},
                "marker": {"color": colour(i), "size": 5},
                "hovertemplate": f"%{{x}}: %{{y:.1f}} {unit}<extra>{s.name}</extra>",
            }
        )
    layout = _layout(
        title,
        xaxis=PERIOD_AXIS,
        yaxis={"title": {"text": unit}, "zeroline": False},
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified" if len(series) > 1 else "closest",
        showlegend=len(series) > 1,
    )
    return {"data": data, "layout": layout}


def stacked_shares(
    periods: Sequence[str], shares: Mapping[str, Sequence[Value]], *, title: str
) -> dict[str, Any]:
    """One stacked bar per period, a segment per category, each bar summing to 100%."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": list(periods),
            "y": [0.0 if v is None else v for v in values],
            "marker": {"color": colour(i)},
            "hovertemplate": f"%{{x}} · {name}: %{{y:.1f}}%<extra></extra>",
        }
        for i, (name, values) in enumerate(shares.items())
    ]
    layout = _layout(
        title,
        barmode="stack",
        xaxis=PERIOD_AXIS,
        bargap=0.15,
        yaxis={"title": {"text": "% of the period's total"}, "range": [0, 100], "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
    )
    return {"data": data, "layout": layout}


def cohort_triangle(
    cohorts: Sequence[str],
    ages: Sequence[int],
    values: Sequence[Sequence[Value]],
    sizes: Sequence[int],
    *,
    title: str,
    age_unit: str = "month",
) -> dict[str, Any]:
    """A heat-map triangle: a row per cohort (oldest on top), a column per age, the share in
    each cell. Age 0 (100% by definition) is left out so the colours spread over later ages;
    each row's label carries the cohort's size."""
    keep = [j for j, a in enumerate(ages) if a > 0] or list(range(len(ages)))
    ages = [ages[j] for j in keep]
    values = [[row[j] for j in keep] for row in values]
    later = [v for row in values for v in row if v is not None]
    top = max(later) if later else 100.0
    rows = [f"{c} (n={n})" for c, n in zip(cohorts, sizes, strict=True)]
    text = [["" if v is None else f"{v:.0f}" for v in row] for row in values]
    data = [
        {
            "type": "heatmap",
            "z": [list(r) for r in values],
            "x": [str(a) for a in ages],
            "y": rows,
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 10},
            "colorscale": [[0, "#f4f8fc"], [0.5, "#6aaed6"], [1, "#08306b"]],
            "zmin": 0,
            "zmax": top,
            "hoverongaps": False,
            "xgap": 1,
            "ygap": 1,
            "colorbar": {"title": {"text": "%"}, "ticksuffix": "%"},
            "hovertemplate": f"cohort %{{y}}<br>{age_unit} %{{x}}: %{{z:.1f}}%<extra></extra>",
        }
    ]
    layout = _layout(
        None,
        xaxis={"title": {"text": title}, "side": "top", "dtick": 1},
        yaxis={"autorange": "reversed", "title": {"text": "first-purchase cohort"}},
        margin={"t": 70, "l": 130, "r": 10},
        height=max(320, 26 * len(cohorts) + 140),
    )
    return {"data": data, "layout": layout}


def sparkline(x: Sequence[str], y: Sequence[Value], *, unit: str = "") -> dict[str, Any]:
    """A small line that says its range: first and last label below, lowest and highest value
    on the right, the last point marked."""
    valued = [(a, b) for a, b in zip(x, y, strict=True) if b is not None]
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": list(x),
        "y": list(y),
        "line": {"width": 2, "color": colour(0)},
        "hovertemplate": f"%{{x}}: %{{y:.1f}} {unit}<extra></extra>",
    }
    data: list[dict[str, Any]] = [line]
    yaxis: dict[str, Any] = {"visible": False, "fixedrange": True}
    if valued:
        last_x, last_y = valued[-1]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [last_x],
                "y": [last_y],
                "marker": {"color": colour(0), "size": 6},
                "hoverinfo": "skip",
            }
        )
        low, high = min(v for _, v in valued), max(v for _, v in valued)
        ticks = [low, high] if high > low else [low]
        yaxis = {
            "side": "right",
            "tickvals": ticks,
            "ticktext": [readable(t) for t in ticks],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "tickfont": {"size": 10, "color": "#667085"},
        }
    ends = [x[0], x[-1]] if len(x) > 1 else list(x)
    xaxis = {
        "tickvals": ends,
        "ticktext": [str(e) for e in ends],
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
        "tickfont": {"size": 10, "color": "#667085"},
        "type": "category",
    }
    layout = {
        "margin": {"l": 26, "r": 40, "t": 4, "b": 20},
        "showlegend": False,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return {"data": data, "layout": layout}


def predicted_vs_actual(
    groups: Sequence[str],
    actual: Sequence[float],
    predicted: Sequence[float],
    *,
    title: str,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """Actual (bars) against the model's prediction (line with markers) per group."""
    data = [
        {
            "type": "bar",
            "name": "actual",
            "x": list(groups),
            "y": list(actual),
            "marker": {"color": colour(0, 0.55)},
            "hovertemplate": "%{x}: actual %{y:.2f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "predicted by the model",
            "x": list(groups),
            "y": list(predicted),
            "line": {"color": colour(1), "width": 2},
            "marker": {"color": colour(1), "size": 7},
            "hovertemplate": "%{x}: predicted %{y:.2f}<extra></extra>",
        },
    ]
    layout = _layout(
        title,
        xaxis={"title": {"text": x_title}, "type": "category"},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
    )
    return {"data": data, "layout": layout}
