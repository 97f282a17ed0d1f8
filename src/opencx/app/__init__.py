"""Composition root: builds the engine and every service, wires cross-slice events, mounts routes.

This is the only package that knows every slice. Nothing is created at import time. Where each
part lives:

- :mod:`opencx.app.root`: :func:`build`, the engine, bus and services of one process;
- :mod:`opencx.app.services`: :class:`Services`, how each slice's service is built from the
  settings, and every slice's periodic jobs and outbox task handlers;
- :mod:`opencx.app.subscriptions`: every cross-slice reaction (:func:`wire_events`) and the
  customer lifecycle (:func:`wire_customer_lifecycle`);
- :mod:`opencx.app.web`: the FastAPI application (:func:`create_app`, uvicorn's
  :func:`create_app_from_env`) and its job queue;
- :mod:`opencx.app.mounts`: every slice's routers, panels and lanes on that application.
"""

from opencx.app.root import CUSTOMER_TABLE_STORES, build
from opencx.app.services import SERVICE_NAMES, Services
from opencx.app.subscriptions import CUSTOMER_ROWS, wire_customer_lifecycle, wire_events
from opencx.app.web import create_app, create_app_from_env, job_queue

__all__ = [
    "CUSTOMER_ROWS",
    "CUSTOMER_TABLE_STORES",
    "SERVICE_NAMES",
    "Services",
    "build",
    "create_app",
    "create_app_from_env",
    "job_queue",
    "wire_customer_lifecycle",
    "wire_events",
]
