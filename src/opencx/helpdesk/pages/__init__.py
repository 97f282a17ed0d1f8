"""Helpdesk pages, one module each: the agents' side of cases (:mod:`.cases`), the public
contact form, chat widget and self-service (:mod:`.public`), the catalog's administration
(:mod:`.catalog`), incidents (:mod:`.incidents`), agent quality (:mod:`.quality`), and the desk's
set-up (:mod:`.desk`, :mod:`.policies`). Who may open which is in :mod:`.roles`.
"""

from __future__ import annotations

from fastapi import APIRouter

from opencx.helpdesk.pages import cases, catalog, desk, incidents, policies, public, quality

router = APIRouter(tags=["pages"], include_in_schema=False)
for part in (cases, public, catalog, incidents, quality, desk, policies):
    router.include_router(part.router)
