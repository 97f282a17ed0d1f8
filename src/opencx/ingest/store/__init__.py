"""Everything an import reads or writes outside its own memory: the canonical tables (bulk
lookups and upserts, SQLite and PostgreSQL fast paths), the ``imports`` run records, the data
overview queries, and files (``store.formats`` readers, reject files, mapping files).

Every write runs inside the caller's transaction.
"""

from opencx.ingest.store.bulk import (
    begin_bulk,
    defer_indexes,
    end_bulk,
    merging_into_empty,
    restore_indexes,
    tune_merge,
)
from opencx.ingest.store.lookups import (
    anyone_erased,
    erased_customers,
    existing_case_events,
    has_rows,
    ids_any_source,
    ids_by_external_id,
    line_ids,
    lines_by_sku,
    of_erased_customers,
    question_scales,
    question_types,
    survey_ids,
)
from opencx.ingest.store.order_merge import (
    has_returns,
    link_returns,
    merge_lines,
    merge_orders,
    merge_products,
    return_orders,
    staged_order_ids,
)
from opencx.ingest.store.runs import finish_import, start_import
from opencx.ingest.store.staging import (
    CopyBehind,
    analyze,
    create_stage,
    drop_stage,
    stage_rows,
)
from opencx.ingest.store.upserts import mark_partly_returned, settle, upsert, write_behind

__all__ = [
    "CopyBehind",
    "analyze",
    "anyone_erased",
    "begin_bulk",
    "create_stage",
    "defer_indexes",
    "drop_stage",
    "end_bulk",
    "erased_customers",
    "existing_case_events",
    "finish_import",
    "has_returns",
    "has_rows",
    "ids_any_source",
    "ids_by_external_id",
    "line_ids",
    "lines_by_sku",
    "link_returns",
    "mark_partly_returned",
    "merge_lines",
    "merge_orders",
    "merge_products",
    "merging_into_empty",
    "of_erased_customers",
    "question_scales",
    "question_types",
    "restore_indexes",
    "return_orders",
    "settle",
    "stage_rows",
    "staged_order_ids",
    "start_import",
    "survey_ids",
    "tune_merge",
    "upsert",
    "write_behind",
]
