"""The self-service catalog: items, requests (held until confirmed, approved), their trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opencx.core import NotFound
from opencx.helpdesk.domain.catalog import CatalogItem
from opencx.helpdesk.service import catalog
from opencx.helpdesk.service.facade.units import Units
from opencx.helpdesk.store import catalog as catalog_store


class SelfServiceCatalog(Units):
    """The catalog's use cases, one transaction each."""

    def save_catalog_item(self, definition: Mapping[str, Any]) -> CatalogItem:
        with self._tx() as conn:
            return catalog.save_item(conn, definition)

    def catalog_items(self) -> list[CatalogItem]:
        with self.engine.connect() as conn:
            return catalog_store.items(conn)

    def catalog_item(self, key: str) -> CatalogItem:
        with self.engine.connect() as conn:
            found = catalog_store.get_item(conn, key)
        if found is None:
            raise NotFound(f"catalog item {key!r} does not exist")
        return found

    def catalog_requests(self, status: str | None = None, limit: int = 100) -> list[Any]:
        """The latest self-service requests (runs), newest first."""
        with self.engine.connect() as conn:
            return catalog_store.runs(conn, status, limit)

    def submit_request(self, key: str, email: str | None, values: Mapping[str, Any]) -> catalog.Run:
        with self._tx() as conn:
            return catalog.submit(conn, key, email, values, self.deps)

    def hold_request(
        self, key: str, email: str | None, values: Mapping[str, Any], client: str
    ) -> catalog.Held:
        """An unauthenticated visitor's request: held, and only a confirmation mail sent
        (``client``: the visitor's network address, for the limits)."""
        links = catalog.Links(self.secret_key, self.base_url, self.catalog_limits)
        with self._tx() as conn:
            return catalog.hold(conn, key, email, values, client, links, self.deps)

    def held_request(self, token: str) -> tuple[CatalogItem, Any]:
        """What a confirmation link would confirm (the held request, or the run it became)."""
        with self.engine.connect() as conn:
            return catalog.held_request(conn, token, self.secret_key, self.deps)

    def confirm_request(self, token: str) -> catalog.Run:
        with self._tx() as conn:
            return catalog.confirm(conn, token, self.secret_key, self.deps)

    def forget_unconfirmed(self) -> tuple[int, int]:
        """Delete held requests whose link expired, and rate buckets drained a day ago."""
        with self._tx() as conn:
            return catalog.forget_expired(conn, self.deps)

    def decide_request(self, run_id: str, approver: str, *, yes: bool) -> catalog.Run:
        with self._tx() as conn:
            return catalog.approve(conn, run_id, approver, yes, self.deps)

    def catalog_request(self, run_id: str) -> Any:
        with self.engine.connect() as conn:
            found = catalog_store.get_run(conn, run_id)
        if found is None:
            raise NotFound(f"request {run_id} does not exist")
        return found

    def request_trail(self, run_id: str) -> list[Any]:
        with self.engine.connect() as conn:
            return catalog.trail(conn, run_id)
