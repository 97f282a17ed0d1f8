"""One run's chunks: each parsed, checked, resolved, written by its kind's writer, its bad rows
rejected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core import Problem
from opencx.ingest.domain import RESERVED
from opencx.ingest.domain.arrow_arrays import filled, from_numpy, to_numpy
from opencx.ingest.domain.validation import (
    ROW_RULES,
    ColumnPlan,
    DuplicateFinder,
    OrderHeads,
    Parsed,
    TakenLineNumbers,
    parse_chunk,
)
from opencx.ingest.domain.validation.duplicates import order_id_hashes
from opencx.ingest.service.erased import erased_rows
from opencx.ingest.service.report import ImportOptions, ImportReport
from opencx.ingest.service.run import Run
from opencx.ingest.service.writers.order_state import OrderState
from opencx.ingest.service.writers.orders import OrderWriter
from opencx.ingest.service.writers.records import RECORDS, RecordWriter
from opencx.ingest.service.writers.staged_orders import StagedOrderWriter
from opencx.ingest.service.writers.surveys import AnswerWriter, CaseEventWriter, ResponseWriter
from opencx.ingest.store.formats import Batch
from opencx.ingest.store.rejects import RejectFile

KEEP_PROBLEMS = 1000


class Writer(Protocol):
    def resolve(self, run: Run, parsed: Parsed) -> None: ...
    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int: ...
    def finish(self, run: Run) -> None: ...


def writer_for(kind: str, dialect: str | None = None) -> Writer:
    """The writer of ``kind``; orders files on PostgreSQL (``dialect``) are staged and merged
    set-based, everything else is written chunk by chunk."""
    if kind in RECORDS:
        return RecordWriter(kind)
    if kind == "orders" and dialect == "postgresql":
        return StagedOrderWriter()
    writers: dict[str, Callable[[], Writer]] = {
        "orders": OrderWriter,
        "case_events": CaseEventWriter,
        "responses": ResponseWriter,
        "answers": AnswerWriter,
    }
    return writers[kind]()


def _taken(given: bool, earlier: int, number: int) -> str:
    """Why a row's line number is refused: an earlier row of its order took it, ``line
    earlier`` of the file, by its place (the row gives it) or by giving it (the row is
    counted to it)."""
    every = "or give every row of the order its line_no"
    if given:
        return (
            f"duplicate line_no: line {earlier} of the file, a row of the same order without"
            f" line_no, is line {number} of it by its place in the order (give this row another"
            f" line_no, {every})"
        )
    return (
        f"no line_no, and its place in its order makes it line {number}, the line_no line"
        f" {earlier} of the file gives (give this row a line_no of its own, {every})"
    )


class Chunks:
    """Parse, check, resolve and write chunk after chunk of one run."""

    def __init__(
        self,
        run: Run,
        plan: ColumnPlan,
        writer: Writer,
        options: ImportOptions,
        report: ImportReport,
        rejects: RejectFile,
    ) -> None:
        self.run, self.plan, self.writer = run, plan, writer
        self.options, self.report, self.rejects = options, report, rejects
        self.rows = DuplicateFinder(alone=run.alone)
        self.keys = DuplicateFinder(alone=run.alone)
        self.key = "external_id" if "external_id" in plan.kind.names else None
        self.orders = OrderHeads(alone=run.alone) if plan.kind.name == "orders" else None
        # the line numbers each order's rows took, when the file gives some (else each row
        # is numbered by its place, which no other row of its order takes)
        numbered = plan.kind.name == "orders" and plan.provides("line_no")
        self.lines = TakenLineNumbers(alone=run.alone) if numbered else None
        # each order's rows so far, rejected ones included: a line's number is its place
        self.places = OrderState(alone=run.alone) if plan.kind.name == "orders" else None

    def process(self, batch: Batch) -> None:
        report = self.report
        report.rows_read += batch.table.num_rows
        parsed = parse_chunk(batch.table, batch.lines, self.plan)
        dropped = erased_rows(self.run, self.plan.kind.name, parsed)
        if dropped.any():  # an erased person's rows: dropped and counted, never restored
            report.rows_dropped_erased += int(dropped.sum())
            self.run.count("erased_rows_dropped", int(dropped.sum()))
            kept = from_numpy(~dropped)
            batch = Batch(batch.table.filter(kept), batch.lines.filter(kept))
            parsed = parse_chunk(batch.table, batch.lines, self.plan)
        table = batch.table
        rule = ROW_RULES.get(self.plan.kind.name)
        if rule is not None:
            rule(parsed, self.run.mapping)
        skipped, repeated = self._duplicates(table, parsed)
        if self.orders is not None:
            self.orders.check(parsed, batch.lines)
            self._places(parsed, skipped)
            displaced = self._lines_taken_twice(parsed, batch.lines, skipped | repeated)
        else:
            displaced = None
        self.writer.resolve(self.run, parsed)
        failed = report.problem_count + len(parsed.problems) > 0
        if not failed or self.options.allow_rejects:
            keep = ~parsed.bad & ~skipped
            report.rows_loaded += self.writer.write(self.run, parsed, keep)
        self._reject(batch, parsed, displaced)

    def finish(self) -> None:
        """Let the writer merge what it staged, unless the run has already failed."""
        if self.report.problem_count and not self.options.allow_rejects:
            return
        self.writer.finish(self.run)

    def _duplicates(self, table: pa.Table, parsed: Parsed) -> tuple[np.ndarray, np.ndarray]:
        """The rows that repeat an earlier row of the file exactly: those skipped (the
        mapping's ``duplicates = "skip"``), and those rejected for it (``"reject"``)."""
        none = np.zeros(table.num_rows, dtype=bool)
        if self.run.mapping.duplicates == "keep":
            return none, none
        columns = [c for c in table.column_names if c not in RESERVED]
        repeated = self.rows.mark(table, columns)
        if self.run.mapping.duplicates == "skip":
            self.report.rows_skipped += int(repeated.sum())
            return repeated, none
        parsed.flag(repeated, "*", "duplicate row: an earlier row of the file is identical")
        if self.key is not None:
            same_key = self.keys.mark(pa.table({"k": parsed.columns[self.key]}), ["k"])
            rule = f"duplicate {self.key}: an earlier row of the file has the same {self.key}"
            parsed.flag(same_key & ~repeated, self.key, rule)
        return none, repeated

    def _lines_taken_twice(
        self, parsed: Parsed, lines: pa.Array, repeats: np.ndarray
    ) -> np.ndarray | None:
        """Reject a row that takes a line number of its order an earlier row of the file took
        (``repeats``: the exact repeats already skipped or rejected as such): one line of an
        order cannot be two. A row takes the number it gives, or without one its place in its
        order (``line_at``), so a number given and a place counted can meet: the later row is
        rejected, naming the earlier one. Written, the later row replaced the earlier one, and
        the returns linked to that line (by its SKU and its customer's earlier line) then
        differed by store and by path (kept on another SKU, or unlinked, its order left
        ``partly_returned``). Under ``duplicates = "keep"`` an exact repeat that gives a line
        number is rejected too: it cannot be kept as a second line.

        Rejected rather than numbered around the numbers given: a row's number stays its
        place whatever the other rows give, so importing the file again, or a later file with
        more of the order, writes each line where it was (numbering around a number given
        later in the file would need the whole file first, and would move the lines counted
        when a number is given or changed, leaving the old rows behind).

        Returns the rows without ``line_no`` rejected so, whose place another row gives (None
        when there are none): the reject file numbers them past every number the file's rows
        took, not by their place, so a fixed one does not overwrite the line given."""
        if self.lines is None:
            return None
        given_numbers = parsed.columns["line_no"]
        given = to_numpy(pc.is_valid(given_numbers))
        numbers = pc.coalesce(
            pc.cast(given_numbers, pa.int64()), pc.cast(parsed.columns["line_at"], pa.int64())
        )
        order_ids = parsed.columns["order_id"]
        rows = np.flatnonzero(to_numpy(pc.and_(pc.is_valid(order_ids), pc.is_valid(numbers))))
        taken = from_numpy(rows)
        at_line = to_numpy(lines).astype(np.int64)
        first, first_given = self.lines.take(
            pc.take(order_ids, taken), pc.take(numbers, taken), at_line[rows], given[rows]
        )
        clash = (first >= 0) & ~repeats[rows]
        if not clash.any():
            return None
        twice = np.zeros(len(given), dtype=bool)
        twice[rows[clash & given[rows] & first_given]] = True
        rule = "duplicate line_no: an earlier row of the file has the same order_id and line_no"
        parsed.flag(twice, "line_no", rule)
        number = filled(numbers, 0)
        displaced = np.zeros(len(given), dtype=bool)
        for i in np.flatnonzero(clash & (given[rows] != first_given)).tolist():
            row, earlier, n = int(rows[i]), int(first[i]), int(number[rows[i]])
            mask = np.zeros(len(given), dtype=bool)
            mask[row] = True
            parsed.flag(mask, "line_no", _taken(given[row], earlier, n))
            displaced[row] = not given[row]
        return displaced if displaced.any() else None

    def _places(self, parsed: Parsed, skipped: np.ndarray) -> None:
        """Number each row by its place in its order across the file (``line_at``), the rows
        rejected included (not those skipped as exact repeats, nor one without an order id):
        the writers number an order's lines so when the file gives no ``line_no``, and the
        reject file carries a rejected row's number, so the fixed row, imported again, lands
        on its own line and not on line 1 of lines already stored."""
        assert self.places is not None
        order_ids = parsed.columns["order_id"]
        if isinstance(order_ids, pa.ChunkedArray):
            order_ids = order_ids.combine_chunks()
        counted = ~skipped & to_numpy(pc.is_valid(order_ids))
        line_at = np.zeros(len(counted), np.int64)
        if counted.all():  # every row: the chunk's own encoding of its order ids, and hashes
            encoded = parsed.encoded("order_id")
            hashes = None if self.run.alone else order_id_hashes(parsed)
            values, _ = self.places.slots_of(encoded.dictionary, hashes)
            at = to_numpy(encoded.indices)
            line_at[:] = self.places.number_lines(encoded.dictionary, values, at)
        elif counted.any():
            rows = np.flatnonzero(counted)
            encoded = pc.dictionary_encode(order_ids.take(from_numpy(rows)))
            values, _ = self.places.slots_of(encoded.dictionary)
            at = to_numpy(encoded.indices)
            line_at[rows] = self.places.number_lines(encoded.dictionary, values, at)
        if counted.any():  # 0 where not counted
            self.rejects.took_line_numbers(int(line_at.max()))
        given = pc.max(parsed.columns["line_no"]).as_py() if "line_no" in parsed.columns else None
        if given is not None:  # the numbers rows give count too (a file mapping line_no)
            self.rejects.took_line_numbers(int(given))
        parsed.columns["line_at"] = from_numpy(line_at.astype(np.int32), nulls=~counted)

    def _reject(self, batch: Batch, parsed: Parsed, displaced: np.ndarray | None = None) -> None:
        """Write the chunk's rejected rows, each with its place in its order (``line_at``),
        but for the ``displaced`` ones (a place another row gives): none, so the reject file
        numbers them past every number the file took."""
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
        places = parsed.columns.get("line_at")
        if places is not None and displaced is not None:
            places = pc.if_else(from_numpy(displaced), pa.scalar(None, places.type), places)
        self.rejects.add_rows(batch.table, lines, by_row, places)

    def unreadable(self, problem: Problem) -> None:
        """A data row the reader could not split into fields (a record with the wrong number
        of fields, a line that is not JSON, a formula without a value): read, and rejected."""
        self._keep(problem)
        self.report.rows_read += 1
        self.report.rows_rejected += 1
        self.rejects.add_unreadable(problem)

    def _keep(self, problem: Problem) -> None:
        self.report.problem_count += 1
        if len(self.report.problems) < KEEP_PROBLEMS:
            self.report.problems.append(problem)
