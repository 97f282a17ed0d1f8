"""The desk's configuration (the admin pages): queues, rules, agents, calendars, policies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from opencx.helpdesk.service import desk as desk_config
from opencx.helpdesk.service import policies
from opencx.helpdesk.service.facade.units import Units


class DeskConfiguration(Units):
    """Configuration changes, one transaction each; the cached desk is forgotten after each."""

    def desk(self) -> desk_config.Desk:
        """Queues, routing rules, agents (with their open cases) and calendars."""
        with self.engine.connect() as conn:
            return desk_config.desk(conn)

    def save_queue(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_queue(conn, self.deps, **fields)

    def save_rule(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_rule(conn, self.deps, **fields)

    def delete_rule(self, name: str) -> None:
        with self._configuring() as conn:
            desk_config.delete_rule(conn, self.deps, name)

    def save_agent(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_agent(conn, self.deps, **fields)

    def save_calendar(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return desk_config.save_calendar(conn, self.deps, **fields)

    def save_policy(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return policies.save_policy(conn, self.deps, **fields)

    def delete_policy(self, name: str) -> None:
        with self._configuring() as conn:
            policies.delete_policy(conn, self.deps, name)

    def save_canned(self, **fields: Any) -> str:
        with self._configuring() as conn:
            return policies.save_canned(conn, self.deps, **fields)

    def delete_canned(self, key: str) -> None:
        with self._configuring() as conn:
            policies.delete_canned(conn, self.deps, key)

    def configure(self, apply: Callable[[Connection], None]) -> None:
        """Run a configuration change (``store.config`` writers) in one transaction."""
        with self._tx() as conn:
            apply(conn)
        self.deps.desk_cache.forget()
