"""Crypto-shredding (issue 12 item 7): contact fields sealed under a per-customer key.

With ``OPENCX_CRYPTO_SHREDDING`` on, an imported customer's name, email and phone reach the
store only as AES-GCM tokens and their identities only as blind indexes; the 360 profile,
search by exact email or phone and identity resolution still work; erasure deletes the key, and
a copy of the tokens taken before (a backup, a warehouse export) no longer opens.
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.customers.domain import Customer
from opencx.customers.domain.sealing import Sealer, Unreadable, seal, unseal
from opencx.customers.store.search import customer_name_terms
from opencx.db.schema import customer_keys, customers, identities
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.settings import Settings

SECRET = "crypto-shredding-test-secret-0123456789"
NAME, EMAIL, PHONE = "Ωmega Vrouwenraad", "omega.vrouwenraad@example.nl", "+31 20 555 0199"
CSV = (
    "external_id,name,email,phone,country\n"
    f"C-1,{NAME},{EMAIL},{PHONE},NL\n"
    "C-2,Bo Berg,bo@example.nl,,NL\n"
)


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key=SECRET, crypto_shredding=True)
    return build(settings, clock=clock, engine=engine)


def load(services: Services, tmp_path: Path) -> str:
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    report = services.ingest.import_file(
        ImportOptions(kind="customers", path=path, mapping=Mapping(source="crm"))
    )
    assert report.status == "loaded" and report.rows_loaded == 2
    with services.engine.connect() as conn:
        query = sa.select(customers.c.id).where(customers.c.external_id == "C-1")
        return str(conn.execute(query).scalar_one())


def raw_contact(engine: Engine, customer_id: str) -> tuple[str, str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(customers.c.name, customers.c.email, customers.c.phone).where(
                customers.c.id == customer_id
            )
        ).one()
    return row.name, row.email, row.phone


def plaintext_in_pages(engine: Engine) -> bool:
    """Whether any byte of the customers and identities relations (heap, indexes, free space)
    holds the email: sealed values never put it there."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return EMAIL.encode() in Path(str(engine.url.database)).read_bytes()
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relations = conn.exec_driver_sql(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / 8192 FROM pg_class c "
            "WHERE c.relname IN ('customers', 'identities', 'ix_customers_email', "
            "'uq_identities_kind_value')"
        ).all()
        pages = [
            bytes(conn.execute(sa.text("SELECT get_raw_page(:r, :b)"), {"r": r, "b": b}).scalar())
            for r, n in relations
            for b in range(int(n))
        ]
    return any(EMAIL.encode() in page for page in pages)


def test_contact_fields_are_sealed_yet_found_and_shown(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    ann = load(services, tmp_path)
    sealed = raw_contact(engine, ann)
    assert all(v.startswith("enc1:") for v in sealed)
    assert not any(p in "".join(sealed) for p in (NAME, EMAIL, "555"))
    with engine.connect() as conn:
        values = conn.execute(
            sa.select(identities.c.kind, identities.c.value).where(identities.c.customer_id == ann)
        ).all()
    assert {k for k, _ in values} == {"email", "phone", "external"}
    assert all(v.startswith("bi1:") for k, v in values if k in ("email", "phone"))
    assert not plaintext_in_pages(engine)

    shown = services.customers.show(ann).profile.customer
    assert (shown.name, shown.email, shown.phone) == (NAME, EMAIL, PHONE)
    # the 360 page shows the email and phone a blind index stands for, never the hash
    held = {i.kind: i.readable for i in services.customers.show(ann).profile.identities}
    assert (held["email"], held["phone"]) == (EMAIL, "+31205550199")
    for text in (EMAIL.upper(), "0031 20 5550199", "+31205550199", "crm:C-1"):
        assert [c.id for c in services.customers.search(text).customers] == [ann], text
    assert [c.name for c in services.customers.search("bo@example.nl").customers] == ["Bo Berg"]
    exported = services.customers.export(ann)["customers"][0]
    assert (exported["name"], exported["email"]) == (NAME, EMAIL)
    # a contact by email finds the sealed customer through the blind index
    with engine.begin() as conn:
        assert services.customers.identify_contact(conn, EMAIL, None, None) == ann
        newcomer = services.customers.identify_contact(conn, "new@example.nl", None, "Nia New")
    assert raw_contact(engine, str(newcomer))[1].startswith("enc1:")
    assert services.customers.show(str(newcomer)).profile.customer.name == "Nia New"


def test_erasure_shreds_the_key_so_every_copy_is_unreadable(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    ann = load(services, tmp_path)
    backup = raw_contact(engine, ann)  # what a backup or a warehouse export holds
    assert services.customers.erase(ann) == (ann,)
    with engine.connect() as conn:
        keys = conn.execute(sa.select(customer_keys.c.customer_id)).scalars().all()
    assert ann not in keys and len(keys) == 1  # the bystander's key stays
    vault = services.customers.vault
    assert vault is not None
    with engine.connect() as conn:
        restored = Customer(ann, "crm", "C-1", *backup, None, "NL", clock_now(services))
        assert vault.reveal(conn, [restored])[0].email is None
    with pytest.raises(Unreadable):  # and no other key opens it
        key = vault.sealer.new_data_key()
        unseal(key, ann, "email", backup[1])


def clock_now(services: Services) -> datetime:
    return services.clock.now()


def test_a_token_is_bound_to_its_customer_and_field() -> None:
    sealer = Sealer(b"m" * 32, b"b" * 32)
    key = sealer.new_data_key()
    token = seal(key, "c1", "email", EMAIL)
    assert unseal(key, "c1", "email", token) == EMAIL
    for customer, field in (("c2", "email"), ("c1", "name")):
        with pytest.raises(Unreadable):
            unseal(key, customer, field, token)
    assert sealer.unwrap("c1", sealer.wrap("c1", key)) == key
    with pytest.raises(Unreadable):
        sealer.unwrap("c2", sealer.wrap("c1", key))
    assert sealer.blind("email", EMAIL) == sealer.blind("email", EMAIL) != EMAIL


def test_rotating_the_master_key_rewraps_every_customer_key(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    old_key, new_key = base64.b64encode(b"o" * 32).decode(), base64.b64encode(b"n" * 32).decode()

    def services_with(master: str) -> Services:
        settings = Settings(
            database_url=url, secret_key=SECRET, crypto_shredding=True, master_key=master
        )
        return build(settings, clock=clock, engine=engine)

    ann = load(services_with(old_key), tmp_path)
    rotated = services_with(new_key)
    with pytest.raises(Unreadable):  # the new master key does not open the old wrapping
        rotated.customers.show(ann)
    assert rotated.customers.rewrap_keys(old_key) == 2
    assert rotated.customers.show(ann).profile.customer.email == EMAIL
    with pytest.raises(Unreadable):  # and the old master key no longer opens anything
        services_with(old_key).customers.show(ann)


def test_sealed_names_are_found_by_blind_terms_until_erased(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    """Names are sealed, yet found by any word or word beginning (3+ letters), in any case
    and without accents; the table holds only blind indexes, and erasure deletes them."""
    ann = load(services, tmp_path)
    bo = ids_by_external(engine)["C-2"]

    def hits(text: str) -> list[str]:
        return [c.id for c in services.customers.search(text).customers]

    for text in ("ωmega", "ΩMEGA vrouw", "vrouwenraad", "Ωme", "vrou ωme"):
        assert hits(text) == [ann], text
    assert hits("Bo") == hits("berg") == [bo]  # a short word finds a whole word
    assert hits("om") == hits("omega bo") == hits("raad") == []  # beginnings only, all words
    hint = services.customers.search("om").hint  # and a short word says why
    assert hint is not None and "(om)" in hint and "at least 3 letters" in hint
    assert services.customers.search("raad").hint is None  # long enough: nothing to say
    assert services.customers.search("Bo").hint is None  # found
    key = AccessService(services.engine, services.clock).create_api_key("r", ["customers:read"])
    with TestClient(create_app(services.settings, services=services)) as client:
        found = client.get(
            "/api/customers", params={"q": "om"}, headers={"Authorization": f"Bearer {key.secret}"}
        ).json()
    assert found["customers"] == [] and found["hint"] == hint
    with engine.connect() as conn:
        terms = conn.execute(sa.select(customer_name_terms.c.term)).scalars().all()
    assert terms and all(t.startswith("bi1:") for t in terms)
    assert not any(w in "".join(terms) for w in ("mega", "vrouw", "berg"))

    services.customers.erase(ann)
    assert hits("ωmega") == []
    with engine.connect() as conn:
        left = conn.execute(sa.select(customer_name_terms.c.customer_id)).scalars().all()
    assert set(left) == {bo}


def test_names_sealed_before_terms_existed_get_them_from_init(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    ann = load(services, tmp_path)
    with engine.begin() as conn:
        conn.execute(customer_name_terms.delete())
    assert services.customers.seal_existing() == 0  # the probe before a search: plaintext only
    assert [c.id for c in services.customers.search("ωmega").customers] == []
    services.customers.seal_existing(thorough=True)  # opencx init, customers seal
    assert [c.id for c in services.customers.search("ωmega").customers] == [ann]


def ids_by_external(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(customers.c.external_id, customers.c.id)).all()
    return {e: i for e, i in rows}


def test_a_renamed_customer_is_found_by_the_new_name_only(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    load(services, tmp_path)
    bo = ids_by_external(engine)["C-2"]
    path = tmp_path / "renamed.csv"
    path.write_text("external_id,name,email\nC-2,Bo Lund,bo@example.nl\n", encoding="utf-8")
    report = services.ingest.import_file(
        ImportOptions(kind="customers", path=path, mapping=Mapping(source="crm"))
    )
    assert report.rows_loaded == 1

    def hits(text: str) -> list[str]:
        return [c.id for c in services.customers.search(text).customers]

    assert hits("lund") == hits("bo lun") == [bo]
    assert hits("berg") == []
