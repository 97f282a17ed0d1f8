"""``POST /api/imports`` and the import page say what to change in their own words: the API
names its form fields (``columns``, ``create_missing_customers``), the page its labels
('Column mapping', 'Create customers the rows refer to'); neither names an option of
``opencx import`` (``--map``, ``--decimal``, ``--create-missing-customers``, ``--anonymous``,
``--date-format``, ``--encoding``, ``--ignore-unknown``), which neither caller can pass. The
command's own words are unchanged. Both stores.

Before, an upload's refusals were the command's: 'unknown customer (import customers first or
pass --create-missing-customers)', "--map 'x': expected FIELD=COLUMN", 'give the file's
encoding with --encoding, e.g. cp1252'.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from opencx.access.service import AccessService
from opencx.ingest.store.formats.encoding import SAMPLE_BYTES

CLI = re.compile(
    r"--(map|decimal|create-missing-customers|anonymous|date-format|encoding|ignore-unknown)\b"
)
ORDERS = (
    "order_id,placed_at,currency,sku,quantity,unit_price,customer\n"
    'o1,2026-01-10T10:00:00Z,EUR,MUG,1,"1.234,50",c1\n'
    "o2,2026-01-10T10:00:00Z,EUR,MUG,1,2.50,ghost\n"
    "o3,2026-01-10T10:00:00Z,EUR,MUG,1,2.50,\n"
)
ROWS = "".join(f"c{i},Customer number {i}\n" for i in range(SAMPLE_BYTES // 20))
CASES: dict[str, dict[str, Any]] = {
    "a column line": {
        "form": {"kind": "customers", "columns": "no equals sign"},
        "file": "external_id,name\nc1,Ann\n",
        "api": ["columns: line 'no equals sign': expected FIELD=Column, e.g. order_id=InvoiceNo"],
        "page": ["Column mapping: line 'no equals sign': expected FIELD=Column"],
    },
    "an unknown column": {
        "form": {"kind": "customers"},
        "file": "external_id,name,Tier\nc1,Ann,gold\n",
        "api": ["unknown column (map it to a field with a FIELD=Column line in columns"],
        "page": ["unknown column (map it to a field with a line FIELD=Column under 'Column"],
    },
    "a missing column": {
        "form": {"kind": "customers"},
        "file": "name\nAnn\n",
        "api": ["missing required column (name it in columns: a FIELD=Column line)"],
        "page": ["missing required column (map it with a line FIELD=Column under 'Column"],
    },
    "rows of orders": {
        "form": {"kind": "orders", "allow_rejects": "true"},
        "file": ORDERS,
        "api": [
            "not a number (write amounts with '.' before the decimals and no thousands",
            "unknown customer (import customers first, or set create_missing_customers=true)",
            "no customer given (an upload loads no order without one)",
        ],
        "page": [
            "not a number (write amounts with '.' before the decimals and no thousands",
            "unknown customer (import customers first, or tick 'Create customers the rows",
            "no customer given (an upload loads no order without one)",
        ],
    },
    "a mapping's date format": {
        "form": {"kind": "orders", "mapping": "cdnow"},
        "file": "customer_id date number_of_cds dollar_value\n1 2026-01-10 1 9.99\n",
        "api": ["not a date in the mapping's date format '%Y%m%d'"],
        "page": ["not a date in the mapping's date format '%Y%m%d'"],
    },
    "a byte of another encoding": {
        "form": {"kind": "customers", "allow_rejects": "true"},
        "file": ("external_id,name\n" + ROWS).encode() + "c0,André\n".encode("cp1252"),
        "api": ["(convert the file to UTF-8, e.g. iconv -f cp1252 -t utf-8)"],
        "page": ["(convert the file to UTF-8, e.g. iconv -f cp1252 -t utf-8)"],
    },
}


def _api(client: TestClient, key: str, case: dict[str, Any]) -> str:
    """What the API says of the upload: its refusal, or the finished job's problems and error."""
    content = case["file"] if isinstance(case["file"], bytes) else case["file"].encode()
    r = client.post(
        "/api/imports",
        data=case["form"],
        files={"file": ("upload.csv", content, "text/csv")},
        headers={"X-API-Key": key},
    )
    if r.status_code != 202:
        assert r.status_code == 422, r.text
        return r.text
    for _ in range(600):
        job = client.get(r.headers["Location"], headers={"X-API-Key": key}).json()
        if job["done"]:
            return " ".join([job["error"] or "", *job["output"].get("problems", [])])
        time.sleep(0.05)
    raise AssertionError("the import did not end")


def _page(client: TestClient, token: str, case: dict[str, Any]) -> str:
    """What the import page says of the upload: its refusal, or the job page once done."""
    content = case["file"] if isinstance(case["file"], bytes) else case["file"].encode()
    queued = client.post(
        "/data/import",
        data={"csrf_token": token, **case["form"]},
        files={"file": ("upload.csv", content, "text/csv")},
        follow_redirects=False,
    )
    if queued.status_code != 303:
        assert queued.status_code == 422, queued.text
        return html.unescape(queued.text)
    for _ in range(600):
        shown = client.get(queued.headers["location"])
        if 'data-done="true"' in shown.text or 'id="import-job"' not in shown.text:
            return html.unescape(shown.text)
        time.sleep(0.05)
    raise AssertionError("the import did not end")


@pytest.mark.parametrize("name", list(CASES))
def test_the_api_says_it_in_its_form_fields(
    client: TestClient, access: AccessService, name: str
) -> None:
    key = access.create_api_key("uploads", ["imports:write"]).secret
    said = _api(client, key, CASES[name])
    for words in CASES[name]["api"]:
        assert words in said, said
    assert not CLI.search(said), said


@pytest.mark.parametrize("name", list(CASES))
def test_the_page_says_it_in_its_labels(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
    name: str,
) -> None:
    log_in(users["admin"])
    said = _page(client, csrf_from(client.get("/data/import").text), CASES[name])
    for words in CASES[name]["page"]:
        assert words in said, said[-3000:]
    assert not CLI.search(said), CLI.search(said)
