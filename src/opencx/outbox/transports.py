"""Transports: SMTP email (smtplib), SMS through an HTTP provider hook, signed webhooks (httpx),
and tasks (a handler a slice registered, run by the worker after the change committed).

Each transport makes every delivery of one outbox message recognisable as the same message:
email carries a Message-ID built from the outbox id, HTTP calls an ``Idempotency-Key`` header
holding the outbox id. Errors the transport understands raise :class:`DeliveryFailed`, marked
permanent when a retry cannot help (a refused recipient, a 4xx answer).
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from opencx.core.keys import OUTBOX_WEBHOOK, purpose_key
from opencx.outbox.domain import (
    DeliveryFailed,
    Kind,
    OutboxMessage,
    Transport,
    email_message_id,
    signature,
)

if TYPE_CHECKING:  # a CLI command or the web process builds this; only a delivery needs httpx
    import httpx

USER_AGENT = "opencx-outbox/0.1"
RETRYABLE_HTTP = frozenset({408, 425, 429})


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message for an email payload; the same bytes on every attempt."""
    payload = message.payload
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = payload["to"]
    mail["Subject"] = payload["subject"]
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = email_message_id(message.id, sender)
    if payload.get("reply_to"):
        mail["Reply-To"] = payload["reply_to"]
    mail.set_content(payload["text"])
    if payload.get("html"):
        mail.add_alternative(payload["html"], subtype="html")
    return mail


class SmtpTransport:
    """Email over SMTP, one connection kept for the messages of a batch.

    Parameters
    ----------
    host, port, sender
        The relay and the ``From`` address (``Settings.smtp_*``).
    starttls
        Upgrade the connection with STARTTLS (verified against the system CAs) before login.
    username, password
        Log in when a username is given.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                self._smtp.noop()
                return self._smtp
            except (smtplib.SMTPException, OSError):
                self._drop()
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def send(self, message: OutboxMessage) -> None:
        mail = build_email(message, self.sender)
        try:
            self._connection().send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(
                f"smtp {self.host}:{self.port} refused {sorted(exc.recipients)}: {codes}",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryFailed(
                f"smtp {self.host}:{self.port}: {type(exc).__name__}: {exc}"
            ) from exc

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class HttpTransport:
    """A signed JSON POST: generic webhooks (URL in the payload) or an SMS provider hook.

    The body is canonical JSON (sorted keys, no spaces); headers carry
    ``Idempotency-Key: <outbox id>`` and ``X-OpenCX-Signature: sha256=<HMAC-SHA256(secret, body)>``.
    """

    def __init__(
        self,
        secret: str,
        *,
        url: str | None = None,
        body: Callable[[OutboxMessage], Any] | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.secret = secret.encode()
        self.url = url
        self.body = body or webhook_body
        self.timeout = timeout
        self._client = client

    def send(self, message: OutboxMessage) -> None:
        url = self.url or message.payload["url"]
        body = json.dumps(self.body(message), sort_keys=True, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": message.idempotency_key,
            "X-OpenCX-Signature": signature(self.secret, body),
        }
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout)
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"POST {url}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return
        status = response.status_code
        raise DeliveryFailed(
            f"POST {url}: HTTP {status} {response.text[:200]!r}",
            permanent=400 <= status < 500 and status not in RETRYABLE_HTTP,
        )

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


TaskHandler = Callable[[OutboxMessage], None]


class TaskTransport:
    """Runs a task message's handler: a domain event handled asynchronously, by the worker.

    The payload's ``task`` names the handler (``"feedback.follow_up"``); the handler receives
    the message (its payload, and its id: the idempotency key of anything it sends). Delivery
    is at least once like every message, so handlers must be idempotent (a second run of the
    same message changes nothing). A handler raising :class:`DeliveryFailed` chooses whether
    a retry can help; a task no handler here knows is retried with backoff (a worker of
    another version may know it).
    """

    def __init__(self, handlers: Mapping[str, TaskHandler]) -> None:
        self.handlers = handlers

    def send(self, message: OutboxMessage) -> None:
        name = str(message.payload["task"])
        handler = self.handlers.get(name)
        if handler is None:
            raise DeliveryFailed(f"task {name!r}: no handler in this worker")
        handler(message)

    def close(self) -> None:
        return None


def webhook_body(message: OutboxMessage) -> Any:
    """A webhook payload ``{"url": ..., "body": {...}}`` posts its ``body`` (default ``{}``)."""
    return message.payload.get("body", {})


def sms_body(message: OutboxMessage) -> Any:
    """What the SMS provider hook receives."""
    return {"id": message.id, "to": message.payload["to"], "text": message.payload["text"]}


def derived_webhook_secret(secret_key: str) -> str:
    """A webhook signing key derived from the app secret, so the secret itself is never shared."""
    return purpose_key(secret_key, OUTBOX_WEBHOOK).hex()


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    """How the worker reaches the outside world (built from ``Settings`` by ``opencx.app``)."""

    smtp_host: str
    smtp_port: int
    smtp_sender: str
    webhook_secret: str
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    sms_webhook_url: str | None = None
    tasks: Mapping[str, TaskHandler] = field(default_factory=dict)  # set by the composition root

    def transports(self) -> Mapping[str, Transport]:
        """One transport per kind; SMS only when a provider hook URL is configured, tasks only
        when handlers are registered."""
        found: dict[str, Transport] = {
            Kind.EMAIL.value: SmtpTransport(
                self.smtp_host,
                self.smtp_port,
                self.smtp_sender,
                starttls=self.smtp_starttls,
                username=self.smtp_username,
                password=self.smtp_password,
            ),
            Kind.WEBHOOK.value: HttpTransport(self.webhook_secret),
        }
        if self.sms_webhook_url:
            found[Kind.SMS.value] = HttpTransport(
                self.webhook_secret, url=self.sms_webhook_url, body=sms_body
            )
        if self.tasks:
            found[Kind.TASK.value] = TaskTransport(self.tasks)
        return found
