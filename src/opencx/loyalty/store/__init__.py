"""The loyalty slice's tables (on ``db.metadata``) and queries, one module per concern."""

from opencx.loyalty.store import catalog, engagement, ledger, orders, posting, refusals, reports

__all__ = ["catalog", "engagement", "ledger", "orders", "posting", "refusals", "reports"]
