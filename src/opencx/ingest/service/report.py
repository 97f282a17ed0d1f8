"""What an import is asked to do (:class:`ImportOptions`) and what it did (the report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from opencx.core import Problem
from opencx.ingest.domain import Mapping


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how; ``mapping`` already holds flags merged over any mapping file."""

    kind: str
    path: Path
    mapping: Mapping = field(default_factory=Mapping)
    ignore_unknown: bool = False
    allow_rejects: bool = False
    rejects_path: Path | None = None
    live: bool = False
    chunk_rows: int = 50_000
    customer_source: str | None = None


@dataclass
class ImportReport:
    """The outcome of one import run."""

    import_id: str
    kind: str
    file: str
    source: str
    status: str = "running"  # loaded, loaded_with_rejects, failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0  # exact duplicates skipped by the mapping's duplicates = "skip"
    rows_dropped_erased: int = 0  # rows of an erased person (docs/security.md): never restored
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    reject_file: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0  # wall time, when the caller timed the run (the CLI prints rows/s)

    @property
    def ok(self) -> bool:
        return self.status != "failed"
