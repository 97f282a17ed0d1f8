"""``opencx serve``: uvicorn with N processes, forwarded headers only from trusted proxies.

With ``--workers`` above 1 each process builds the app from the environment (``OPENCX_*``), and
Prometheus request metrics are shared through files in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh
temporary folder unless you set one), so ``/ops/metrics`` on any process reports them all.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import typer

from opencx.settings import Settings, UnsafeSettings, check_production


def uvicorn_options(settings: Settings, *, host: str, port: int) -> dict[str, Any]:
    """How every server process listens: X-Forwarded-For/-Proto believed only from the
    addresses in ``OPENCX_TRUSTED_PROXIES``, our JSON log lines instead of uvicorn's."""
    return {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
        "log_config": None,
        "access_log": False,  # one access line per request comes from the app
        # chat frames are a few hundred bytes: compressing each one cost the live chat about a
        # tenth of its CPU (py-spy, bench/service.py) and saved next to nothing on the wire
        "ws_per_message_deflate": False,
    }


def run_server(
    settings: Settings, *, host: str, port: int, reload: bool = False, workers: int = 1
) -> None:
    """Serve until stopped; refuse unsafe production settings first (exit status 2)."""
    import uvicorn

    from opencx.ops.logs import configure_logging

    try:
        check_production(settings)
    except UnsafeSettings as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"OpenCX on http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs)")
    if not settings.production and settings.unsafe_for_production():
        typer.echo("warning: not ready for production (see 'opencx doctor')", err=True)
    sys.stdout.flush()
    configure_logging(settings)
    common = uvicorn_options(settings, host=host, port=port)
    if reload or workers > 1:
        if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="opencx-prom-")
        source = str(Path(__file__).resolve().parents[1])  # watch the code, not the working dir
        extra = {"reload": True, "reload_dirs": [source]} if reload else {"workers": workers}
        uvicorn.run("opencx.app:create_app_from_env", factory=True, **common, **extra)
        return
    from opencx.app import create_app

    uvicorn.run(create_app(settings), **common)
