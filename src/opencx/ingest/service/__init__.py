"""Import use cases: a file (or one event of the event API) of one kind into the canonical tables.

:class:`IngestService` runs them: chunks are parsed and checked (``domain.validation``), their
references resolved and their rows written by the kind's writer (``service.writers``), inside one
transaction, each run recorded in ``imports``.
"""

from opencx.ingest.service.importing import IngestService
from opencx.ingest.service.report import ImportOptions, ImportReport
from opencx.ingest.store.mapping_files import bundled_names, load_mapping

__all__ = ["ImportOptions", "ImportReport", "IngestService", "bundled_names", "load_mapping"]
