"""The OpenAPI document says what the API really answers: every error status an API route can
give, each with its real media type.

Domain errors and HTTP errors are RFC 9457 problems (``application/problem+json``, see
:mod:`opencx.web.errors`); a request that fails FastAPI's own validation keeps FastAPI's JSON
``detail`` list (``application/json``). FastAPI documents only the second, so a client (or
Schemathesis, ``tests/web/test_openapi_fuzz.py``) would meet undeclared statuses and media types.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {},
    },
    "required": ["title", "status", "detail"],
}
# status → what it means on every API route (auth on every route, domain errors from services)
ERRORS = {
    "400": "Bad request",
    "401": "No or unknown credentials",
    "403": "The key or role lacks the route's scope",
    "404": "Not found",
    "409": "Conflict with the current state (or a request with this Idempotency-Key is running)",
    "422": "Invalid input: one line per field and rule broken",
}
METHODS = ("get", "put", "post", "delete", "patch")


def declare_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses to every ``/api`` operation of ``document`` (in place)."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/") and path != "/api":
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                response = responses.setdefault(status, {"description": description})
                response.setdefault("content", {})[PROBLEM] = ref
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_errors(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
