"""Reading an inbound email into what a case needs: sender, subject, text, thread, attachments.

Pure: takes the raw RFC 5322 bytes (as received by the mailbox) and returns an
:class:`InboundEmail`. A reply is matched to its case by a ``[#<case id>]`` tag in the subject
or by the ``In-Reply-To``/``References`` headers naming a message id we sent
(``<case-<id>.…@opencx>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain.cases import Attachment

_TAG = re.compile(r"\[#([0-9a-z]{26})\]")
_MSGID = re.compile(r"<case-([0-9a-z]{26})\.")
MAX_TEXT = 100_000


@dataclass(frozen=True, slots=True)
class InboundEmail:
    message_id: str
    sender: str
    sender_name: str | None
    subject: str
    text: str
    case_id: str | None  # the case this replies to, if any
    language: str | None
    attachments: tuple[Attachment, ...]


def case_tag(case_id: str) -> str:
    return f"[#{case_id}]"


def parse_email(raw: bytes) -> InboundEmail:
    """Parse one message; a message without a sender address is refused."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    name, address = parseaddr(str(msg.get("From", "")))
    if "@" not in address:
        raise InvalidInput(f"inbound email: no sender address in From: {msg.get('From')!r}")
    subject = str(msg.get("Subject", "") or "").strip()
    threads = " ".join(str(msg.get(h, "")) for h in ("In-Reply-To", "References"))
    found = _TAG.search(subject) or _MSGID.search(threads)
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    attachments = tuple(
        Attachment(part.get_filename() or "attachment", part.get_content_type(), _bytes(part))
        for part in msg.iter_attachments()
    )
    header = msg.get("Content-Language") or (body.get("Content-Language") if body else None)
    lang = str(header or "").split(",")[0].strip() or None
    return InboundEmail(
        message_id=str(msg.get("Message-ID", "") or "").strip(),
        sender=address.lower(),
        sender_name=name or None,
        subject=_TAG.sub("", subject).strip() or "(no subject)",
        text=str(text)[:MAX_TEXT],
        case_id=found.group(1) if found else None,
        language=lang,
        attachments=attachments,
    )


def _bytes(part: Any) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""
