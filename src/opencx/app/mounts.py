"""What every slice mounts on the web application: its API routers and pages, and the panels
and lanes it lends to pages of other slices (one import per line; a slice adds its own here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # each slice's edges are imported when the app is made, not by a CLI build
    from fastapi import APIRouter, FastAPI


def mount_slices(app: FastAPI) -> None:
    """Every slice's routers on ``app``, and the panels and lanes other pages read from its
    state."""
    for router in _routers():
        app.include_router(router)
    from opencx.loyalty.pages import profile_panel as loyalty_panel

    app.state.profile_panels = [loyalty_panel]  # cards on the customers slice's 360 page
    from opencx.metrics.pages import headline_panel
    from opencx.modeling.pages import clv_panel

    app.state.home_panels = [headline_panel, clv_panel]  # the landing page's CX headline
    from opencx.feedback.pages import ANSWERS_LANE

    app.state.lanes = [ANSWERS_LANE]  # hot public endpoints answered past the router


def _routers() -> list[APIRouter]:
    """Every slice's routers (one import per line; slices add theirs)."""
    from opencx.audit.pages import router as audit_pages
    from opencx.customers.api import router as customers_api
    from opencx.customers.pages import router as customers_pages
    from opencx.feedback.api import router as feedback_api
    from opencx.feedback.pages import public as feedback_public
    from opencx.feedback.pages import router as feedback_pages
    from opencx.helpdesk.api import router as helpdesk_api
    from opencx.helpdesk.pages import router as helpdesk_pages
    from opencx.ingest.api import router as ingest_api
    from opencx.ingest.pages import router as ingest_pages
    from opencx.jobs.pages import router as jobs_pages
    from opencx.journeys.api import router as journeys_api
    from opencx.journeys.pages import router as journeys_pages
    from opencx.loyalty.api import router as loyalty_api
    from opencx.loyalty.pages import public as loyalty_public
    from opencx.loyalty.pages import router as loyalty_pages
    from opencx.metrics.api import router as metrics_api
    from opencx.metrics.pages import router as metrics_pages
    from opencx.modeling.api import router as modeling_api
    from opencx.modeling.pages import router as modeling_pages

    return [
        ingest_api,
        ingest_pages,
        customers_api,
        customers_pages,
        modeling_api,
        modeling_pages,
        metrics_api,
        metrics_pages,
        feedback_api,
        feedback_pages,
        feedback_public,
        loyalty_api,
        loyalty_pages,
        loyalty_public,
        helpdesk_api,
        helpdesk_pages,
        journeys_api,
        journeys_pages,
        jobs_pages,
        audit_pages,
    ]
