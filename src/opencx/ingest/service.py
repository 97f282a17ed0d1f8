"""Import use cases: a file of one kind into the canonical tables, all-or-nothing by default.

The file is read in chunks; each chunk is parsed and checked column-wise, its references are
looked up in bulk, and its valid rows are written, all inside one transaction. Any problem
rolls the whole import back unless rejects are allowed, in which case the bad rows go to a
reject file and the good ones stay. Each run is recorded in ``imports``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus, InvalidInput, Problem, new_id
from opencx.ingest import store
from opencx.ingest.domain import KINDS, Mapping
from opencx.ingest.formats import (
    RESERVED,
    Batch,
    SourceFile,
    batches,
    open_source,
    records_batch,
)
from opencx.ingest.orders import OrderWriter
from opencx.ingest.records import RECORDS, RecordWriter
from opencx.ingest.rejects import DiscardedRejects, RejectFile, default_reject_path
from opencx.ingest.rules import ROW_RULES, DuplicateFinder
from opencx.ingest.run import Run
from opencx.ingest.surveys import AnswerWriter, CaseEventWriter, ResponseWriter
from opencx.ingest.validation import ColumnPlan, Parsed, parse_chunk, plan_columns

KEEP_PROBLEMS = 1000


class Writer(Protocol):
    def resolve(self, run: Run, parsed: Parsed) -> None: ...
    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int: ...


def writer_for(kind: str) -> Writer:
    if kind in RECORDS:
        return RecordWriter(kind)
    writers: dict[str, Callable[[], Writer]] = {
        "orders": OrderWriter, "case_events": CaseEventWriter, "responses": ResponseWriter,
        "answers": AnswerWriter,
    }  # fmt: skip
    return writers[kind]()


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
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    reject_file: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class IngestService:
    """Imports files and single events into the canonical tables."""

    def __init__(self, engine: Engine, bus: EventBus, clock: Clock) -> None:
        self.engine = engine
        self.bus = bus
        self.clock = clock

    def import_file(
        self, options: ImportOptions, progress: Callable[[int], None] | None = None
    ) -> ImportReport:
        """Import ``options.path`` as ``options.kind``; see the module docstring."""
        if options.kind not in KINDS:
            raise InvalidInput(f"unknown kind {options.kind!r}; use one of {', '.join(KINDS)}")
        if not options.path.exists():
            raise InvalidInput(f"{options.path}: file not found")
        mapping = options.mapping
        source = mapping.source or f"csv:{options.path.name}"
        report = ImportReport(new_id(), options.kind, options.path.name, source)
        with self.engine.begin() as conn:
            store.start_import(conn, id_=report.import_id, kind=options.kind,
                               file_name=str(options.path), sha256=file_sha256(options.path),
                               at=self.clock.now())  # fmt: skip
        try:
            source_file = open_source(
                options.path, encoding=mapping.encoding, delimiter=mapping.delimiter,
                whitespace=mapping.whitespace, header=mapping.header, names=mapping.names,
            )  # fmt: skip
            if mapping.source is None:
                report.source = _source_from_rejects(source_file) or source
            self._run(options, source_file, report, progress)
        except Exception as exc:
            report.status = "failed"
            self._finish(report, message=str(exc))
            raise
        self._finish(report)
        return report

    def ingest_event(
        self, event_type: str, data: dict[str, Any], *, source: str = "api",
        create_missing_customers: bool = False, live: bool = True,
    ) -> ImportReport:  # fmt: skip
        """Validate and write one customer, order or interaction as an import of one record.

        The same parsing and rules as a file import apply; any problem raises
        :class:`InvalidInput` naming the field and the rule, and nothing is written. Writes are
        upserts on (source, external id), so a retried event changes nothing; events are
        published with ``live=True`` (the reactions of a live system run).
        """
        kind, records = event_records(event_type, data)
        mapping = Mapping(source=source, anonymous="orders",
                          create_missing_customers=create_missing_customers)  # fmt: skip
        batch = records_batch(records)
        plan = plan_columns("event", batch.table.column_names, KINDS[kind], mapping)
        header = plan.header_problems(ignore_unknown=False)
        if header:
            raise InvalidInput("; ".join(f"{p.column}: {p.rule}" for p in header))
        report = ImportReport(new_id(), kind, "event", source)
        options = ImportOptions(kind=kind, path=Path("event"), mapping=mapping, live=live)
        with self.engine.begin() as conn:
            run = Run(conn, self.bus, source, mapping, self.clock.now(), live=live)
            rejects = DiscardedRejects(Path("event"), batch.table.column_names, source)
            _Chunks(run, plan, writer_for(kind), options, report, rejects).process(batch)
            if report.problem_count:
                shown = "; ".join(f"{p.column}: {p.rule} (value {p.value!r})"
                                  for p in report.problems[:20])  # fmt: skip
                raise InvalidInput(f"event rejected: {shown}")
        report.status = "loaded"
        return report

    def _finish(self, report: ImportReport, message: str | None = None) -> None:
        if message is None and report.problem_count:
            message = f"{report.problem_count} problem(s); first: {report.problems[0]}"
        with self.engine.begin() as conn:
            store.finish_import(
                conn, report.import_id, finished_at=self.clock.now(), status=report.status,
                rows_read=report.rows_read, rows_loaded=report.rows_loaded,
                rows_rejected=report.rows_rejected, reject_file=report.reject_file,
                message=message,
            )  # fmt: skip

    def _run(
        self, options: ImportOptions, source_file: SourceFile, report: ImportReport,
        progress: Callable[[int], None] | None,
    ) -> None:  # fmt: skip
        kind = KINDS[options.kind]
        plan = plan_columns(source_file.name, source_file.columns, kind, options.mapping)
        header = plan.header_problems(options.ignore_unknown)
        if header:
            report.status = "failed"
            report.problems, report.problem_count = header, len(header)
            return
        rejects = RejectFile(
            options.rejects_path or default_reject_path(options.path), source_file.columns,
            report.source,
        )  # fmt: skip
        with self.engine.connect() as conn:
            store.begin_bulk(conn)
            try:
                self._load(conn, options, source_file, plan, report, rejects, progress)
            finally:
                store.end_bulk(conn)
        if rejects.rows:
            report.reject_file = str(rejects.path)

    def _load(
        self, conn: Connection, options: ImportOptions, source_file: SourceFile,
        plan: ColumnPlan, report: ImportReport, rejects: RejectFile,
        progress: Callable[[int], None] | None,
    ) -> None:  # fmt: skip
        with conn.begin() as tx:
            run = Run(conn, self.bus, report.source, options.mapping, self.clock.now(),
                      live=options.live, customer_source=options.customer_source)  # fmt: skip
            chunks = _Chunks(run, plan, writer_for(options.kind), options, report, rejects)
            deferred = store.defer_indexes(conn, options.kind)
            for batch in batches(source_file, options.chunk_rows):
                chunks.process(batch)
                if progress:
                    progress(batch.table.num_rows)
            store.restore_indexes(conn, deferred)
            for problem in source_file.row_problems:
                chunks.unreadable(problem)
            rejects.close()
            if report.rows_read == 0 and not source_file.row_problems:
                raise InvalidInput(f"{source_file.name}: line 2: the file has no data rows")
            report.counts = dict(run.counts)
            if report.problem_count and not options.allow_rejects:
                tx.rollback()
                report.status, report.rows_loaded = "failed", 0
            else:
                report.status = "loaded_with_rejects" if report.rows_rejected else "loaded"


EVENT_KINDS = {"customer": "customers", "order": "orders", "interaction": "interactions"}


def event_records(event_type: str, data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The kind and rows of one API event; an order's ``lines`` become one row per line."""
    if event_type not in EVENT_KINDS:
        raise InvalidInput(f"event type {event_type!r}: use one of {', '.join(EVENT_KINDS)}")
    kind = EVENT_KINDS[event_type]
    if kind != "orders":
        return kind, [data]
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, dict) for x in lines):
        raise InvalidInput("event: an order needs 'lines', a non-empty list of objects")
    head = {k: v for k, v in data.items() if k != "lines"}
    return kind, [{**head, **line} for line in lines]


def _source_from_rejects(source_file: SourceFile) -> str | None:
    if "_source" not in source_file.columns:
        return None
    with closing(batches(source_file, 1)) as reader:
        first = next(reader, None)
    source_file.row_problems.clear()
    if first is None:
        return None
    value = first.table.column("_source")[0].as_py()
    return str(value) if value else None


class _Chunks:
    """Parse, check, resolve and write chunk after chunk of one run."""

    def __init__(
        self, run: Run, plan: ColumnPlan, writer: Writer, options: ImportOptions,
        report: ImportReport, rejects: RejectFile,
    ) -> None:  # fmt: skip
        self.run, self.plan, self.writer = run, plan, writer
        self.options, self.report, self.rejects = options, report, rejects
        self.rows = DuplicateFinder()
        self.keys = DuplicateFinder()
        self.key = "external_id" if "external_id" in plan.kind.names else None

    def process(self, batch: Batch) -> None:
        table, report = batch.table, self.report
        report.rows_read += table.num_rows
        parsed = parse_chunk(table, batch.lines, self.plan)
        rule = ROW_RULES.get(self.plan.kind.name)
        if rule is not None:
            rule(parsed, self.run.mapping)
        skipped = self._duplicates(table, parsed)
        self.writer.resolve(self.run, parsed)
        failed = report.problem_count + len(parsed.problems) > 0
        if not failed or self.options.allow_rejects:
            keep = ~parsed.bad & ~skipped
            report.rows_loaded += self.writer.write(self.run, parsed, keep)
        self._reject(batch, parsed)

    def _duplicates(self, table: pa.Table, parsed: Parsed) -> np.ndarray:
        if self.run.mapping.duplicates == "keep":
            return np.zeros(table.num_rows, dtype=bool)
        columns = [c for c in table.column_names if c not in RESERVED]
        repeated = self.rows.mark(table, columns)
        if self.run.mapping.duplicates == "skip":
            self.report.rows_skipped += int(repeated.sum())
            return repeated
        parsed.flag(repeated, "*", "duplicate row: an earlier row of the file is identical")
        if self.key is not None:
            same_key = self.keys.mark(pa.table({"k": parsed.columns[self.key]}), ["k"])
            rule = f"duplicate {self.key}: an earlier row of the file has the same {self.key}"
            parsed.flag(same_key & ~repeated, self.key, rule)
        return np.zeros(table.num_rows, dtype=bool)

    def _reject(self, batch: Batch, parsed: Parsed) -> None:
        if not parsed.problems:
            return
        lines = batch.lines
        by_row: dict[int, list[Problem]] = {}
        name = self.plan.file
        for row, column, value, rule in sorted(parsed.problems, key=lambda p: p[0]):
            problem = Problem(name, int(lines[row].as_py()), column, value, rule)
            by_row.setdefault(row, []).append(problem)
            self._keep(problem)
        self.report.rows_rejected += len(by_row)
        self.rejects.add_rows(batch.table, lines, by_row)

    def unreadable(self, problem: Problem) -> None:
        self._keep(problem)
        self.report.rows_rejected += 1
        self.rejects.add_unreadable(problem)

    def _keep(self, problem: Problem) -> None:
        self.report.problem_count += 1
        if len(self.report.problems) < KEEP_PROBLEMS:
            self.report.problems.append(problem)
