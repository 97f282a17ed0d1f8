"""What every part of :class:`~opencx.helpdesk.service.facade.HelpdeskService` stands on: a
transaction per call, a read, a configuration change, and the limits on anonymous visitors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock
from opencx.helpdesk.domain.limits import Bucket, CatalogLimits, client_network
from opencx.helpdesk.service import limits
from opencx.helpdesk.service.deps import Deps

T = TypeVar("T")


class Units:
    """The units of work of the facade's parts; the fields are
    :class:`~opencx.helpdesk.service.facade.HelpdeskService`'s."""

    engine: Engine
    clock: Clock
    deps: Deps
    secret_key: str
    base_url: str
    catalog_limits: CatalogLimits
    contact_limit: Bucket
    chat_limit: Bucket

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def _read(self, query: Callable[..., T], *args: Any) -> T:
        with self.engine.connect() as conn:
            return query(conn, *args)

    @contextmanager
    def _configuring(self) -> Iterator[Connection]:
        """A configuration change's transaction; the cached desk is forgotten after it."""
        try:
            with self._tx() as conn:
                yield conn
        finally:
            self.deps.desk_cache.forget()

    def _limit_visitor(self, conn: Connection, client: str | None, *, chat: bool = False) -> None:
        """Charge ``client``'s network (None: staff or a vouching key, not limited) to the
        bucket of cases visitors open, or with ``chat`` to the bucket of chats they start."""
        if client is not None:
            limits.charge(
                conn,
                self.chat_limit if chat else self.contact_limit,
                secret=self.secret_key,
                kind="chat" if chat else "contact",
                value=client_network(client),
                what="from your network address",
                now=self.clock.now(),
            )
