"""HTTP and WebSocket API of the helpdesk: cases (:mod:`.cases`) and live chat (:mod:`.chat`)."""

from fastapi import APIRouter

from opencx.helpdesk.api import cases, chat

router = APIRouter()
router.include_router(cases.router)
router.include_router(chat.router)

__all__ = ["cases", "chat", "router"]
