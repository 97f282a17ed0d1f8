"""Live chat: chats, messages, the customer's signed chat token, and the transcript.

A customer holds a token naming their chat, signed with the server's secret (HMAC-SHA256), so
only they can write into it; agents are authenticated by their login instead.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from opencx.core.errors import PermissionDenied

WAITING, ACTIVE, ENDED = "waiting", "active", "ended"
MAX_MESSAGE = 4000


@dataclass(frozen=True, slots=True)
class Chat:
    id: str
    customer_id: str | None
    name: str | None
    email: str | None
    language: str | None
    status: str
    agent: str | None
    started_at: datetime
    ended_at: datetime | None
    case_id: str | None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    id: str
    chat_id: str
    at: datetime
    sender: str  # customer, agent, system
    author: str | None
    body: str | None
    seq: int | None = None  # the store's order of every message of every chat; None until stored


@dataclass(frozen=True, slots=True)
class ChatSignal:
    """What crosses server processes without being kept: typing, read, a chat started or ended.
    ``origin`` names the process that raised it (it delivered the signal to its own sockets at
    once, so it skips its own when the feed brings them back); ``payload`` is what the sockets
    get, naming chats by id only (no names or addresses)."""

    origin: str
    payload: dict[str, Any]


class ChatPost(NamedTuple):
    """A message as sent, before it is stored; its id is chosen by the sender's process, so that
    process knows its own messages when they come back from the store's feed."""

    id: str
    chat_id: str
    sender: str  # customer, agent
    author: str | None
    body: str


def chat_token(chat_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"chat:{chat_id}".encode(), hashlib.sha256).hexdigest()
    return f"{chat_id}.{mac[:32]}"


def chat_of_token(token: str, secret: str) -> str:
    """The chat id a token names; PermissionDenied when it was not signed by us."""
    chat_id, _, _ = token.partition(".")
    if not chat_id or not hmac.compare_digest(chat_token(chat_id, secret), token):
        raise PermissionDenied("chat token is not valid")
    return chat_id


def transcript(messages: list[ChatMessage]) -> str:
    """Plain-text transcript, one line per message."""
    return "\n".join(f"[{m.at:%H:%M:%S}] {m.author or m.sender}: {m.body or ''}" for m in messages)
