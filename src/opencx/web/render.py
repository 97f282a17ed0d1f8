"""Server-rendered pages: one Jinja2 environment (autoescape on) over every slice's templates.

``render(request, "customers/list.html", customers=rows)`` renders a template that extends
``base.html`` and returns the HTML response. Templates are looked up in
``src/opencx/web/templates`` first, then in each ``src/opencx/<slice>/templates`` folder, so a
slice keeps its templates under ``templates/<slice>/``. Every value from data is escaped by
Jinja's autoescaping; nothing in OpenCX marks data as safe.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from opencx.web import formatting
from opencx.web.auth import csrf_token_for, current_user
from opencx.web.layout import NAV, active_href, icon_svg
from opencx.web.session import CSRF_COOKIE, CSRF_FIELD, PRE_LOGIN_SECONDS

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/opencx
WEB_TEMPLATES = Path(__file__).resolve().parent / "templates"
PLOTLY_URL = "/static/plotly.min.js"
_DIV_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def template_dirs() -> list[Path]:
    """The loader's search path: web's templates, then every slice's ``templates`` folder."""
    slices = sorted(p for p in PACKAGE_ROOT.glob("*/templates") if p.is_dir())
    return [WEB_TEMPLATES, *(p for p in slices if p != WEB_TEMPLATES)]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in template_dirs()]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_when
    env.filters["day"] = format_day
    env.filters["number"] = formatting.number
    env.filters["readable"] = formatting.readable
    env.filters["percent"] = formatting.percent
    env.filters["money"] = formatting.money
    env.filters["label"] = formatting.label
    env.globals["change_text"] = formatting.change_text
    env.globals["unit_text"] = formatting.unit_text
    env.globals["plotly_figure"] = plotly_figure
    env.globals["nav"] = NAV
    env.globals["icon"] = icon
    return env


def render(
    request: Request,
    template: str,
    /,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` inside the page shell and return the response.

    The template sees ``request``, ``user`` (the logged-in :class:`Principal` or None),
    ``active_nav``, ``csrf_token`` and ``csrf_field`` (the hidden input for POST forms), plus
    ``context``.
    """
    token = csrf_token_for(request)
    values: dict[str, Any] = {
        "request": request,
        "user": current_user(request),
        "active_nav": active_href(request.url.path),
        "csrf_token": token,
        "csrf_field": Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FIELD, token
        ),
        **context,
    }
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers.setdefault("Cache-Control", "no-store")
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        response.set_cookie(
            CSRF_COOKIE, nonce, max_age=PRE_LOGIN_SECONDS, httponly=True, samesite="lax", path="/"
        )
    return response


def icon(name: str, label: str | None = None) -> Markup:
    """``{{ icon("cart") }}``: an inline SVG icon (see opencx.web.layout.ICON_SHAPES)."""
    return Markup(icon_svg(str(Markup.escape(name)), str(Markup.escape(label)) if label else None))


def plotly_figure(figure: Any, *, div_id: str | None = None, height: int = 380) -> Markup:
    """Embed a Plotly figure: a ``<div>`` and a script that draws it with the local plotly.js.

    ``figure`` is a ``plotly.graph_objects.Figure``, a dict with ``data`` and ``layout``, or its
    JSON text. plotly.js (served at ``/static/plotly.min.js`` from the plotly wheel) is loaded
    once, on the first page that shows a chart, so pages without charts stay light.
    """
    if div_id is None:
        div_id = f"chart-{secrets.token_hex(4)}"
    elif not _DIV_ID.match(div_id):
        raise ValueError(f"div_id {div_id!r}: letters, digits, '-' and '_' only")
    spec = _figure_json(figure)
    script = (
        "(function(){var f="
        + spec
        + ";function draw(){Plotly.newPlot("
        + json.dumps(div_id)
        + ",f.data||[],f.layout||{},{responsive:true,displaylogo:false});}"
        "if(window.Plotly){draw();return;}"
        "var s=document.getElementById('plotly-js');"
        "if(!s){s=document.createElement('script');s.id='plotly-js';"
        "s.src=" + json.dumps(PLOTLY_URL) + ";document.head.appendChild(s);}"
        "s.addEventListener('load',draw);})();"
    )
    return Markup(
        '<div class="chart" id="{}" style="height:{}px"></div><script>{}</script>'
    ).format(div_id, int(height), Markup(script))


def _figure_json(figure: Any) -> str:
    if hasattr(figure, "to_json"):
        text = str(figure.to_json())
    elif isinstance(figure, str):
        json.loads(figure)  # refuse what is not JSON before it reaches a <script>
        text = figure
    else:
        from plotly.utils import PlotlyJSONEncoder

        text = json.dumps(figure, cls=PlotlyJSONEncoder)
    # inside <script>, "</script>" or "<!--" in a label must not end or bend the element
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def format_when(value: datetime | None) -> str:
    """``2026-01-15 12:00 UTC`` (empty for None)."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def format_day(value: date | datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")
