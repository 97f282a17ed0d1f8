"""Live chat use cases: start, talk, hand off to a case, end, and the offline fallback.

Every message is stored as it is sent; the live fan-out to connected browsers is the API edge's
job. Handing off or ending a chat copies its transcript onto a case (message by message, at
their original times), so the conversation shows on the case and on the customer's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, OpenCXError
from opencx.core.ids import new_id
from opencx.helpdesk.domain.cases import Case, Status
from opencx.helpdesk.domain.chat import (
    ACTIVE,
    ENDED,
    MAX_MESSAGE,
    WAITING,
    Chat,
    ChatMessage,
    ChatPost,
)
from opencx.helpdesk.service.deps import Deps, OpenCase
from opencx.helpdesk.service.intake import open_case
from opencx.helpdesk.service.sla import refresh_sla
from opencx.helpdesk.service.working import set_status
from opencx.helpdesk.store import cases as case_store
from opencx.helpdesk.store import chat as store


def start_chat(
    conn: Connection, name: str | None, email: str | None, language: str | None, deps: Deps
) -> Chat:
    if email is not None and "@" not in email:
        raise InvalidInput(f"email address {email!r} has no @")
    customer_id = deps.identify(conn, email, None, name) if deps.identify and email else None
    chat = Chat(
        new_id(), customer_id, name, email, language, WAITING, None, deps.clock.now(), None, None
    )
    store.insert_chat(conn, chat)
    return chat


def get_chat(conn: Connection, chat_id: str) -> Chat:
    chat = store.get_chat(conn, chat_id)
    if chat is None:
        raise NotFound(f"chat {chat_id} does not exist")
    return chat


def post(
    conn: Connection, chat_id: str, sender: str, author: str | None, body: str, deps: Deps
) -> ChatMessage:
    """Store one message; an agent's first message makes the chat theirs (active)."""
    body = body.strip()
    if not body or len(body) > MAX_MESSAGE:
        raise InvalidInput(f"a chat message has 1 to {MAX_MESSAGE} characters")
    chat = get_chat(conn, chat_id)
    if chat.status == ENDED:
        raise Conflict(f"chat {chat_id} has ended")
    if sender == "agent" and chat.status == WAITING:
        store.update_chat(conn, chat_id, status=ACTIVE, agent=author)
    return store.insert_message(
        conn, chat_id, at=deps.clock.now(), sender=sender, author=author, body=body
    )


def close_into_case(conn: Connection, chat_id: str, agent: str, resolve: bool, deps: Deps) -> Case:
    """Copy the transcript onto a new chat case; ``resolve`` when the chat ended solved."""
    chat = get_chat(conn, chat_id)
    if chat.case_id is not None:
        raise Conflict(f"chat {chat_id} is already on case {chat.case_id}")
    messages = store.messages(conn, chat_id)
    first = next((m for m in messages if m.sender == "customer"), None)
    case = open_case(
        conn,
        OpenCase(
            channel="chat",
            subject=f"Chat with {chat.name or chat.email or 'visitor'}",
            body=(first.body or "") if first else "(chat)",
            email=chat.email,
            name=chat.name,
            customer_id=chat.customer_id,
            language=chat.language,
            actor=chat.name or "customer",
            source="chat",
            external_id=chat.id,
        ),
        deps,
    )
    replies = [m for m in messages if m is not first and m.sender != "system"]
    for m in replies:
        kind = "message_in" if m.sender == "customer" else "message_out"
        case_store.insert_event(
            conn,
            case.id,
            at=m.at,
            kind=kind,
            actor=m.author,
            body=m.body,
            properties={"chat_id": chat.id},
        )
    answered = next((m.at for m in replies if m.sender == "agent"), None)
    case_store.update_case(
        conn, case.id, opened_at=chat.started_at, first_response_at=answered, assignee=agent
    )
    store.update_chat(conn, chat_id, status=ENDED, ended_at=deps.clock.now(), case_id=case.id)
    status = Status.RESOLVED if resolve else Status.OPEN
    if answered is not None or resolve:
        return set_status(conn, case.id, status.value, agent, deps)
    refresh_sla(conn, case.id, deps.clock.now(), deps)
    return case


def leave_message(conn: Connection, name: str | None, email: str, body: str, deps: Deps) -> Case:
    """Nobody is online: the visitor's message becomes a chat case answered by email."""
    if not body.strip() or len(body) > MAX_MESSAGE:
        raise InvalidInput(f"a message has 1 to {MAX_MESSAGE} characters")
    cmd = OpenCase(
        channel="chat", subject="Chat message (offline)", body=body, email=email, name=name
    )
    return open_case(conn, cmd, deps)


Posted = ChatMessage | OpenCXError


def post_many(conn: Connection, items: Sequence[ChatPost], deps: Deps) -> list[Posted]:
    """Store many messages in one transaction (group commit), in the order given.

    Each item gets its stored message (with its number) or the error that refused it, as
    :func:`post` would have.
    """
    now = deps.clock.now()
    states = store.chat_states(conn, sorted({item.chat_id for item in items}))
    out: list[Posted | int] = []
    accepted: list[ChatMessage] = []
    for item in items:
        text, status = item.body.strip(), states.get(item.chat_id)
        if not text or len(text) > MAX_MESSAGE:
            out.append(InvalidInput(f"a chat message has 1 to {MAX_MESSAGE} characters"))
        elif status is None:
            out.append(NotFound(f"chat {item.chat_id} does not exist"))
        elif status == ENDED:
            out.append(Conflict(f"chat {item.chat_id} has ended"))
        else:
            if item.sender == "agent" and status == WAITING:
                store.update_chat(conn, item.chat_id, status=ACTIVE, agent=item.author)
                states[item.chat_id] = ACTIVE
            out.append(len(accepted))
            accepted.append(ChatMessage(item.id, item.chat_id, now, item.sender, item.author, text))
    stored = store.insert_messages(conn, accepted)
    return [stored[x] if isinstance(x, int) else x for x in out]
