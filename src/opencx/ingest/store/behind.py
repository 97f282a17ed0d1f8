"""Writes that run behind the caller: one thread per import connection runs them in order while
the caller reads and checks the next chunk (Arrow's parsing on one core, the database's work on
the other; ``sqlite3``, the ADBC driver and psycopg let go of the GIL while they wait or work).
A second thread prepares two-step writes (SQLite images) ahead of the writer, within a bound
(:data:`AHEAD`), so that chunk k+1's images are built while chunk k's statements run.

Any statement on the connection (SQLAlchemy's ``before_cursor_execute``), a commit and a
rollback first wait for every queued write (:func:`settle`): the statements run in the order
they were issued, a failed write raises *its own* error in the caller (so no commit follows it;
the writes queued after it are skipped) and a rollback still undoes everything. A statement sent
on the driver's own cursor is not seen by SQLAlchemy: its caller settles first.

What must follow a write (``then``: an event whose handlers read the rows) runs on the caller's
thread once the write is done, at the next :meth:`WriteBehind.submit` or explicit
:func:`settle`, when nothing is queued: its statements wait for nothing, and the write itself
overlaps whatever the caller did in between. A commit with such a follow-up not run is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection

Job = Callable[[Any], None]
"""A write run on the driver connection (``sqlite3`` or psycopg), never through SQLAlchemy.

A job may come in two steps (a :class:`TwoStep`): its ``prepare()`` (e.g. building an SQLite
image: C code that lets go of the GIL) runs first on a builder thread of its own, which touches
no connection, while the writer runs the jobs queued before it; the job itself then runs on
the writer thread."""


class TwoStep(Protocol):
    def prepare(self) -> None: ...

    def __call__(self, driver: Any) -> None: ...


AHEAD = 3
"""Two-step jobs prepared (or being prepared, or run) and not yet done, at most: one chunk's
customers, orders and lines images, built while the chunk before runs its statements. Bounds
what the builder holds in memory beyond the writer."""

_WRITER = "opencx_write_behind"


class WriteBehind:
    """The queue of one connection's writes and the threads that run them: the writer (the
    only one that uses the connection) and the builder of two-step jobs."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="write-behind")
        self._builder = ThreadPoolExecutor(1, thread_name_prefix="write-behind-build")
        self._room = threading.Semaphore(AHEAD)
        self._queued: list[tuple[Future[None], Future[Any]]] = []  # (written, let go)
        self._then: list[Callable[[], None]] = []
        self._failed = False

    def submit(self, jobs: Sequence[Job], then: Callable[[], None] | None = None) -> None:
        """Queue some writes once those before them are let go of: written, or, for writes
        that are all two-step, prepared (their rows are then the writer's own, in at most
        :data:`AHEAD` images). Memory stays bounded by the chunk size: a chunk is read while
        the one before is prepared and the one before that written, never more (a chunk
        that runs no statement would otherwise queue the whole file). A failed write is kept
        for :meth:`settle` to raise."""
        for _, let_go in self._queued:
            let_go.exception()  # waits
        self._queued = [(w, g) for w, g in self._queued if not w.done() or w.exception()]
        if not self._queued:
            self._follow()
        steps = [getattr(job, "prepare", None) for job in jobs]  # a TwoStep's first step
        ready = [None if s is None else self._builder.submit(self._prepare, s) for s in steps]
        written = self._thread.submit(self._write, list(zip(jobs, ready, strict=True)))
        last = ready[-1] if ready and all(r is not None for r in ready) else None
        self._queued.append((written, last if last is not None else written))
        if then is not None:
            self._then.append(then)

    def _follow(self) -> None:
        """Run what follows the writes done (they are, and nothing is queued)."""
        while self._then:
            self._then.pop(0)()

    def _prepare(self, prepare: Callable[[], None]) -> bool:
        """On the builder thread: a two-step job's ``prepare`` once there is room; whether it
        took room (the writer gives it back once the job has run)."""
        if self._failed:
            return False
        self._room.acquire()
        if self._failed:
            self._room.release()
            return False
        try:
            prepare()
        except BaseException:
            self._failed = True  # nothing more is built; the writer raises this error
            self._room.release()
            raise
        return True

    def _write(self, jobs: Sequence[tuple[Job, Future[bool] | None]]) -> None:
        """On the writer thread: run each job once prepared; after a failure, run none but
        still wait for each preparation and give its room back, so that the builder ends."""
        error: BaseException | None = None
        for job, ready in jobs:
            took_room = False
            try:
                if ready is not None:
                    took_room = ready.result()  # raises the builder's error
                if not self._failed:
                    job(self._driver)
            except BaseException as failure:
                self._failed = True
                error = error or failure
            finally:
                if took_room:
                    self._room.release()
        if error is not None:
            raise error

    def settle(self, *, raise_error: bool = True, follow: bool = False) -> None:
        """Wait for every queued write (each waits for its preparation); raise the first error
        (unless ``raise_error`` is off); then, with ``follow``, run what follows them (not from
        within another statement's event: it may run statements)."""
        queued, self._queued = self._queued, []
        errors = [w.exception() for w, _ in queued]  # each waits for its write to end
        self._failed = False
        error = next((e for e in errors if e is not None), None)
        if error is not None:
            self.discard()  # the import fails: nothing follows
            if raise_error:
                raise error
        if follow:
            self._follow()

    def pending(self) -> bool:
        """Whether something must still follow a write (a commit then would skip it)."""
        return bool(self._then)

    def discard(self) -> None:
        """Forget what was to follow the writes (they are being rolled back)."""
        self._then.clear()

    def close(self) -> None:
        self.discard()
        self.settle(raise_error=False)
        self._thread.shutdown()
        self._builder.shutdown()


def queue_jobs(
    conn: Connection, jobs: Sequence[Job], *, then: Callable[[], None] | None = None
) -> bool:
    """Queue ``jobs`` (and what must follow them, ``then``) on the connection's
    :class:`WriteBehind`; ``False`` (nothing queued, nothing called) when it has none: the
    caller runs them itself."""
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is None:
        return False
    if jobs or then is not None:
        writer.submit(jobs, then)
    return True


def writing_behind(conn: Connection) -> bool:
    return _WRITER in conn.info


def settle(conn: Connection, *, raise_error: bool = True) -> None:
    """Wait for the writes queued on ``conn``, if any; raise the first error; run what follows
    them (see :meth:`WriteBehind.submit`)."""
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle(raise_error=raise_error, follow=True)


def _settle_before_statement(conn: Connection, *_args: Any) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle()  # only waits: what follows the writes runs at an explicit settle


def _settle_before_commit(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle()
        if writer.pending():
            raise RuntimeError("a write's follow-up has not run: call store.settle before commit")


def _settle_before_rollback(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.get(_WRITER)
    if writer is not None:
        writer.settle(raise_error=False)  # everything is undone anyway
        writer.discard()


_LISTENERS = (
    ("before_cursor_execute", _settle_before_statement),
    ("commit", _settle_before_commit),
    ("rollback", _settle_before_rollback),
)


def begin_writing_behind(conn: Connection) -> None:
    """Give ``conn`` a :class:`WriteBehind` (see :func:`queue_jobs`)."""
    for name, listener in _LISTENERS:
        event.listen(conn, name, listener)
    conn.info[_WRITER] = WriteBehind(conn.connection.driver_connection)


def end_writing_behind(conn: Connection) -> None:
    writer: WriteBehind | None = conn.info.pop(_WRITER, None)
    if writer is not None:
        writer.close()
        for name, listener in _LISTENERS:
            event.remove(conn, name, listener)
