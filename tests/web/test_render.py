"""The Jinja environment, Plotly embedding and plotly.js served from the wheel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.web.pages import plotly_js_path
from opencx.web.render import WEB_TEMPLATES, environment, plotly_figure, template_dirs


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    return sqlite_engine


def test_loader_searches_web_then_every_slice() -> None:
    dirs = template_dirs()
    assert dirs[0] == WEB_TEMPLATES
    assert Path(__file__).resolve().parents[2] / "src/opencx/ingest/templates" in dirs
    assert environment().get_template("ingest/overview.html") is not None


def test_autoescape_is_on() -> None:
    html = environment().from_string("<p>{{ name }}</p>").render(name="<script>alert(1)</script>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_figure_embeds_a_div_and_a_script_that_cannot_be_broken_out_of() -> None:
    fig = go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[3]))
    html = str(plotly_figure(fig, div_id="nps-trend"))
    assert html.startswith('<div class="chart" id="nps-trend"')
    assert html.count("</script>") == 1 and "<script>alert" not in html
    spec = re.search(r"var f=(\{.*?\});function draw", html)
    assert spec is not None
    data = json.loads(spec.group(1))
    assert data["data"][0]["x"] == ["</script><script>alert(1)</script>"]
    assert "/static/plotly.min.js" in html


def test_figure_from_dict_and_json() -> None:
    as_dict = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {}}
    assert "Plotly.newPlot" in plotly_figure(as_dict)
    assert "Plotly.newPlot" in plotly_figure(json.dumps(as_dict))
    with pytest.raises(ValueError):
        plotly_figure("not json")
    with pytest.raises(ValueError, match="div_id"):
        plotly_figure(as_dict, div_id='x" onload="alert(1)')


def test_plotly_js_is_served_offline_from_the_wheel(client: TestClient) -> None:
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.content == plotly_js_path().read_bytes()
    assert client.get("/static/opencx.css").status_code == 200


def test_number_and_time_filters() -> None:
    env = environment()
    assert env.from_string("{{ 1234567 | number }}").render() == "1\u2009234\u2009567"
    assert env.from_string("{{ 2.5 | number(1) }}").render() == "2.5"
    assert env.from_string("{{ none | when }}").render() == ""


def test_icons_are_inline_svg_and_escape_their_label() -> None:
    from opencx.web.render import icon

    cart = str(icon("cart"))
    assert cart.startswith("<svg") and 'aria-hidden="true"' in cart and "icon-cart" in cart
    labelled = str(icon("check", 'in "reach" <b>'))
    assert 'aria-label="in &#34;reach&#34; &lt;b&gt;"' in labelled
    assert "<circle" in str(icon("no-such-icon"))


EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def test_no_template_uses_emoji_for_icons() -> None:
    """Emoji need a font the user may not have; templates use icon(...) instead."""
    src = Path(__file__).resolve().parents[2] / "src" / "opencx"
    found = [
        f"{path.relative_to(src)}:{n}"
        for path in sorted(src.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EMOJI.search(line)
    ]
    assert found == []
