"""HTTP and WebSocket API of the helpdesk: cases (:mod:`.cases`), agent quality
(:mod:`.quality`), incidents (:mod:`.incidents`), the self-service catalog (:mod:`.catalog`) and
live chat (:mod:`.chat`); who may call what is in :mod:`.roles`."""

from fastapi import APIRouter

from opencx.helpdesk.api import cases, catalog, chat, incidents, quality

router = APIRouter()
for part in (cases, quality, incidents, catalog, chat):
    router.include_router(part.router)

__all__ = ["cases", "catalog", "chat", "incidents", "quality", "router"]
