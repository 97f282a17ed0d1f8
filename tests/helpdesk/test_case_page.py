"""The case page shows who the case is from beside it, and the queue names them: the customer's
name (opened through the customers slice, as stored sealed), contact details, orders, latest
score and other cases; none of it once they are erased. Both stores.

Before, the page showed the customer's id only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services, create_app
from opencx.core import FixedClock
from opencx.db.schema import answers, orders, responses, surveys
from opencx.helpdesk.service import OpenCase

from .conftest import configure_demo_desk
from .test_edges import _log_in


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _open(services: Services, subject: str) -> str:
    cmd = OpenCase(
        channel="email",
        subject=subject,
        body="Order 42",
        email="ana@example.org",
        name="Ana <b>de Vries</b>",
    )  # type: ignore[call-arg]
    return services.helpdesk.open_case(cmd).id


def test_the_case_page_shows_the_customer_their_orders_score_and_other_cases(
    client: TestClient, services: Services, hclock: FixedClock
) -> None:
    configure_demo_desk(services)
    first = _open(services, "Where is my parcel?")
    hclock.advance(timedelta(days=1))
    case_id = _open(services, "Refund please")
    customer_id = services.helpdesk.case(case_id).case.customer_id
    assert customer_id is not None
    now = hclock.now()
    order = {"source": "shop", "customer_id": customer_id, "channel": "web", "currency": "EUR"}
    placed = [("completed", 10), ("completed", 9), ("cancelled", 8)]  # days ago
    survey = {"key": "csat-case", "kind": "csat", "name": "CSAT", "version": 1}
    response = {"source": "t", "external_id": "r1", "completed": True, "submission": {}}
    with services.engine.begin() as conn:
        conn.execute(
            orders.insert(),
            [
                {
                    **order,
                    "id": f"o{i}",
                    "external_id": f"o{i}",
                    "status": status,
                    "placed_at": now - timedelta(days=ago),
                    "discount_total": Decimal(0),
                }
                for i, (status, ago) in enumerate(placed)
            ],
        )
        conn.execute(
            surveys.insert(),
            {**survey, "id": "s1", "definition": {}, "languages": ["en"], "created_at": now},
        )
        conn.execute(
            responses.insert(),
            {
                **response,
                "id": "r1",
                "survey_id": "s1",
                "customer_id": customer_id,
                "submitted_at": now - timedelta(days=2),
            },
        )
        csat = {"question_key": "csat", "question_type": "csat", "score": 2}
        conn.execute(answers.insert(), {**csat, "id": "a1", "response_id": "r1"})
    _log_in(client, services)
    page = client.get(f"/helpdesk/cases/{case_id}").text
    card = page[
        page.index('id="requester"') : page.index("</section>", page.index('id="requester"'))
    ]
    assert "Ana &lt;b&gt;de Vries&lt;/b&gt;" in card and "<b>de" not in card
    assert "ana@example.org" in card
    assert ">2 · last" in card  # the cancelled order left out
    assert "<strong>2</strong> CSAT · csat-case" in card
    assert f'href="/helpdesk/cases/{first}">Where is my parcel?' in card
    assert f'href="/helpdesk/cases/{case_id}"' not in card  # not the case itself
    queue = client.get("/helpdesk").text  # the queue names the customer of each case too
    assert queue.count("<td>Ana &lt;b&gt;de Vries&lt;/b&gt;</td>") == 2
    services.customers.erase(customer_id)
    assert "Ana" not in client.get("/helpdesk").text
    erased = client.get(f"/helpdesk/cases/{case_id}").text
    card = erased[erased.index('id="requester"') :]
    assert "Erased: no contact details are kept." in card and "Ana" not in erased
