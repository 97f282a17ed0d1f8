"""The seam through which a loader seals customers' contact fields before writing them.

With crypto-shredding on (``OPENCX_CRYPTO_SHREDDING``), the customers slice encrypts a
customer's name, email and phone under that customer's data key; the importers (which write
customer rows themselves) call a :class:`SealContacts` given to them by the composition root.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class SealContacts(Protocol):
    """``columns`` (one value per id of ``ids``) with the contact fields sealed, in ``conn``."""

    def __call__(
        self, conn: Any, ids: Sequence[str], columns: dict[str, Sequence[str | None]]
    ) -> dict[str, list[str | None]]: ...


def plaintext(
    conn: Any, ids: Sequence[str], columns: dict[str, Sequence[str | None]]
) -> dict[str, list[str | None]]:
    """A :class:`SealContacts` that seals nothing (crypto-shredding off)."""
    return {name: list(values) for name, values in columns.items()}
