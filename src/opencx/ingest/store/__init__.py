"""Everything an import reads or writes outside its own memory: the canonical tables (bulk
lookups and upserts, SQLite and PostgreSQL fast paths), the ``imports`` run records, the data
overview queries, and files (``store.formats`` readers, reject files, mapping files).

Every write runs inside the caller's transaction.
"""

from opencx.ingest.store.behind import queue_jobs, settle
from opencx.ingest.store.bulk import (
    SetAside,
    begin_bulk,
    defer_indexes,
    end_bulk,
    first_chunk_share,
    merging_into_empty,
    restore_indexes,
    restore_keys,
    set_aside,
    tune_merge,
)
from opencx.ingest.store.lookups import (
    anyone_erased,
    erased_customers,
    existing_case_events,
    has_rows,
    ids_any_source,
    ids_by_external_id,
    of_erased_customers,
    question_scales,
    question_types,
    survey_ids,
)
from opencx.ingest.store.order_copy import (
    copy_job,
    copy_returns_job,
    fill_products_job,
    link_copied_returns,
    lock_source,
    set_statuses_job,
    stored_orders,
)
from opencx.ingest.store.order_merge import (
    has_returns,
    merge_lines,
    merge_orders,
    merge_products,
    return_orders,
    staged_order_ids,
)
from opencx.ingest.store.return_links import (
    LinkedOrdersJob,
    ReturnLinks,
    complete_unreturned,
    has_linked_returns,
    link_listed_returns,
    link_returns,
    relink_stored_returns,
    staged_linked_orders,
)
from opencx.ingest.store.runs import finish_import, start_import
from opencx.ingest.store.staging import (
    CopyBehind,
    analyze,
    create_stage,
    drop_stage,
    stage_job,
    stage_rows,
)
from opencx.ingest.store.upserts import (
    set_statuses,
    upsert,
    upsert_job,
    write_behind,
)

__all__ = [
    "CopyBehind",
    "LinkedOrdersJob",
    "ReturnLinks",
    "SetAside",
    "analyze",
    "anyone_erased",
    "begin_bulk",
    "complete_unreturned",
    "copy_job",
    "copy_returns_job",
    "create_stage",
    "defer_indexes",
    "drop_stage",
    "end_bulk",
    "erased_customers",
    "existing_case_events",
    "fill_products_job",
    "finish_import",
    "first_chunk_share",
    "has_linked_returns",
    "has_returns",
    "has_rows",
    "ids_any_source",
    "ids_by_external_id",
    "link_copied_returns",
    "link_listed_returns",
    "link_returns",
    "lock_source",
    "merge_lines",
    "merge_orders",
    "merge_products",
    "merging_into_empty",
    "of_erased_customers",
    "question_scales",
    "question_types",
    "queue_jobs",
    "relink_stored_returns",
    "restore_indexes",
    "restore_keys",
    "return_orders",
    "set_aside",
    "set_statuses",
    "set_statuses_job",
    "settle",
    "stage_job",
    "stage_rows",
    "staged_linked_orders",
    "staged_order_ids",
    "start_import",
    "stored_orders",
    "survey_ids",
    "tune_merge",
    "upsert",
    "upsert_job",
    "write_behind",
]
