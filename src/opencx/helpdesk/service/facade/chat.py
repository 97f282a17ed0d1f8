"""Live chat: start, post, follow every process's messages and signals, close into a case."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from opencx.helpdesk.domain.cases import Case
from opencx.helpdesk.domain.chat import (
    Chat,
    ChatMessage,
    ChatPost,
    ChatSignal,
    chat_of_token,
    chat_token,
)
from opencx.helpdesk.service import chat as chat_cases
from opencx.helpdesk.service import following
from opencx.helpdesk.service.facade.units import Units
from opencx.helpdesk.store import chat as chat_store
from opencx.helpdesk.store import chat_feed


class LiveChat(Units):
    """Live chat's use cases, one transaction each."""

    def start_chat(
        self,
        name: str | None,
        email: str | None,
        language: str | None,
        *,
        client: str | None = None,
    ) -> tuple[Chat, str]:
        """A new chat and the customer's token for it. A chat that gives an address finds or
        creates its customer, so ``client`` (an anonymous visitor's network address) is limited
        as for :meth:`open_case`; every chat also counts against the looser chat limit."""
        with self._tx() as conn:
            self._limit_visitor(conn, client, chat=True)
            self._limit_visitor(conn, client if email else None)
            found = chat_cases.start_chat(conn, name, email, language, self.deps)
        return found, chat_token(found.id, self.secret_key)

    def chat_of_token(self, token: str) -> str:
        return chat_of_token(token, self.secret_key)

    def chat_post(self, chat_id: str, sender: str, author: str | None, body: str) -> ChatMessage:
        with self._tx() as conn:
            return chat_cases.post(conn, chat_id, sender, author, body, self.deps)

    def chat_post_many(self, items: Sequence[ChatPost]) -> list[chat_cases.Posted]:
        """Many chat messages in one transaction; each item's message or error."""
        with self._tx() as conn:
            return chat_cases.post_many(conn, items, self.deps)

    def follow_chats(
        self,
        listening: Callable[[], None],
        after: int | None = None,
        poll_seconds: float = 0.05,
        floor: int = 0,
    ) -> AsyncGenerator[ChatMessage | ChatSignal, None]:
        """Every chat message stored from now on by any process, and every signal raised
        (:func:`~opencx.helpdesk.service.following.follow`)."""
        return following.follow(self.engine, listening, after, poll_seconds, floor)

    def last_chat_seq(self) -> int:
        """The number of the last chat message stored (0: none yet)."""
        return self._read(chat_store.last_seq)

    def chat_signal(self, origin: str, payload: dict[str, Any]) -> None:
        """Tell the other server processes' sockets (typing, read, a chat started or ended)."""
        with self._tx() as conn:
            chat_feed.signal(conn, origin, payload, self.clock.now())

    def set_chat_presence(self, origin: str, agents: int) -> None:
        """Process ``origin`` has ``agents`` agents connected (refreshed within
        :data:`~opencx.helpdesk.service.following.PRESENCE_FRESH`, or it counts as gone)."""
        with self._tx() as conn:
            chat_feed.set_presence(conn, origin, agents, self.clock.now())

    def agents_online(self) -> int:
        """Agents connected to any server process (as each last said, within
        :data:`~opencx.helpdesk.service.following.PRESENCE_FRESH`)."""
        since = self.clock.now() - following.PRESENCE_FRESH
        with self.engine.connect() as conn:
            return chat_feed.agents_online(conn, since)

    def chat(self, chat_id: str) -> tuple[Chat, list[ChatMessage]]:
        with self.engine.connect() as conn:
            return chat_cases.get_chat(conn, chat_id), chat_store.messages(conn, chat_id)

    def open_chats(self) -> list[Chat]:
        with self.engine.connect() as conn:
            return chat_store.open_chats(conn)

    def close_chat(self, chat_id: str, agent: str, *, resolve: bool) -> Case:
        with self._tx() as conn:
            return chat_cases.close_into_case(conn, chat_id, agent, resolve, self.deps)

    def leave_message(
        self, name: str | None, email: str, body: str, *, client: str | None = None
    ) -> Case:
        """The chat's offline form; ``client`` as for :meth:`open_case`."""
        with self._tx() as conn:
            self._limit_visitor(conn, client)
            return chat_cases.leave_message(conn, name, email, body, self.deps)
