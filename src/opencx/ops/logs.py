"""Structured logs: one JSON object per line, with the request id of the request being served.

``configure_logging(settings)`` is called once by each entry point (``serve``, ``worker``).
Every line carries ``ts``, ``level``, ``logger``, ``msg`` and, inside a request,
``request_id`` and (once the credentials were checked) ``principal``: ``user:<id>`` or
``api_key:<id>``. The access line adds method, route template, status and duration. No name,
email address or query string is logged; an email address that reaches a message anyway (an
SMTP error quoting a recipient) is masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import MutableMapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("opencx_request_id", default=None)
Scope = MutableMapping[str, Any]
request_scope_var: ContextVar[Scope | None] = ContextVar("opencx_scope", default=None)


def current_principal() -> str | None:
    """``user:<id>`` or ``api_key:<id>`` once the request's credentials were checked, else None.

    Read from the request's ASGI scope at the moment a line is written, so every line after
    authentication carries it (the auth dependency keeps the principal in ``request.state``).
    """
    scope = request_scope_var.get()
    state: Any = (scope or {}).get("state") or {}
    found = state.get("principal") if isinstance(state, dict) else None
    kind, ident = getattr(found, "kind", None), getattr(found, "id", None)
    return f"{kind}:{ident}" if kind and ident else None


_EMAIL = re.compile(r"[^\s<>\"'@,;:()]+@[^\s<>\"'@,;:()]+\.[A-Za-z]{2,}")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def mask_personal(text: str) -> str:
    """Replace email addresses with ``<email>``."""
    return _EMAIL.sub("<email>", text)


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; ``extra={...}`` fields are kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": mask_personal(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            line["request_id"] = request_id
            principal = current_principal()
            if principal:
                line["principal"] = principal
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["error"] = mask_personal(self.formatException(record.exc_info))
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = mask_personal(super().format(record))
        request_id = request_id_var.get()
        return f"{text} [request {request_id}]" if request_id else text


def configure_logging(settings: Any) -> None:
    """Route the root logger to stderr in the configured format (``OPENCX_LOG_FORMAT``)."""
    handler = logging.StreamHandler(sys.stderr)
    fmt = getattr(settings, "log_format", "json")
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_opencx", False):
            root.removeHandler(old)
    handler._opencx = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(getattr(settings, "log_level", "INFO").upper())
    # no line shows where it was logged from, nor the thread or process: a record need not
    # walk the stack or look them up (one access line per request; the logging HOWTO's
    # "Optimization")
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.getLogger("alembic").setLevel(logging.WARNING)  # /readyz asks it on every call
