"""Pure rules of an import: the kinds of file and their fields, mappings, score scales, the
events an import publishes, and the vectorised validation of rows (``domain.validation``).

No SQL, no files, no clock reads.
"""

from opencx.ingest.domain.events import (
    CasesImported,
    CreatedCustomer,
    CustomersUpserted,
    InteractionsImported,
    OrdersImported,
    ProductsUpserted,
    ResponsesImported,
    ReturnsMoved,
    SubscriptionsImported,
)
from opencx.ingest.domain.kinds import KINDS, RESERVED, FieldSpec, FieldType, KindSpec
from opencx.ingest.domain.mapping import (
    AnonymousPolicy,
    DuplicatePolicy,
    Mapping,
    mapping_from_dict,
    with_flags,
)
from opencx.ingest.domain.scales import DEFAULT_SCALES, score_scale

__all__ = [
    "DEFAULT_SCALES",
    "KINDS",
    "RESERVED",
    "AnonymousPolicy",
    "CasesImported",
    "CreatedCustomer",
    "CustomersUpserted",
    "DuplicatePolicy",
    "FieldSpec",
    "FieldType",
    "InteractionsImported",
    "KindSpec",
    "Mapping",
    "OrdersImported",
    "ProductsUpserted",
    "ResponsesImported",
    "ReturnsMoved",
    "SubscriptionsImported",
    "mapping_from_dict",
    "score_scale",
    "with_flags",
]
