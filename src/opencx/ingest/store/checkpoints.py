"""An SQLite import's commit made durable by itself, its WAL checkpoint run by a thread after it.

In WAL mode with ``synchronous = NORMAL`` (the engine's setting) a commit only appends to the
write-ahead log; it becomes durable at the next checkpoint, whose ``fsync``s the commit that
crosses ``wal_autocheckpoint`` pages runs before it returns: for a large import, copying every
page it wrote into the database file (0.36–0.41 s of its tail for 500,000 order lines, more on a
busy disk). So an import's connection commits with ``synchronous = FULL`` (the commit syncs the
log: the import is durable when it returns, as PostgreSQL's ``COPY`` is at its commit) and
``wal_autocheckpoint = 0`` (the commit copies nothing), both put back afterwards
(``store.bulk``); then a thread checkpoints the log on a connection of its own (``PASSIVE``: it
waits for no reader and no writer). Meanwhile readers read the new pages from the log, as after
any commit, and the next writer's own autocheckpoint finds the checkpoint lock taken and
returns at once (SQLite never waits for that lock). A checkpoint cut short (the process killed)
leaves the log whole: the next one starts over (sqlite.org/wal.html). A process waits for a
checkpoint under way before it exits (:func:`wait_for_checkpoints`).
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import Connection

AUTOCHECKPOINT = "wal_autocheckpoint"
COPY = "PRAGMA wal_checkpoint(PASSIVE)"
_NORMAL, _FULL = 1, 2
_WAL_FRAME_HEADER = 24
_START_WAIT = 5.0  # seconds at most that an import waits for its checkpoint to start
_KEY = "opencx_checkpoint_behind"

log = logging.getLogger("opencx.ingest")

_running: set[threading.Thread] = set()
_lock = threading.Lock()
_waited_at_exit: list[bool] = []


def leave_checkpoint(conn: Connection) -> dict[str, int]:
    """Before an SQLite import's transaction: the settings that make its commit durable by
    itself and leave the checkpoint out of it (none unless the store is a file in WAL mode
    that checkpoints automatically), and the thread that will checkpoint after it, waiting
    for :func:`checkpoint_after` (which must follow, whatever happens)."""
    path = _main_file(conn)
    if path is None or conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
        return {}
    pages = int(conn.exec_driver_sql(f"PRAGMA {AUTOCHECKPOINT}").scalar() or 0)
    if pages <= 0:
        return {}  # the store is checkpointed by other means: left as it is
    tuned = {AUTOCHECKPOINT: 0}
    if conn.exec_driver_sql("PRAGMA synchronous").scalar() == _NORMAL:
        tuned["synchronous"] = _FULL  # the commit syncs the log (FULL or EXTRA are kept)
    page = int(conn.exec_driver_sql("PRAGMA page_size").scalar() or 4096)
    conn.info[_KEY] = _Checkpoint(path, pages * (page + _WAL_FRAME_HEADER))
    return tuned


def checkpoint_after(conn: Connection) -> Callable[[], None]:
    """What starts the import's checkpoint, to call once its transaction ended (committed or
    not; a no-op when :func:`leave_checkpoint` left none): its thread checkpoints the log if
    it holds as many pages as would have made the commit checkpoint (its file's size tells,
    never less). The call returns once that thread is about to run its checkpoint (or has
    decided not to), not once it holds SQLite's checkpoint lock: a commit on this thread right
    after (the import's own record) usually finds the lock taken and skips its own
    autocheckpoint, but may get there first (see :class:`_Checkpoint`)."""
    checkpoint: _Checkpoint | None = conn.info.pop(_KEY, None)
    return checkpoint.start if checkpoint is not None else _nothing


def _nothing() -> None:
    pass


def wait_for_checkpoints(timeout: float | None = None) -> None:
    """Wait until every checkpoint started after an import has ended (also run at exit)."""
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)


class _Checkpoint:
    """A thread with a connection of its own and its checkpoint statement prepared, waiting
    for the import's commit. Once told (:meth:`start`) it has little Python left to run before
    SQLite's C code takes the checkpoint lock, since the statement needs no preparing then.

    What is measured: with the thread prepared, the ``imports`` record's commit right after
    the import found the lock taken and skipped its own autocheckpoint in every bench run since
    (0.00–0.01 s, against 0.34–0.67 s when the thread was only started after the commit:
    bench/RESULTS.md). What is not guaranteed: the order. CPython's ``sqlite3`` lets go of the
    GIL around ``sqlite3_step``, and :meth:`start` returns once the thread is about to step,
    so the caller may run its next statement before the lock is taken; that commit then pays
    its own autocheckpoint (slower, as before this module, never wrong: SQLite runs one
    checkpoint at a time, a second finds the lock taken and returns)."""

    def __init__(self, path: str, due_at: int) -> None:
        self._path, self._due_at = path, due_at
        self._told = threading.Event()
        self._copying = threading.Event()
        # a daemon: a thread left waiting (its import never ended) does not hold the process;
        # a checkpoint under way is waited for at exit
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def start(self) -> None:
        with _lock:
            if not _waited_at_exit:
                atexit.register(wait_for_checkpoints)
                _waited_at_exit.append(True)
            _running.add(self._thread)
        self._told.set()
        self._copying.wait(_START_WAIT)

    def _run(self) -> None:
        try:
            # mode=rw: a store removed meanwhile is not created again, empty
            uri = f"file:{quote(self._path)}?mode=rw"
            with closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as db:
                # prepared and kept in the connection's statement cache; copies what earlier
                # commits left, if anything (the import's transaction has not committed yet)
                _copy(db)
                self._told.wait()
                if self._due():
                    self._copying.set()
                    _copy(db)  # the GIL is let go of around SQLite's step
        except sqlite3.Error as exc:  # the next autocheckpoint copies what this did not
            log.warning("checkpoint of %s after an import failed: %s", self._path, exc)
        finally:
            self._copying.set()
            with _lock:
                _running.discard(threading.current_thread())

    def _due(self) -> bool:
        try:
            return os.stat(f"{self._path}-wal").st_size >= self._due_at
        except OSError:
            return False  # no log: nothing to copy


def _copy(db: Any) -> None:
    db.execute(COPY).fetchall()


def _main_file(conn: Connection) -> str | None:
    """The file of the connection's main database; ``None`` in memory or a temporary one."""
    for _, name, file in conn.exec_driver_sql("PRAGMA database_list"):
        if name == "main":
            return str(file) or None
    return None
