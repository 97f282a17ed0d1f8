"""Live chat over WebSocket: the customer widget's socket, the agents' socket, and the hub.

Customers start a chat with ``POST /api/helpdesk/chat`` (public) and get a signed token; their
socket ``/api/helpdesk/chat/ws?token=…`` sends ``{"type": "message" | "typing" | "read"}``.
Messages are stored in group commits (:class:`~.chat_hub.GroupWriter`). Agents connect to
``/api/helpdesk/chat/agent`` with their login (``helpdesk:write``; same-origin
only) and see every open chat; they can also ``handoff`` a chat to a case or ``end`` it. Each
message is stored before it is fanned out, with its number in the store's order (``seq``).

Messages cross server processes: each process follows the store (:mod:`.chat_hub`), so a
customer and an agent connected to different processes behind a load balancer talk as if on
one. So do typing and read state, a chat starting or ending (signals, not stored), and whether
an agent is online (each process's agents counted in the store).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from opencx.core import OpenCXError
from opencx.core.services import service_of
from opencx.core.text import json_kind, nested_too_deep, surrogate_refused
from opencx.helpdesk.api.chat_hub import GroupWriter, Hub, chat_out, hub_of, message_out, writer_of
from opencx.helpdesk.api.roles import vouching_key
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.limits import TooManyRequests
from opencx.helpdesk.service import HelpdeskService
from opencx.web.auth import access_service, client_ip, current_user

router = APIRouter(prefix="/api/helpdesk/chat", tags=["helpdesk chat"])


class StartIn(BaseModel):
    name: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=320)
    language: str | None = Field(None, max_length=35)


class StartOut(BaseModel):
    chat_id: str
    token: str
    online: bool  # an agent is connected; if not, offer the offline form


class OfflineIn(BaseModel):
    name: str | None = Field(None, max_length=300)
    email: str = Field(max_length=320)
    body: str = Field(max_length=4000)


@router.post(
    "",
    status_code=201,
    responses={429: {"description": "too many chats with an address from this client lately"}},
)
async def start(body: StartIn, request: Request, service: Service) -> StartOut:
    """Public: start a chat (the widget calls this; no login). A chat that gives an email
    address finds or creates the customer, so those are limited per client address with the
    contact form (429 with ``Retry-After``); an API key holding ``helpdesk:write`` is not."""
    client = None if vouching_key(request) is not None else client_ip(request)
    try:
        chat, token = await run_in_threadpool(
            partial(service.start_chat, client=client), body.name, body.email, body.language
        )
    except TooManyRequests as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.seconds)}) from None
    hub = hub_of(request.app)
    await hub.signal(service, {"type": "chat_started", "chat_id": chat.id})
    return StartOut(chat_id=chat.id, token=token, online=await hub.online(service))


@router.post(
    "/offline",
    status_code=201,
    responses={429: {"description": "too many messages from this client address lately"}},
)
async def offline(body: OfflineIn, request: Request, service: Service) -> dict[str, str]:
    """Public: nobody was online; the message becomes a case answered by email. Visitors are
    limited per client address (429 with ``Retry-After``); an API key holding
    ``helpdesk:write`` is not."""
    client = None if vouching_key(request) is not None else client_ip(request)
    try:
        case = await run_in_threadpool(
            partial(service.leave_message, client=client), body.name, body.email, body.body
        )
    except TooManyRequests as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.seconds)}) from None
    return {"case_id": case.id}


async def _receive(ws: WebSocket) -> dict[str, Any] | None:
    message = await ws.receive()  # receive_text would fail on a binary frame (no "text")
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if text is None:  # a binary frame: a bad frame like any other
        detail = "send JSON objects (a binary frame: send JSON as text)"
        await ws.send_text(json.dumps({"type": "error", "detail": detail}))
        return {}
    refused = nested_too_deep(text)  # before json recurses into it
    try:
        if refused is not None:
            raise refused
        data = json.loads(text)
        refused = surrogate_refused(text, data)  # no store holds one
        if refused is not None:
            raise refused
    except (ValueError, TypeError):
        detail = "send JSON objects" + (f" ({refused.msg})" if refused is not None else "")
        await ws.send_text(json.dumps({"type": "error", "detail": detail}))
        return {}
    if not isinstance(data, dict):  # valid JSON, but no object: a bad frame like any other
        detail = f"send JSON objects (not {json_kind(data)})"
        await ws.send_text(json.dumps({"type": "error", "detail": detail}))
        return {}
    return data


@router.websocket("/ws")
async def customer_socket(ws: WebSocket, token: str) -> None:
    service = service_of(ws.app.state.services, "helpdesk", HelpdeskService)
    try:
        chat_id = service.chat_of_token(token)
    except OpenCXError:
        await ws.close(code=4403)
        return
    hub = hub_of(ws.app)
    await ws.accept()
    await hub.follow(service)  # messages stored from now on, by any process, reach this socket
    hub.customers.setdefault(chat_id, set()).add(ws)
    try:
        _, history = await run_in_threadpool(service.chat, chat_id)
        for m in history:
            await ws.send_text(json.dumps(message_out(m)))
        while (data := await _receive(ws)) is not None:
            await _customer_says(service, writer_of(ws.app), hub, ws, chat_id, data)
    except WebSocketDisconnect:
        pass
    finally:
        hub.customers.get(chat_id, set()).discard(ws)


async def _customer_says(
    service: HelpdeskService,
    writer: GroupWriter,
    hub: Hub,
    ws: WebSocket,
    chat_id: str,
    data: dict[str, Any],
) -> None:
    kind = data.get("type")
    if kind == "message":
        try:
            m = await writer.post(chat_id, "customer", None, str(data.get("body", "")))
        except OpenCXError as exc:
            await ws.send_text(json.dumps({"type": "error", "detail": str(exc)}))
            return
        await hub.to_all(chat_id, message_out(m) | {"ref": data.get("ref")})
    elif kind in ("typing", "read"):
        await hub.signal(
            service,
            {"type": kind, "chat_id": chat_id, "sender": "customer", "upto": _upto(data)},
        )


def _upto(data: dict[str, Any]) -> str | None:
    """The message a read receipt reaches (an id: at most 40 characters of text)."""
    upto = data.get("upto")
    return str(upto)[:40] if upto is not None else None


def _same_origin(ws: WebSocket) -> bool:
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


@router.websocket("/agent")
async def agent_socket(ws: WebSocket) -> None:
    user = await run_in_threadpool(current_user, ws)  # type: ignore[arg-type]
    if user is None or not user.allows("helpdesk:write") or not _same_origin(ws):
        await ws.close(code=4403)
        return
    found = await run_in_threadpool(access_service(ws).get_user, user.id)  # type: ignore[arg-type]
    agent = found.email if found is not None else user.name
    service = service_of(ws.app.state.services, "helpdesk", HelpdeskService)
    hub = hub_of(ws.app)
    await ws.accept()
    await hub.follow(service)
    hub.agents.add(ws)
    await hub.agents_changed(service)
    try:
        chats = await run_in_threadpool(service.open_chats)
        await ws.send_text(json.dumps({"type": "chats", "chats": [chat_out(c) for c in chats]}))
        while (data := await _receive(ws)) is not None:
            await _agent_says(service, hub, ws, agent, data)
    except WebSocketDisconnect:
        pass
    finally:
        hub.agents.discard(ws)
        await hub.agents_changed(service)


async def _agent_says(
    service: HelpdeskService, hub: Hub, ws: WebSocket, agent: str, data: dict[str, Any]
) -> None:
    kind, chat_id = data.get("type"), str(data.get("chat_id", ""))
    try:
        if kind == "open":
            _, history = await run_in_threadpool(service.chat, chat_id)
            for m in history:
                await ws.send_text(json.dumps(message_out(m)))
        elif kind == "message":
            m = await writer_of(ws.app).post(chat_id, "agent", agent, str(data.get("body", "")))
            await hub.to_all(chat_id, message_out(m))
        elif kind in ("typing", "read"):
            payload = {"type": kind, "chat_id": chat_id, "sender": "agent", "upto": _upto(data)}
            await hub.signal(service, payload)
        elif kind in ("handoff", "end"):
            case = await run_in_threadpool(
                service.close_chat, chat_id, agent, resolve=kind == "end"
            )
            await hub.signal(
                service, {"type": "ended", "chat_id": chat_id, "case_id": case.id, "how": kind}
            )
    except OpenCXError as exc:
        await ws.send_text(json.dumps({"type": "error", "chat_id": chat_id, "detail": str(exc)}))
