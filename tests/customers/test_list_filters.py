"""The customer list narrowed by the models' segments, churn-risk band, country and language,
and its CSV download (personal data: analysts and admins, audited), on both stores."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.app import Services
from opencx.audit.store import audit_log
from opencx.db.schema import customer_scores
from tests.customers.test_edges import client, log_in, services  # noqa: F401

pytestmark = pytest.mark.usefixtures("client")


@pytest.fixture
def scored(services: Services, seed: Any) -> dict[str, str]:  # noqa: F811
    """Ann (NL, nl), Bo (GB, en) and Cy (NL, en); an old RFM run called everyone Lost, the
    latest calls Ann and Cy Champions, Bo At risk; churn risk high for Ann only."""
    ann = seed.customer(name="Ann Aalst", country="NL", language="nl", email="ann@example.nl")
    bo = seed.customer(created=1, name="Bo Berg", country="GB", language="en")
    cy = seed.customer(created=2, name="Cy Claes", country="NL", language="en")
    old, new = seed.model_run(seed.day(1), "rfm"), seed.model_run(seed.day(9), "rfm")
    churn, personas = seed.model_run(seed.day(9), "churn"), seed.model_run(seed.day(9), "p")
    rows = [(who, old, "rfm_segment", 1.0, {"name": "Lost"}) for who in (ann, bo, cy)]
    rows += [
        (ann, new, "rfm_segment", 11.0, {"name": "Champions"}),
        (bo, new, "rfm_segment", 5.0, {"name": "At risk"}),
        (cy, new, "rfm_segment", 11.0, {"name": "Champions"}),
        (ann, churn, "churn_risk", 0.81, {}),
        (bo, churn, "churn_risk", 0.6, {}),
        (cy, churn, "churn_risk", 0.05, {}),
        (ann, personas, "persona", 2.0, {}),
    ]
    with services.engine.begin() as conn:
        conn.execute(
            customer_scores.insert(),
            [
                {"customer_id": c, "model_run_id": r, "kind": k, "value": v, "details": d}
                for c, r, k, v, d in rows
            ],
        )
    return {"ann": ann, "bo": bo, "cy": cy}


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/customers/[^"]+">([^<]+)</a>', html)


def test_the_list_filters_and_downloads_as_csv_for_analysts_audited(
    client: TestClient,  # noqa: F811
    services: Services,  # noqa: F811
    scored: Any,
) -> None:
    log_in(client, services)
    page = client.get("/customers", params={"rfm_segment": "Champions"}).text
    assert names(page) == ["Cy Claes", "Ann Aalst"] and "2 customers" in page
    assert '<option value="Lost"' not in page  # only the latest segments are offered
    assert names(client.get("/customers", params={"rfm_segment": "Lost"}).text) == []
    high = client.get("/customers", params={"churn_band": "high"}).text
    assert names(high) == ["Bo Berg", "Ann Aalst"]  # 60% is high, the band's low bound
    both = {"rfm_segment": "Champions", "country": "nl", "language": "EN"}
    assert names(client.get("/customers", params=both).text) == ["Cy Claes"]
    assert names(client.get("/customers", params={"persona": "persona 2"}).text) == ["Ann Aalst"]
    # the next page keeps the filter and the search
    first = client.get("/customers", params={"rfm_segment": "Champions", "limit": 1}).text
    after = re.search(r'href="/customers\?([^"]+)">Next page', first)
    assert after and "rfm_segment=Champions" in after.group(1)
    rest = client.get("/customers?" + after.group(1).replace("&amp;", "&")).text
    assert names(rest) == ["Ann Aalst"]
    assert client.get("/customers", params={"churn_band": "extreme"}).status_code == 422
    # agents see the list, not the download (personal data in bulk: analysts and admins)
    assert "Download CSV" not in page
    assert client.get("/customers.csv").status_code == 403

    log_in(client, services, role="analyst")
    page = client.get("/customers", params={"country": "NL"}).text
    link = re.search(r'href="(/customers\.csv[^"]*)"', page)
    assert link and "country=NL" in link.group(1)
    r = client.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["name"], x["rfm_segment"], x["churn_risk"]) for x in rows] == [
        ("Cy Claes", "Champions", "0.05"),
        ("Ann Aalst", "Champions", "0.81"),
    ]
    assert rows[1]["email"] == "ann@example.nl" and rows[1]["persona"] == "persona 2"
    with services.engine.connect() as conn:
        acts = conn.execute(sa.select(audit_log.c.action, audit_log.c.detail)).all()
    assert [(a, d) for a, d in acts if a == "customers.list_download"] == [
        ("customers.list_download", {"rows": 2})
    ]
