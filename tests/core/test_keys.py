"""Every key derived from the secret comes from ``opencx.core.keys``, and folding them there
changed none of them: stored pseudonyms, artifact signatures, tombstones, blind indexes,
webhook signatures and signed cookies made before still verify."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from opencx.audit.domain import audit_key
from opencx.core import keys
from opencx.outbox.transports import derived_webhook_secret

SECRET = "s3cret-" * 6


def test_each_key_is_the_one_stored_values_were_made_with() -> None:
    def old_hmac(purpose: bytes) -> bytes:
        return hmac.new(SECRET.encode(), purpose, hashlib.sha256).digest()

    assert keys.purpose_key(SECRET, keys.ERASED_KEYS) == old_hmac(b"opencx/erased-keys/v1")
    assert keys.purpose_key(SECRET, keys.BLIND_INDEX) == old_hmac(b"opencx/blind-index/v1")
    assert derived_webhook_secret(SECRET) == old_hmac(b"opencx.outbox.webhook").hex()
    assert audit_key(SECRET) == hashlib.sha256(f"opencx:audit-pseudonym:{SECRET}".encode()).digest()
    old_artifact = hashlib.sha256(b"opencx model artifact\0" + SECRET.encode()).digest()
    assert keys.labelled_key(SECRET, keys.MODEL_ARTIFACT) == old_artifact
    old_cookie = hashlib.sha256(f"opencx:session:{SECRET}".encode()).digest()
    assert keys.labelled_key(SECRET, keys.session_label("session")) == old_cookie


def test_no_module_outside_core_keys_derives_a_key_from_the_secret() -> None:
    source = Path(__file__).resolve().parents[2] / "src" / "opencx"
    derivation = re.compile(r"(hashlib\.sha256|hmac\.new)\((?!purpose_key)[^)]*secret")
    found = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if path.name != "keys.py" and derivation.search(path.read_text(encoding="utf-8"))
    ]
    # what remains uses the secret as a MAC key directly (chat tokens, vouchers, rate-limit
    # keys, webhook bodies)
    assert sorted(found) == [
        "helpdesk/domain/chat.py",
        "helpdesk/domain/incidents.py",
        "helpdesk/domain/limits.py",
        "outbox/domain.py",
    ]
