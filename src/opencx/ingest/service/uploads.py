"""An uploaded file imported as a job: kept in a folder of its own, imported outside the request
that uploaded it (the import page and ``POST /api/imports`` both queue :data:`IMPORT_JOB`), its
outcome (counts, the first problems, the reject file) kept as the job's output.

The folder is under ``imports_dir`` (``OPENCX_IMPORTS_DIR``, default the system's temporary
folder): every process that runs jobs must see it (a shared volume when workers run elsewhere).
An upload and its reject file are kept :data:`KEEP_UPLOADS` after they were last written, then
deleted by :data:`PRUNE_JOB` (:func:`prune_uploads`); an erasure deletes at once every upload
that mentions the person (:func:`forget_uploads_of`).
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

from opencx.core.errors import InvalidInput, NotFound
from opencx.ingest.domain import KINDS, with_flags
from opencx.ingest.domain import Mapping as ColumnMapping
from opencx.ingest.domain.mapping import PAGE_ADVICE, UPLOAD_ADVICE, Advice
from opencx.ingest.service.importing import IngestService
from opencx.ingest.service.report import ImportOptions, ImportReport
from opencx.ingest.store.mapping_files import bundled_names, load_mapping

IMPORT_JOB = "ingest.import"
PRUNE_JOB = "ingest.prune_uploads"
KEEP_UPLOADS = timedelta(days=7)  # an upload's rejects can be downloaded for a week
UPLOADS = "opencx-imports"
SHOWN_PROBLEMS = 50
_TOKEN = re.compile(r"[0-9a-f]{32}")
REJECTS = "rejects.csv"

Edge = Literal["api", "page"]
ADVICE: dict[str, Advice] = {"api": UPLOAD_ADVICE, "page": PAGE_ADVICE}
"""The words an upload's refusals are said in: the form fields of ``POST /api/imports``, or
the import page's labels (a job queued before the edge was kept: the API's)."""


def uploads_root(imports_dir: str | None = None) -> Path:
    """The folder holding one sub-folder per upload (created private on first use)."""
    folder = Path(imports_dir) if imports_dir else Path(tempfile.gettempdir()) / UPLOADS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def check_request(kind: str, mapping: str, columns: str, edge: Edge = "api") -> ColumnMapping:
    """The mapping an upload asks for, checked before anything is stored or queued; its
    refusals, now and while it is imported, in the words of ``edge``."""
    if kind not in KINDS:
        raise InvalidInput(f"kind {kind!r}: choose one of {', '.join(KINDS)}")
    if mapping and mapping not in bundled_names():
        raise InvalidInput(f"mapping {mapping!r}: choose one of {', '.join(bundled_names())}")
    base = replace(load_mapping(mapping) if mapping else ColumnMapping(), advice=ADVICE[edge])
    if base.kind and base.kind != kind:
        raise InvalidInput(f"mapping {mapping!r} is for {base.kind}, not {kind}")
    with_flags(base, maps=_maps(columns))  # a malformed FIELD=COLUMN line is said now
    return base


def _maps(columns: str) -> list[str]:
    return [line.strip() for line in columns.splitlines() if line.strip()]


def save_upload(root: Path, filename: str | None, content: BinaryIO) -> tuple[str, Path]:
    """Store an uploaded file in a new private folder; its token and path."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename or "upload.csv").name).strip("._")
    if not name:
        raise InvalidInput("the uploaded file has no name; give it one ending in .csv, .xlsx, …")
    token = secrets.token_hex(16)
    folder = root / token
    folder.mkdir(mode=0o700)
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(content, out)
    return token, path


def prune_uploads(root: Path, before: datetime) -> int:
    """Delete the upload folders under ``root`` whose files were all last written before
    ``before`` (the upload, its reject file); how many. Anything that is not an upload's folder
    is left alone."""
    pruned = 0
    for folder in root.iterdir():
        if not (_TOKEN.fullmatch(folder.name) and folder.is_dir()):
            continue
        written = [folder.stat().st_mtime, *(f.stat().st_mtime for f in folder.iterdir())]
        if datetime.fromtimestamp(max(written), UTC) < before:
            shutil.rmtree(folder, ignore_errors=True)
            pruned += 1
    return pruned


TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson"}
MIN_MENTION = 3  # shorter values ("Li") are not searched for: they would match every file
_CHUNK = 1 << 20


def forget_uploads_of(root: Path, personal: Sequence[str]) -> int:
    """Erasure: delete every upload folder (file and rejects) that mentions one of ``personal``
    (the erased person's name, email, phone, identity values) in any case, or that holds a file
    it cannot read as text (a spreadsheet, a compressed file: it may). How many were deleted.
    An import still reading a deleted file finishes from its open handle; a queued one fails
    with "no upload"; either way no row of the person is loaded again (their keys are
    tombstoned)."""
    values = {v.casefold() for v in personal if len(v.strip()) >= MIN_MENTION}
    if not values:
        return 0
    deleted = 0
    for folder in root.iterdir():
        if not (_TOKEN.fullmatch(folder.name) and folder.is_dir()):
            continue
        if any(_mentions(f, values) for f in folder.iterdir() if f.is_file()):
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def _mentions(path: Path, values: set[str]) -> bool:
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return True
    overlap = max(len(v) for v in values)
    tail = ""
    with path.open(encoding="utf-8", errors="replace") as text:
        while chunk := text.read(_CHUNK):
            window = tail + chunk.casefold()
            if any(v in window for v in values):
                return True
            tail = window[-overlap:]
    return False


def queue_upload(
    submit: Callable[[str, dict[str, Any]], str],
    imports_dir: str | None,
    filename: str | None,
    content: BinaryIO,
    *,
    kind: str,
    mapping: str = "",
    columns: str = "",
    source: str = "",
    allow_rejects: bool = False,
    create_missing_customers: bool = False,
    edge: Edge = "api",
) -> str:
    """Check the request, store the file and submit :data:`IMPORT_JOB` for it (the page and
    ``POST /api/imports`` alike, ``edge`` saying which); the job's id. A wrong kind, mapping
    or column line raises :class:`InvalidInput` before anything is stored."""
    check_request(kind, mapping, columns, edge)
    token, path = save_upload(uploads_root(imports_dir), filename, content)
    params = {
        "upload": token,
        "file": path.name,
        "kind": kind,
        "mapping": mapping,
        "columns": _maps(columns),
        "source": source.strip(),
        "allow_rejects": allow_rejects,
        "create_missing_customers": create_missing_customers,
        "edge": edge,
    }
    return submit(IMPORT_JOB, params)


def folder_of(root: Path, token: str) -> Path:
    """The folder of upload ``token`` (NotFound for anything that is not one)."""
    folder = root / token
    if not _TOKEN.fullmatch(token) or not folder.is_dir():
        raise NotFound(f"no upload {token!r} (kept until the imports folder is cleared)")
    return folder


def import_upload(
    service: IngestService,
    root: Path,
    params: Mapping[str, Any],
    progress: Callable[[str, float | None], None],
) -> dict[str, Any]:
    """Run :data:`IMPORT_JOB`: import the upload ``params`` name; the outcome as JSON."""
    folder = folder_of(root, str(params["upload"]))
    kind, mapping = str(params["kind"]), str(params.get("mapping") or "")
    edge: Edge = "page" if params.get("edge") == "page" else "api"
    base = check_request(kind, mapping, "", edge)
    merged = with_flags(
        base,
        maps=[str(m) for m in params.get("columns") or []],
        source=str(params.get("source") or "") or None,
        create_missing_customers=bool(params.get("create_missing_customers")) or None,
    )
    options = ImportOptions(
        kind=kind,
        path=folder / str(params["file"]),
        mapping=merged,
        allow_rejects=bool(params.get("allow_rejects")),
        rejects_path=folder / REJECTS,
    )
    read = [0]
    size = options.path.stat().st_size

    def rows(n: int) -> None:
        read[0] += n
        progress(f"{read[0]:,} rows read", None)

    progress(f"reading {options.path.name} ({size:,} bytes)", None)
    # bad rows are the report's problems; an unreadable file raises InvalidInput, which the
    # job records as its error without trying again (the file cannot change)
    report = service.import_file(options, rows)
    progress(f"{report.rows_read:,} rows read, {report.rows_loaded:,} loaded", 1.0)
    return outcome(report, str(params["upload"]))


def outcome(report: ImportReport, token: str) -> dict[str, Any]:
    """An import's report as the job's output (the first :data:`SHOWN_PROBLEMS` problems)."""
    has_rejects = bool(report.reject_file and Path(report.reject_file).exists())
    return {
        "import_id": report.import_id,
        "status": report.status,
        "kind": report.kind,
        "file": report.file,
        "source": report.source,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "rows_skipped": report.rows_skipped,
        "rows_dropped_erased": report.rows_dropped_erased,
        "counts": dict(report.counts),
        "problem_count": report.problem_count,
        "problems": [str(p) for p in report.problems[:SHOWN_PROBLEMS]],
        "rejects": token if has_rejects else None,
    }
