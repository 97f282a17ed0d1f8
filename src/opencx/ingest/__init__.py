"""ingest slice: files and live events into the canonical tables (see docs/import.md)."""

from opencx.ingest.domain import (
    CasesImported,
    CustomersUpserted,
    InteractionsImported,
    OrdersImported,
    ProductsUpserted,
    ResponsesImported,
    SubscriptionsImported,
)

__all__ = [
    "CasesImported",
    "CustomersUpserted",
    "InteractionsImported",
    "OrdersImported",
    "ProductsUpserted",
    "ResponsesImported",
    "SubscriptionsImported",
]
