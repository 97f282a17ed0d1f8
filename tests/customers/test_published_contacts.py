"""Other slices read names, emails and phones only through the customers slice's published read
(``CustomerService.contacts``): with crypto-shredding on (the default) survey invitations, the
churn list, canned responses and incident notices still carry the real values, and once the
person is erased every one of them has nothing to show. A store written in plaintext is sealed
in place by ``seal_existing`` (what ``opencx init`` runs), its identities made blind, so search
by email and identity resolution keep working."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.db.schema import customer_scores, customers, identities, model_runs, outbox
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.settings import Settings

SECRET = "published-contacts-test-secret-0123456789"
NAME, EMAIL, PHONE = "Ξanthe Oudegracht", "xanthe.oudegracht@example.nl", "+31 30 555 0142"
CSV = (
    "external_id,name,email,phone,country,consent_surveys,consent_email\n"
    f"C-1,{NAME},{EMAIL},{PHONE},NL,true,true\n"
    "C-2,Bo Berg,bo@example.nl,,NL,true,true\n"
)


def services_for(engine: Engine, clock: FixedClock, **settings: object) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    return build(
        Settings(database_url=url, secret_key=SECRET, **settings), clock=clock, engine=engine
    )


def load(services: Services, tmp_path: Path, text: str = CSV) -> dict[str, str]:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    report = services.ingest.import_file(
        ImportOptions(kind="customers", path=path, mapping=Mapping(source="crm"))
    )
    assert report.status == "loaded", report
    with services.engine.connect() as conn:
        rows = conn.execute(sa.select(customers.c.external_id, customers.c.id)).all()
    return {str(e): str(i) for e, i in rows}


def stored(engine: Engine, customer_id: str) -> tuple[str | None, ...]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(customers.c.name, customers.c.email, customers.c.phone).where(
                customers.c.id == customer_id
            )
        ).one()
    return tuple(row)


def churn_run(services: Services, ids: list[str]) -> None:
    """A churn run scoring ``ids`` (written as a fit would write it; no fit needed here)."""
    now = services.clock.now()
    with services.engine.begin() as conn:
        conn.execute(
            model_runs.insert(),
            {
                "id": "run1",
                "model": "churn",
                "version": "1",
                "config": {},
                "data_fingerprint": "f",
                "fitted_at": now,
                "metrics": {},
                "params": {},
            },
        )
        conn.execute(
            customer_scores.insert(),
            [
                {
                    "customer_id": cid,
                    "model_run_id": "run1",
                    "kind": "churn_risk",
                    "value": 0.9 - n / 10,
                    "details": {},
                }
                for n, cid in enumerate(ids)
            ],
        )


def test_crypto_shredding_is_on_by_default_and_can_be_turned_off() -> None:
    assert Settings().crypto_shredding is True
    assert Settings(crypto_shredding=False).crypto_shredding is False


def test_every_slice_reads_contacts_through_the_customers_slice_then_nothing_once_erased(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    services = services_for(engine, clock)
    ids = load(services, tmp_path)
    ann, bo = ids["C-1"], ids["C-2"]
    backup = stored(engine, ann)
    assert all(str(v).startswith("enc1:") for v in backup)

    with engine.connect() as conn:
        found = services.customers.contacts(conn, [ann, bo, "nobody"])
    assert set(found) == {ann, bo}
    assert (found[ann].name, found[ann].email, found[ann].phone) == (NAME, EMAIL, PHONE)

    # feedback: the invitation goes to the real address, never to the token
    services.feedback.create_from_template("nps", "nps", "How are we doing", ["en"])
    assert services.feedback.invite("nps", [ann]).sent == 1
    with engine.connect() as conn:
        sent = [r.payload for r in conn.execute(sa.select(outbox))]
    assert [p["to"] for p in sent] == [EMAIL]
    # modeling: the churn list names the person
    churn_run(services, [ann, bo])
    listed = {r["customer_id"]: r for r in services.modeling.churn_list()}
    assert (listed[ann]["name"], listed[ann]["email"]) == (NAME, EMAIL)
    assert EMAIL in services.modeling.churn_csv() and "enc1:" not in services.modeling.churn_csv()
    # helpdesk: canned responses greet them by name
    with engine.connect() as conn:
        assert services.helpdesk.deps.customer_name(conn, ann) == NAME

    assert services.customers.erase(ann) == (ann,)
    with engine.connect() as conn:
        gone = services.customers.contacts(conn, [ann])[ann]
        assert gone.erased and (gone.name, gone.email, gone.phone) == (None, None, None)
        assert services.helpdesk.deps.customer_name(conn, ann) is None
        # a copy of the tokens taken before the erasure (a backup) opens no more
        vault = services.customers.vault
        assert vault is not None and vault.keys(conn, [ann]) == {}
    clock.advance(timedelta(days=400))
    assert services.feedback.invite("nps", [ann]).sent == 0
    listed = {r["customer_id"]: r for r in services.modeling.churn_list()}
    assert (listed[ann]["name"], listed[ann]["email"]) == (None, None)
    assert listed[bo]["email"] == "bo@example.nl"
    text = services.modeling.churn_csv()
    assert all(v not in text for v in (NAME, EMAIL, "Oudegracht"))


def test_a_plaintext_store_is_sealed_in_place_and_still_found(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    plain = services_for(engine, clock, crypto_shredding=False)
    ids = load(plain, tmp_path)
    ann = ids["C-1"]
    assert stored(engine, ann) == (NAME, EMAIL, PHONE)
    merge = plain.customers.merge(ann, ids["C-2"])[0]

    sealed = services_for(engine, clock)
    assert sealed.customers.seal_existing() == 2
    assert sealed.customers.seal_existing() == 0  # idempotent
    assert all(str(v).startswith("enc1:") for v in stored(engine, ann))
    with engine.connect() as conn:
        values = conn.execute(
            sa.select(identities.c.kind, identities.c.value).where(
                identities.c.kind.in_(("email", "phone"))
            )
        ).all()
    assert values and all(v.startswith("bi1:") for _, v in values)
    assert sealed.customers.show(ann).profile.customer.email == EMAIL
    assert [c.id for c in sealed.customers.search(EMAIL).customers] == [ann]
    assert merge is not None
    sealed.customers.unmerge(merge)  # merges recorded before sealing still undo
    assert [c.id for c in sealed.customers.search("bo@example.nl").customers] == [ids["C-2"]]
    # a later import of the same address resolves to the sealed customer (blind identity)
    again = load(sealed, tmp_path, f"external_id,name,email\nW-9,{NAME},{EMAIL.upper()}\n")
    assert sealed.customers.resolve(again["W-9"]) == sealed.customers.resolve(ann)
