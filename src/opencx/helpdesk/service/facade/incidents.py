"""Proactive incidents: declare one, list them, notify the customers it reaches."""

from __future__ import annotations

from typing import Any

from opencx.helpdesk.domain.incidents import Incident
from opencx.helpdesk.service import incidents
from opencx.helpdesk.service.facade.units import Units
from opencx.helpdesk.store import incidents as incident_store


class IncidentNotices(Units):
    """The incidents' use cases, one transaction each."""

    def declare_incident(self, **fields: Any) -> Incident:
        with self._tx() as conn:
            return incidents.declare(conn, deps=self.deps, **fields)

    def incident_list(self, limit: int = 100) -> list[Any]:
        """The latest incidents with how many customers each has reached."""
        with self.engine.connect() as conn:
            return incident_store.incident_list(conn, limit)

    def notify_incident(self, incident_id: str, by: str) -> incidents.Notified:
        with self._tx() as conn:
            return incidents.notify(conn, incident_id, by, self.secret_key, self.deps)
