"""A program's numbers are stored in digits and read back as they were set, however small: a
multiplier or the points a unit earns under 10^-6 (``0.0000001``, a zero of 7 decimals). A
program stored before, with such a number in Decimal's scientific notation (``1E-7``), is read
as the number it is. Both stores.

Before, ``program_document`` wrote ``str(Decimal)``: ``0.0000001`` was stored as ``1E-7``, which
no program being set may use (``core.money.AMOUNT_TEXT``), so the program set could not be read
back: every order event failed ('earning.products.MUG: '1E-7' is not a number') and the import
with it, and ``GET /api/loyalty/program`` was refused.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from opencx.loyalty import domain as loyalty_domain
from opencx.loyalty.domain import (
    check_program_points,
    parse_program,
    program_document,
    read_stored,
)
from opencx.loyalty.store import ledger as store
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer

TINY = {
    ("earning", "points_per_unit"): "0.00000010",
    ("earning", "products", "MUG"): "0.0000001",
    ("earning", "categories", "shoes"): 1e-7,  # a JSON number: the float's shortest repr
    ("tiers", "levels", 0, "multiplier"): "0.0000000",
    ("plans", 0, "multiplier"): "0.000000015",
}
"""Values under 10^-6 at each kind of number field: ``str()`` writes each with an exponent."""


def with_tiny() -> dict[str, Any]:
    document = copy.deepcopy(PROGRAM)
    for path, value in TINY.items():
        *parents, last = path
        node: Any = document
        for step in parents:
            node = node.setdefault(step, {}) if isinstance(node, dict) else node[step]
        node[last] = value
    return document


def shown(document: dict[str, Any]) -> list[Any]:
    return [
        document["earning"]["points_per_unit"],
        document["earning"]["products"]["MUG"],
        document["earning"]["categories"]["shoes"],
        document["tiers"]["levels"][0]["multiplier"],
        document["plans"][0]["multiplier"],
    ]


DIGITS = ["0.00000010", "0.0000001", "0.0000001", "0.0000000", "0.000000015"]


def test_a_program_of_tiny_numbers_is_stored_in_digits_and_earns(client, services):
    admin = bearer(services, "loyalty:*")
    r = client.put("/api/loyalty/program", json=with_tiny(), headers=admin)
    assert r.status_code == 200, r.text
    assert shown(r.json()) == DIGITS
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    assert shown(r.json()) == DIGITS
    assert client.put("/api/loyalty/program", json=r.json(), headers=admin).status_code == 200
    member = services.loyalty.enroll(customer(services, "ann"))
    earn_both(services, member)


def earn_both(services, member: str) -> None:
    """An order of a MUG earns nothing (0.0000001 a unit, times 0.0000001), one of a CAP
    99,999,999,999 x 0.0000001: 9,999 points."""
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "99999999999"}])
    order(services, "o2", "ann", [{"sku": "CAP", "quantity": 1, "unit_price": "99999999999"}])
    assert services.loyalty.member_view(member).balance == 9_999


def test_a_program_stored_in_scientific_notation_is_read(client, services):
    """What ``str()`` wrote before: ``1E-7``, ``0E-7``, ``1.5E-8``."""
    document = with_tiny()
    document["earning"].update(points_per_unit="1.0E-7", products={"MUG": "1E-7"})
    document["earning"]["categories"]["shoes"] = "1E-7"
    document["tiers"]["levels"][0]["multiplier"] = "0E-7"
    document["plans"][0]["multiplier"] = "1.5E-8"
    document["plans"][0]["name"] = "1E-7"  # a name stays as it is
    with services.engine.begin() as conn:
        store.save_program(conn, document, services.clock.now())
    admin = bearer(services, "loyalty:*")
    r = client.get("/api/loyalty/program", headers=admin)
    assert r.status_code == 200, r.text
    assert shown(r.json()) == ["0.00000010", "0.0000001", "0.0000001", "0.0000000", "0.000000015"]
    assert r.json()["plans"][0]["name"] == "1E-7"
    earn_both(services, services.loyalty.enroll(customer(services, "ann")))


numbers = st.one_of(
    st.decimals(min_value=0, max_value=Decimal("999999999999.9"), allow_nan=False, places=None),
    st.integers(0, 40).map(lambda n: Decimal(1).scaleb(-n)),
    st.integers(0, 40).map(lambda n: Decimal(0).scaleb(-n)),
).map(lambda d: f"{d:f}")  # in digits, as an admin sends them
tiny_floats = st.floats(0, 1e-4)  # a JSON number: 1e-07 and the like


@given(st.one_of(numbers, tiny_floats), numbers, tiny_floats, numbers)
def test_every_number_a_program_takes_is_read_back_as_set(per_unit, product, tier, plan):
    document = copy.deepcopy(PROGRAM)
    document["earning"].update(points_per_unit=per_unit, products={"MUG": product})
    document["tiers"]["levels"][1]["multiplier"] = tier
    document["plans"][0]["multiplier"] = plan
    program = check_program_points(parse_program(document))
    text = json.dumps(program_document(program))
    assert "E" not in text.replace("EUR", "")
    assert parse_program(json.loads(text)) == program


def test_a_stored_program_has_one_reader_and_it_reads_scientific_notation():
    """``read_stored`` reads a number field in scientific notation itself (any exponent, 6403d89),
    so ``stored_document``, the pass that turned ``1E-7`` into digits before it, kept but called
    by nothing since, is gone: a stored document is read one way."""
    document = copy.deepcopy(PROGRAM)
    document["earning"].update(points_per_unit="1.0E-7", products={"MUG": "1E-7"})
    document["plans"][0]["name"] = "1E-7"
    program = read_stored(json.dumps(document))
    assert (program.earning.points_per_unit, program.earning.products) == (
        Decimal("1.0E-7"),
        {"MUG": Decimal("1E-7")},
    )
    assert program.plans[0].name == "1E-7"
    assert not hasattr(loyalty_domain, "stored_document")
    assert "stored_document" not in loyalty_domain.__all__
