"""The helpdesk's tables and queries: cases and their events, configuration, per-case state."""

from opencx.helpdesk.store import tables

__all__ = ["tables"]
