"""The live chat's moving parts in one server process: the sockets, the group writer, the feed.

* :class:`Hub` knows this process's sockets (customers per chat, every agent) and sends to them.
* :class:`GroupWriter` stores messages in group commits: every message waiting when a batch
  starts goes into one transaction, so a burst from many sockets costs one commit, not hundreds;
  a sender is answered only after its message is stored. One batch at a time keeps each chat's
  messages in the order they were sent.
* The hub *follows* the store (:meth:`HelpdeskService.follow_chats`: LISTEN/NOTIFY on PostgreSQL,
  polling the message numbers on SQLite), so a message stored by another server process (behind
  the same load balancer, or another ``--workers`` process) reaches the sockets connected here.
  Messages posted here are sent at once by the sender's coroutine and skipped when the feed
  brings them back (their ids are chosen here, before they are stored). When the feed breaks
  (a lost listening connection) it starts again after the last message number it brought, so
  messages stored meanwhile are pushed too, each once.
* Signals (typing, read, a chat started or ended) go to this process's sockets at once and, by
  :meth:`Hub.signal`, to the other processes (NOTIFY, or a table polled on SQLite); each process
  skips its own. Signals raised while a feed reconnects are lost (they are not kept).
* Presence: each process with agents connected says how many in the store every 10 s; a chat
  started through any process is *online* when an agent is connected to any of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fastapi import WebSocket
from starlette.concurrency import run_in_threadpool

from opencx.core.ids import new_id
from opencx.core.services import service_of
from opencx.helpdesk.domain.chat import Chat, ChatMessage, ChatPost, ChatSignal
from opencx.helpdesk.service import HelpdeskService

log = logging.getLogger(__name__)
MAX_MINE = 100_000  # ids awaiting their echo from the feed; more means the feed is not running
SEEN = 5_000  # message ids the feed brought lately: a reconnect's catch-up skips them
TYPING_EVERY = 1.0  # seconds: typing reaches other processes at most this often per chat and side
PRESENCE_EVERY = 10.0  # seconds between this process's presence refreshes (fresh for 30 s)


def message_out(m: ChatMessage) -> dict[str, Any]:
    return {
        "type": "message",
        "chat_id": m.chat_id,
        "id": m.id,
        "seq": m.seq,
        "sender": m.sender,
        "author": m.author,
        "body": m.body,
        "at": m.at.isoformat(),
    }


def chat_out(c: Chat) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "status": c.status,
        "agent": c.agent,
        "started_at": c.started_at.isoformat(),
        "case_id": c.case_id,
    }


@dataclass
class Hub:
    """Connected sockets: customers per chat, and every agent; the feed of other processes'
    messages and signals; this process's agents announced to the others."""

    customers: dict[str, set[WebSocket]] = field(default_factory=dict)
    agents: set[WebSocket] = field(default_factory=set)
    mine: set[str] = field(default_factory=set)  # posted here, not yet back from the feed
    following: asyncio.Task[None] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    origin: str = field(default_factory=new_id)  # this process, on the signals it raises
    last_seq: int | None = None  # the last message number the feed brought (for a reconnect)
    floor: int = 0  # the last message number stored before this process first followed
    seen: OrderedDict[str, None] = field(default_factory=OrderedDict)  # the feed's latest ids
    typed: dict[tuple[str, str], float] = field(default_factory=dict)  # last typing passed on
    present: asyncio.Task[None] | None = None
    announced: HelpdeskService | None = None  # where this process's agents were announced

    async def _send(self, sockets: set[WebSocket], text: str) -> None:
        for ws in list(sockets):
            try:
                await ws.send_text(text)
            except Exception:  # a socket closed under us: forget it
                sockets.discard(ws)

    async def to_customer(self, chat_id: str, payload: dict[str, Any]) -> None:
        if found := self.customers.get(chat_id):
            await self._send(found, json.dumps(payload))

    async def to_agents(self, payload: dict[str, Any]) -> None:
        if self.agents:
            await self._send(self.agents, json.dumps(payload))

    async def to_all(self, chat_id: str, payload: dict[str, Any]) -> None:
        """One encoding, sent in turn (a task per send cost more than the sends)."""
        text = json.dumps(payload)
        await self._send(self.customers.get(chat_id, set()), text)
        await self._send(self.agents, text)

    def posting(self, message_id: str) -> None:
        """``message_id`` is being stored here: its sender's coroutine delivers it."""
        if self.following is not None and not self.following.done():
            if len(self.mine) >= MAX_MINE:
                log.warning("chat feed is %d messages behind; forgetting them", len(self.mine))
                self.mine.clear()
            self.mine.add(message_id)

    # --- signals: typing, read, a chat started or ended, on every process ------------------
    async def signal(self, service: HelpdeskService, payload: dict[str, Any]) -> None:
        """Deliver ``payload`` to this process's sockets at once and raise it for the others
        (typing at most once a second per chat and side: it comes with every keystroke)."""
        await self._deliver(service, payload)
        if payload["type"] == "typing":
            key, now = (str(payload["chat_id"]), str(payload["sender"])), time.monotonic()
            if now - self.typed.get(key, -TYPING_EVERY) < TYPING_EVERY:
                return
            self.typed[key] = now
            if len(self.typed) > MAX_MINE:
                self.typed.clear()
        try:
            await run_in_threadpool(service.chat_signal, self.origin, payload)
        except Exception:  # the store is down: this process's sockets still got it
            log.exception("raising a chat signal for the other processes failed")

    async def _deliver(self, service: HelpdeskService, payload: dict[str, Any]) -> None:
        kind, chat_id = payload["type"], str(payload["chat_id"])
        if kind in ("typing", "read"):
            if payload.get("sender") == "customer":
                await self.to_agents(payload)
            else:
                await self.to_customer(chat_id, payload)
        elif kind == "chat_started" and self.agents:
            chat, _ = await run_in_threadpool(service.chat, chat_id)
            await self.to_agents({"type": "chat_started", "chat": chat_out(chat)})
        elif kind == "ended":
            await self.to_all(chat_id, payload)

    # --- presence: agents connected here, known to every process ---------------------------
    async def agents_changed(self, service: HelpdeskService) -> None:
        """An agent connected or left: tell the store now, and keep telling it while any is."""
        self.announced = service
        await self._present(service)
        if self.agents and (self.present is None or self.present.done()):
            self.present = asyncio.create_task(self._keep_present(service))

    async def _present(self, service: HelpdeskService) -> None:
        try:
            await run_in_threadpool(service.set_chat_presence, self.origin, len(self.agents))
        except Exception:
            log.exception("announcing this process's agents failed")

    async def _keep_present(self, service: HelpdeskService) -> None:
        while self.agents:
            await asyncio.sleep(PRESENCE_EVERY)
            await self._present(service)

    async def online(self, service: HelpdeskService) -> bool:
        """An agent is connected here or to another process."""
        return bool(self.agents) or await run_in_threadpool(service.agents_online) > 0

    # --- following the store ---------------------------------------------------------------
    async def follow(self, service: HelpdeskService) -> None:
        """Follow the store's messages (once per process); returns once following."""
        if self.following is None or self.following.done():
            self.ready = asyncio.Event()
            self.following = asyncio.create_task(self._follow(service))
        await self.ready.wait()

    async def stop(self) -> None:
        """Stop following (server shutdown): the listening connection is closed, and this
        process's agents are no longer counted."""
        for task in (self.following, self.present):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.following = self.present = None
        if self.announced is not None and self.agents:
            self.agents.clear()
            await self._present(self.announced)  # no longer counted by the other processes

    async def _follow(self, service: HelpdeskService) -> None:
        while True:
            try:  # after a lost connection, what was stored meanwhile comes first
                if self.last_seq is None:  # the history before it is no news: never pushed
                    self.last_seq = self.floor = await run_in_threadpool(service.last_chat_seq)
                feed = service.follow_chats(self.ready.set, after=self.last_seq, floor=self.floor)
                async for m in feed:
                    if isinstance(m, ChatSignal):
                        if m.origin != self.origin:
                            await self._deliver(service, m.payload)
                    elif self._new(m):
                        if m.id in self.mine:
                            self.mine.discard(m.id)
                        else:
                            await self.to_all(m.chat_id, message_out(m))
            except Exception:
                log.exception("following the chat messages failed; again in 1 s")
            self.ready.set()  # a broken feed must not hold up the sockets: they still work here
            await asyncio.sleep(1)

    def _new(self, m: ChatMessage) -> bool:
        """Whether the feed brings ``m`` for the first time (a reconnect reads some again)."""
        if m.id in self.seen:
            return False
        self.seen[m.id] = None
        if len(self.seen) > SEEN:
            self.seen.popitem(last=False)
        self.last_seq = max(self.last_seq or 0, m.seq or 0)
        return True


class GroupWriter:
    """Stores chat messages in group commits, one batch at a time (see the module docstring)."""

    MAX_BATCH = 500

    def __init__(self, service: HelpdeskService, hub: Hub) -> None:
        self.service, self.hub = service, hub
        self.queue: asyncio.Queue[tuple[ChatPost, asyncio.Future[Any]]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def post(self, chat_id: str, sender: str, author: str | None, body: str) -> ChatMessage:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        item = ChatPost(new_id(), chat_id, sender, author, body)
        self.hub.posting(item.id)
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self.queue.put((item, done))
        result = await done
        if isinstance(result, Exception):
            self.hub.mine.discard(item.id)
            raise result
        return result  # type: ignore[no-any-return]

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < self.MAX_BATCH:
                batch.append(self.queue.get_nowait())
            results: list[Any]
            try:
                results = await run_in_threadpool(
                    self.service.chat_post_many, [item for item, _ in batch]
                )
            except Exception as exc:  # the whole batch failed (database down): tell every sender
                results = [exc] * len(batch)
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)


def hub_of(app: Any) -> Hub:
    hub = getattr(app.state, "helpdesk_chat_hub", None)
    if hub is None:
        hub = app.state.helpdesk_chat_hub = Hub()
        getattr(app.state, "stopping", []).append(hub.stop)
    return hub


def writer_of(app: Any) -> GroupWriter:
    writer = getattr(app.state, "helpdesk_chat_writer", None)
    if writer is None:
        service = service_of(app.state.services, "helpdesk", HelpdeskService)
        writer = app.state.helpdesk_chat_writer = GroupWriter(service, hub_of(app))
        getattr(app.state, "stopping", []).append(writer.stop)
    return writer
