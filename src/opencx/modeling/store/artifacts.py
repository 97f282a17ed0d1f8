"""Fitted objects kept in a run's parameters: pickled, compressed, and signed.

A model whose fit is a Python object (the churn pipeline) saves it in the run's JSON
parameters as base64 text under ``artifact``, with ``artifact_mac``, an HMAC-SHA256 keyed by a
key derived from the installation's secret key. Unpickling runs code, so :meth:`Artifacts.open`
never unpickles text whose signature does not verify: a run saved before signing, with another
key or altered in the database is refused with a hint to refit.
"""

from __future__ import annotations

import base64
import hmac
import pickle
import zlib
from typing import Any

from opencx.core.errors import Conflict
from opencx.core.keys import MODEL_ARTIFACT, labelled_key

__all__ = ["ARTIFACT", "ARTIFACT_MAC", "Artifacts"]

ARTIFACT = "artifact"
"""The run parameter holding the fitted object, pickled, compressed and base64-encoded."""
ARTIFACT_MAC = "artifact_mac"
"""The run parameter holding the HMAC-SHA256 of the ``ARTIFACT`` parameter."""


class Artifacts:
    """Seals fitted objects into run parameters and opens them, signed with one secret key."""

    def __init__(self, secret_key: str) -> None:
        self._key = labelled_key(secret_key, MODEL_ARTIFACT)

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode("ascii"), "sha256").hexdigest()

    def seal(self, params: dict[str, Any], artifact: object | None) -> dict[str, Any]:
        """``params`` with ``artifact`` (if any) packed and signed beside them."""
        if artifact is None:
            return params
        text = base64.b64encode(zlib.compress(pickle.dumps(artifact))).decode("ascii")
        return {**params, ARTIFACT: text, ARTIFACT_MAC: self._mac(text)}

    def genuine(self, params: dict[str, Any]) -> bool:
        """Whether ``params`` carry an artifact signed with this key."""
        mac, text = params.get(ARTIFACT_MAC), params.get(ARTIFACT)
        return (
            isinstance(mac, str)
            and isinstance(text, str)
            and hmac.compare_digest(mac, self._mac(text))
        )

    def open(self, run_id: str, model: str, params: dict[str, Any]) -> object | None:
        """The run's fitted object (None when it saved none); refuses one not signed by us."""
        if ARTIFACT not in params:
            return None
        if not self.genuine(params):
            raise Conflict(
                f"model run {run_id} ({model}) has an artifact not signed with this "
                f"installation's secret key (saved before signing, with another key, or "
                f"altered); refit: opencx models fit {model}"
            )
        # verified: the text is one this installation pickled itself
        return pickle.loads(zlib.decompress(base64.b64decode(params[ARTIFACT])))

    @staticmethod
    def without(params: dict[str, Any]) -> dict[str, Any]:
        """``params`` without the artifact: what a refit may read of a previous run."""
        return {k: v for k, v in params.items() if k not in {ARTIFACT, ARTIFACT_MAC}}
