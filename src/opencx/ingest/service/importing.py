"""Import use cases: a file of one kind into the canonical tables, all-or-nothing by default.

The file is read in chunks; each chunk is parsed and checked column-wise, its references are
looked up in bulk, and its valid rows are written, all inside one transaction. Any problem
rolls the whole import back unless rejects are allowed, in which case the bad rows go to a
reject file and the good ones stay. Each run is recorded in ``imports``."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from opencx.core import Clock, Conflict, EventBus, InvalidInput, new_id
from opencx.core.audit import PrivilegedActDone
from opencx.core.sealing import SealContacts, plaintext
from opencx.core.tombstone import ErasedKeys, nothing_erased
from opencx.ingest import store
from opencx.ingest.domain import KINDS, Mapping
from opencx.ingest.domain.mapping import EVENT_ADVICE
from opencx.ingest.domain.validation import ColumnPlan, plan_columns
from opencx.ingest.service import statistics
from opencx.ingest.service.api_events import event_records, field_path
from opencx.ingest.service.chunks import Chunks, writer_for
from opencx.ingest.service.overview import DataOverview, overview_of
from opencx.ingest.service.report import ImportOptions, ImportReport
from opencx.ingest.service.run import Run
from opencx.ingest.store.formats import (
    SourceFile,
    batches,
    open_source,
    records_batch,
)
from opencx.ingest.store.rejects import DiscardedRejects, RejectFile, default_reject_path

EVENT_ATTEMPTS = 5
# PostgreSQL: foreign key / unique violation, serialization failure, deadlock; SQLite: locked
_RACES = frozenset({"23503", "23505", "40001", "40P01"})


def lost_race(exc: DBAPIError) -> bool:
    """Whether ``exc`` is a concurrent writer's doing, so the same transaction run again sees
    its committed rows and converges (two posts of one order, two orders creating one SKU)."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _RACES:
        return True
    return "database is locked" in str(exc.orig)


class IngestService:
    """Imports files and single events into the canonical tables."""

    def __init__(
        self,
        engine: Engine,
        bus: EventBus,
        clock: Clock,
        *,
        erased: ErasedKeys = nothing_erased,
        seal: SealContacts = plaintext,
        imports_dir: str | None = None,
    ) -> None:
        self.engine = engine
        self.imports_dir = imports_dir  # where uploads wait for their import job
        self.bus = bus
        self.clock = clock
        self.erased = erased  # the customers slice's tombstones (wired in opencx.app)
        self.seal = seal  # the customers slice's sealing of contact fields (idem)

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
            store.start_import(
                conn,
                id_=report.import_id,
                kind=options.kind,
                file_name=str(options.path),
                sha256=file_sha256(options.path),
                at=self.clock.now(),
            )
        try:
            source_file = open_source(
                options.path,
                encoding=mapping.encoding,
                delimiter=mapping.delimiter,
                whitespace=mapping.whitespace,
                header=mapping.header,
                names=mapping.names,
                skip_after_header=mapping.skip_after_header,
                encoding_advice=mapping.advice.encoding,
            )
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
        self,
        event_type: str,
        data: dict[str, Any],
        *,
        source: str = "api",
        create_missing_customers: bool = False,
        live: bool = True,
    ) -> ImportReport:
        """Validate and write one customer, order or interaction as an import of one record.

        The same parsing and rules as a file import apply; any problem raises
        :class:`InvalidInput` naming the field by its path in the body (``data.lines[0].sku``)
        and the rule, in the words of the API (``EVENT_ADVICE``: no command option), and
        nothing is written. Writes are
        upserts on (source, external id), so a retried event changes nothing; events are
        published with ``live=True`` (the reactions of a live system run).
        """
        kind, records = event_records(event_type, data)
        mapping = Mapping(
            source=source,
            anonymous="orders",
            create_missing_customers=create_missing_customers,
            advice=EVENT_ADVICE,
        )
        batch = records_batch(records)
        plan = plan_columns("event", batch.table.column_names, KINDS[kind], mapping)
        header = plan.header_problems(ignore_unknown=False)
        if header:
            raise InvalidInput("; ".join(f"{field_path(data, p.column)}: {p.rule}" for p in header))
        options = ImportOptions(kind=kind, path=Path("event"), mapping=mapping, live=live)
        for attempt in range(1, EVENT_ATTEMPTS + 1):
            report = ImportReport(new_id(), kind, "event", source)
            try:
                with self.engine.begin() as conn:
                    run = Run(
                        conn,
                        self.bus,
                        source,
                        mapping,
                        self.clock.now(),
                        live=live,
                        erased=self.erased,
                        seal=self.seal,
                        alone=True,
                    )
                    rejects = DiscardedRejects(Path("event"), batch.table.column_names, source)
                    # one record: written directly (a stage and a merge per event would cost
                    # more than they save, and concurrent events would race on the stage's DDL)
                    chunks = Chunks(run, plan, writer_for(kind), options, report, rejects)
                    chunks.process(batch)
                    chunks.finish()
                    report.counts = dict(run.counts)
                    if report.problem_count:
                        shown = "; ".join(  # once each: a head's field fails every line
                            dict.fromkeys(
                                f"{field_path(data, plan.sources.get(p.column, p.column), p.line)}"
                                f": {p.rule} (value {p.value!r})"
                                for p in report.problems[:20]
                            )
                        )
                        raise InvalidInput(f"event rejected: {shown}")
            except DBAPIError as exc:
                if not lost_race(exc):
                    raise
                if attempt == EVENT_ATTEMPTS:
                    raise Conflict(
                        f"event: lost {attempt} races with concurrent writes of the same rows; "
                        "send it again"
                    ) from exc
                time.sleep(random.uniform(0.0, 0.02 * attempt))
                continue
            break
        report.status = "loaded"
        return report

    def overview(self, *, recent: int = 10) -> DataOverview:
        """What the store holds table by table, the ``recent`` latest imports, rows per month."""
        return overview_of(self.engine, recent=recent)

    def record_load(
        self,
        conn: Connection,
        *,
        kind: str,
        name: str,
        rows: int,
        started_at: datetime,
        finished_at: datetime,
    ) -> None:
        """Record rows another part of the system wrote (the demo) as a finished import.

        Runs in ``conn``, the writer's transaction, so the record commits with the rows. The
        run's ``file_sha256`` is the digest of ``name`` (the command that made the rows).
        """
        id_ = new_id()
        digest = hashlib.sha256(name.encode()).hexdigest()
        store.start_import(conn, id_=id_, kind=kind, file_name=name, sha256=digest, at=started_at)
        store.finish_import(
            conn, id_, finished_at=finished_at, status="loaded", rows_read=rows, rows_loaded=rows
        )

    def _finish(self, report: ImportReport, message: str | None = None) -> None:
        if message is None and report.problem_count:
            message = f"{report.problem_count} problem(s); first: {report.problems[0]}"
        if message is None and report.rows_dropped_erased:
            message = f"{report.rows_dropped_erased} row(s) of erased people dropped"
        with self.engine.begin() as conn:
            store.finish_import(
                conn,
                report.import_id,
                finished_at=self.clock.now(),
                status=report.status,
                rows_read=report.rows_read,
                rows_loaded=report.rows_loaded,
                rows_rejected=report.rows_rejected,
                reject_file=report.reject_file,
                message=message,
            )
            detail: dict[str, str | int] = {
                "kind": report.kind,
                "status": report.status,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
            }
            act = PrivilegedActDone("ingest.import", target=report.import_id, detail=detail)
            self.bus.publish(act, conn)

    def _run(
        self,
        options: ImportOptions,
        source_file: SourceFile,
        report: ImportReport,
        progress: Callable[[int], None] | None,
    ) -> None:
        kind = KINDS[options.kind]
        plan = plan_columns(
            source_file.name,
            source_file.columns,
            kind,
            options.mapping,
            header_line=source_file.lead_lines + 1,
        )
        header = plan.header_problems(options.ignore_unknown)
        if header:
            report.status = "failed"
            report.problems, report.problem_count = header, len(header)
            return
        rejects = RejectFile(
            options.rejects_path or default_reject_path(options.path),
            source_file.columns,
            report.source,
            numbered=kind.name == "orders" and not plan.provides("line_no"),
            given=plan.sources.get("line_no") if kind.name == "orders" else None,
        )
        with self.engine.connect() as conn:
            store.begin_bulk(conn)
            try:
                stale = self._load(conn, options, source_file, plan, report, rejects, progress)
            except Exception as exc:
                conflict = _written_meanwhile(exc, source_file.name)
                if conflict is None:
                    raise
                raise conflict from exc
            else:
                # SQLite (PostgreSQL's job was queued): after the commit, before end_bulk
                # starts the checkpoint, which then copies the statistics' pages too
                statistics.analyze_now(conn, stale)
            finally:
                rejects.close()  # already closed unless the load raised
                store.end_bulk(conn)
        if rejects.rows:
            report.reject_file = str(rejects.path)

    def _load(
        self,
        conn: Connection,
        options: ImportOptions,
        source_file: SourceFile,
        plan: ColumnPlan,
        report: ImportReport,
        rejects: RejectFile,
        progress: Callable[[int], None] | None,
    ) -> list[str]:
        """Read, check and write the file in one transaction; the tables to analyze once it
        committed (``service.statistics``)."""
        stale: list[str] = []
        with conn.begin() as tx:
            before = statistics.mark(conn)
            run = Run(
                conn,
                self.bus,
                report.source,
                options.mapping,
                self.clock.now(),
                live=options.live,
                customer_source=options.customer_source,
                erased=self.erased,
                seal=self.seal,
                first_share=store.first_chunk_share(conn, source_file.format),
                chunk_rows=options.chunk_rows,
                file_bytes=_size(source_file.path),
            )
            chunks = Chunks(
                run, plan, writer_for(options.kind, conn.dialect.name), options, report, rejects
            )
            deferred = store.defer_indexes(conn, options.kind)
            for batch in batches(source_file, options.chunk_rows, first_rows=run.first_rows):
                chunks.process(batch)
                if progress:
                    progress(batch.table.num_rows)
            for problem in source_file.row_problems:
                chunks.unreadable(problem)
            store.settle(conn)  # a write that failed behind raises its own error, problems or not
            chunks.finish()
            store.settle(conn)  # every write done and announced before the indexes and commit
            store.restore_indexes(conn, deferred)
            rejects.close()
            if report.rows_read == 0 and not source_file.row_problems:
                raise InvalidInput(_no_data_rows(source_file))
            if report.problem_count and not options.allow_rejects:
                tx.rollback()  # nothing written: nothing counted either
                report.status, report.rows_loaded = "failed", 0
            else:
                report.counts = dict(run.counts)
                report.status = "loaded_with_rejects" if report.rows_rejected else "loaded"
                stale = statistics.analyze_after(conn, before, now=self.clock.now())
        return stale


def _no_data_rows(source_file: SourceFile) -> str:
    """'The file has no data rows', on the line they would begin on (a Parquet file has no
    lines)."""
    if source_file.format == "parquet":
        return f"{source_file.name}: the file has no data rows"
    return f"{source_file.name}: line {source_file.first_data_line}: the file has no data rows"


def _written_meanwhile(exc: Exception, name: str) -> Conflict | None:
    """A unique key broken by rows another writer committed while the import ran (an order
    posted by the API after the import found it new and before its ``COPY``): said as such,
    since nothing in the file is wrong and running it again updates those rows. ``exc`` is
    SQLAlchemy's error, or the driver's own from a write behind (``store.behind``)."""
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(error, "sqlstate", None) != "23505":
        return None
    diag = getattr(error, "diag", None)
    detail = getattr(diag, "message_detail", None) or str(error).splitlines()[0]
    return Conflict(
        f"{name}: another writer stored some of the same rows while this import ran "
        f"({detail}); nothing was imported: import the file again, it then updates them"
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
