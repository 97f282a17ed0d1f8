"""``opencx doctor``: checks the configuration and says what to fix.

Each check is ``ok``, ``warn`` (works, but not for production) or ``FAIL`` (does not work, or is
refused in production); the command exits 1 when any check fails.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opencx.ops.health import current_revisions, migration_heads
from opencx.settings import Settings


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # ok, warn, FAIL
    name: str
    detail: str


def diagnose(settings: Settings, services: Any, now: datetime) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    return [
        *_settings(settings),
        *_database(services, now),
        _smtp(settings),
        *_warehouse(settings, services),
    ]


def _settings(settings: Settings) -> Iterator[Finding]:
    problems = settings.unsafe_for_production()
    level = "FAIL" if settings.production else "warn"
    for problem in problems:
        yield Finding(level, "production", problem)
    if not problems:
        yield Finding("ok", "production", "secret key, HTTPS cookies and base URL are set")
    yield Finding("ok", "environment", f"OPENCX_ENV={settings.env}")


def _database(services: Any, now: datetime) -> Iterator[Finding]:
    from opencx.jobs.store import last_heartbeat

    engine = services.engine
    try:
        with engine.connect() as conn:
            current, seen = current_revisions(conn), last_heartbeat(conn)
    except Exception as exc:  # reported, with the fix
        yield Finding(
            "FAIL",
            "database",
            f"cannot connect to {engine.url!r}: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0]}; check "
            "OPENCX_DATABASE_URL",
        )
        return
    yield Finding("ok", "database", f"{engine.dialect.name} at {engine.url!r}")
    heads = migration_heads()
    if current == heads:
        yield Finding("ok", "migrations", f"at the latest ({', '.join(sorted(heads))})")
    else:
        at = ", ".join(sorted(current)) or "no schema"
        yield Finding(
            "FAIL",
            "migrations",
            f"at {at}, code expects {', '.join(sorted(heads))}: run 'opencx init'",
        )
    if seen is None or now - seen > timedelta(minutes=2):
        yield Finding(
            "warn",
            "worker",
            "no worker seen in the last 2 minutes: start "
            "'opencx worker' (emails, alerts and periodic jobs wait for it)",
        )
    else:
        yield Finding("ok", "worker", f"seen {(now - seen).total_seconds():.0f} s ago")


def _smtp(settings: Settings) -> Finding:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=5) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        return Finding(
            "FAIL",
            "smtp",
            f"{where}: {type(exc).__name__}: {exc}; set "
            "OPENCX_SMTP_HOST / _PORT / _STARTTLS / _USERNAME / _PASSWORD",
        )
    tls = " with STARTTLS" if settings.smtp_starttls else ""
    login = " (login accepted)" if settings.smtp_username else ""
    return Finding("ok", "smtp", f"{where} answers{tls}{login}")


def _warehouse(settings: Settings, services: Any) -> Iterator[Finding]:
    if not settings.warehouse_url:
        yield Finding("ok", "warehouse", "none: metrics read the operational database")
        return
    try:
        with services.metrics.tables() as con:
            names = con.list_tables()
    except Exception as exc:  # reported, with the fix
        yield Finding(
            "FAIL",
            "warehouse",
            f"{settings.warehouse_url}: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}; check "
            "OPENCX_WAREHOUSE_URL",
        )
        return
    yield Finding("ok", "warehouse", f"{settings.warehouse_url}: {len(names)} tables")
