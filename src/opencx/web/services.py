"""How pages and routes reach the services: :func:`provide` makes one typed FastAPI dependency.

Each slice declares its dependency once, beside its edges (``deps.py``, as in the FastAPI
full-stack template)::

    MetricsServiceDep = Annotated[MetricsService, Depends(provide("metrics", MetricsService))]

and every route or page of the slice takes ``service: MetricsServiceDep``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from opencx.core.services import service_of

T = TypeVar("T")


def provide(name: str, kind: type[T]) -> Callable[[Request], T]:
    """A dependency giving the application's ``services.<name>``, checked to be a ``kind``."""

    def dependency(request: Request) -> T:
        return service_of(request.app.state.services, name, kind)

    dependency.__name__ = f"{name}_service"
    dependency.__doc__ = f"The application's {kind.__name__} (``services.{name}``)."
    return dependency
