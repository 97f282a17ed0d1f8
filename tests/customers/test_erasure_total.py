"""Erasure is total and permanent (issue 12 item 6).

A distinctive person is planted through every way data arrives (file imports of every kind, a
help desk export with the email as the contact id, the event API, survey responses from another
tool, an inbound email, a chat, a left message, the outbox); they are erased; the same sources
are imported again. Then the store's bytes are searched for every planted value: the SQLite
file and its write-ahead log after a checkpoint, and on PostgreSQL a ``pg_dump`` and the raw
pages of every table, index and TOAST relation (dead tuples included, through pageinspect).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.customers.service import SCRUB_JOB
from opencx.db.schema import customers, outbox
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, ImportReport, load_mapping
from opencx.jobs import Scheduler
from opencx.outbox.service import enqueue
from opencx.settings import Settings
from opencx.web import store as idempotency

SECRET = "erasure-test-secret-0123456789abcdef"
NAME, EMAIL, PHONE = "Xanthippe Qorvalenko", "xanthippe.qorvalenko@example.org", "+31 6 9876 5432"
API_ID, MARKER = "api-xq-4471", "QZMARKER7731"
NEEDLES = (NAME, "Qorvalenko", EMAIL, "qorvalenko@", "9876 5432", "698765432", API_ID, MARKER)
BYSTANDER = "Bo Bystander"

FILES: dict[str, str] = {
    "customers": (
        "external_id,name,email,phone,country,attributes\n"
        f'{EMAIL},{NAME},{EMAIL},{PHONE},NL,"{{""note"": ""{MARKER}""}}"\n'
        f"C-2,{BYSTANDER},bo@example.org,+31 6 1111 2222,NL,{{}}\n"
    ),
    "orders": (
        "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price\n"
        f"O-1,{EMAIL},2025-06-01 10:00:00,EUR,SKU1,Mug,2,3.50\n"
        "O-2,C-2,2025-06-02 10:00:00,EUR,SKU1,Mug,1,3.50\n"
    ),
    "subscriptions": (
        "external_id,customer,started_at,mrr,currency,status,cancel_reason\n"
        f"S-1,{EMAIL},2025-01-01 00:00:00,9.00,EUR,cancelled,{MARKER}: moving abroad\n"
    ),
    "interactions": (
        "external_id,customer,occurred_at,channel,kind,properties\n"
        f'I-1,{EMAIL},2025-06-03 10:00:00,web,form,"{{""email"": ""{EMAIL}"", '
        f'""comment"": ""{MARKER}""}}"\n'
    ),
    "cases": (
        "external_id,customer,channel,subject,opened_at\n"
        f"K-1,{EMAIL},email,{MARKER} refund for {NAME},2025-06-04 10:00:00\n"
    ),
    "case_events": (
        "case,at,kind,actor,body\n"
        f'K-1,2025-06-04 10:00:00,message_in,customer,"Hi, {NAME} here: {PHONE}"\n'
        f"K-1,2025-06-04 11:00:00,note,agent,{MARKER} asked for a refund\n"
        "K-1,2025-06-04 12:00:00,message_out,agent,Refund sent\n"
    ),
    "responses": (
        "response_id,survey,customer,submitted_at,question_key,score,text\n"
        f"R-1,nps-order,{EMAIL},2025-06-05 10:00:00,nps,3,\n"
        f"R-1,nps-order,{EMAIL},2025-06-05 10:00:00,why_low,,{MARKER} too slow\n"
    ),
    "answers": f"response,question_key,text\nR-1,comment,{NAME} wrote this\n",
}
FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Group,Agent,Created time,"
    "Initial response time,Resolved time,Closed time,Full name,Contact ID\n"
    f"901,{MARKER} parcel lost,Open,Medium,Email,Delivery,Support,,2025-06-06 09:00:00,,,,"
    f"{NAME},{EMAIL}\n"
)
MAIL = (
    f"From: {NAME} <{EMAIL}>\r\nTo: help@shop.nl\r\nSubject: {MARKER} broken kettle\r\n"
    f"Message-ID: <xq1@example.org>\r\n\r\nCall me on {PHONE}.\r\n"
).encode()


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    url = engine.url.render_as_string(hide_password=False)
    return build(Settings(database_url=url, secret_key=SECRET), clock=clock, engine=engine)


def import_everything(services: Services, folder: Path) -> dict[str, ImportReport]:
    reports = {}
    for kind, text in FILES.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        mapping = Mapping(source="crm", create_missing_customers=False)
        reports[kind] = services.ingest.import_file(
            ImportOptions(kind=kind, path=path, mapping=mapping)
        )
    path = folder / "freshdesk.csv"
    path.write_text(FRESHDESK, encoding="utf-8")
    options = ImportOptions(
        kind="cases",
        path=path,
        mapping=load_mapping("freshdesk"),
        ignore_unknown=True,
        customer_source="crm",  # the contact id is the CRM's id: the email
    )
    reports["freshdesk"] = services.ingest.import_file(options)
    return reports


def post_api(services: Services) -> tuple[ImportReport, list[Any]]:
    event = services.ingest.ingest_event(
        "customer", {"external_id": API_ID, "name": NAME, "email": EMAIL, "phone": PHONE}
    )
    with services.engine.connect() as conn:
        crm_id = (
            conn.execute(
                sa.select(customers.c.id)
                .where(customers.c.source == "crm")
                .order_by(customers.c.id)
            )
            .scalars()
            .first()
        )
    recorded = services.feedback.import_responses(
        "survey-tool",
        [
            {
                "external_id": "ST-1",
                "survey_key": "nps-order",
                "customer_id": crm_id,
                "values": {"nps": 2, "why_low": f"{MARKER} rude, says {NAME}"},
                "submitted_at": services.clock.now(),
                "language": "en",
                "completed": True,
            }
        ],
    )
    return event, recorded


def plant(services: Services, folder: Path) -> str:
    services.feedback.create_from_template("nps", "nps-order", "After your order", ["en"])
    reports = import_everything(services, folder)
    failed = {k: r.problems[:2] for k, r in reports.items() if r.status != "loaded"}
    assert not failed
    post_api(services)
    case = services.helpdesk.receive_email(MAIL)
    chat, _token = services.helpdesk.start_chat(NAME, EMAIL, "en")
    services.helpdesk.chat_post(chat.id, "customer", NAME, f"{MARKER} hello, {PHONE}")
    services.helpdesk.leave_message(NAME, EMAIL, f"{MARKER} please call {PHONE}")
    with services.engine.begin() as conn:
        mail = {"to": EMAIL, "subject": "Hi", "text": f"Dear {NAME}"}
        enqueue(conn, kind="email", dedupe_key="xq", payload=mail, now=services.clock.now())
        # an API answer kept for an Idempotency-Key replay that echoes the person
        now = services.clock.now()
        idempotency.claim(conn, "api_key:k1", "idem-1", "d" * 64, now=now, until=now)
        echoed = json.dumps({"name": NAME, "email": EMAIL, "phone": PHONE}, ensure_ascii=False)
        idempotency.answer(
            conn,
            "api_key:k1",
            "idem-1",
            status_code=201,
            media_type="application/json",
            body=echoed,
        )
    people = [c.id for c in services.customers.search(EMAIL).customers]  # sealed or not
    assert len(people) == 1 and case.customer_id == services.customers.resolve(people[0])
    return people[0]


def sqlite_bytes(engine: Engine) -> bytes:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(str(engine.url.database))
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def postgres_bytes(engine: Engine) -> bytes:
    """A pg_dump of the database, and every tuple on every page of every table, index and TOAST
    relation in it, dead tuples included (pageinspect). Bytes of tuples VACUUM has pruned may
    stay in a page's free space until it is reused: those are not searched (see
    docs/security.md; crypto-shredding covers the contact fields)."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True).stdout
    tuples = []
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relations = conn.exec_driver_sql(
            "SELECT c.oid::regclass::text, c.relkind, pg_relation_size(c.oid) / 8192 "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('public', 'pg_toast') "
            "AND c.relpersistence = 'p' AND c.relam IN (0, 2, 403)"  # heap or btree
        ).all()
        for name, kind, blocks in relations:
            for block in range(1 if kind == "i" else 0, int(blocks)):
                args = {"r": name, "b": block}
                if kind == "i":
                    rows = conn.execute(sa.text("SELECT data FROM bt_page_items(:r, :b)"), args)
                    tuples += [bytes.fromhex(d.replace(" ", "")) for (d,) in rows if d]
                else:
                    query = "SELECT t_data FROM heap_page_items(get_raw_page(:r, :b))"
                    tuples += [bytes(d) for (d,) in conn.execute(sa.text(query), args) if d]
    return dump + b"\x00".join(tuples)


def found_in(data: bytes) -> list[str]:
    low = data.lower()
    return [n for n in NEEDLES if n.lower().encode() in low]


def store_bytes(engine: Engine) -> bytes:
    return sqlite_bytes(engine) if engine.dialect.name == "sqlite" else postgres_bytes(engine)


def run_scrub(services: Services) -> list[str | None]:
    """Run what a worker would: the scrub the erasure queued (once), nothing else."""
    scrub = [j for j in services.jobs if j.name == SCRUB_JOB]
    scheduler = Scheduler(services.engine, services.clock, scrub)
    done = []
    while (outcome := scheduler.tick()) is not None:
        done.append(outcome.result)
    return done


def test_erasure_is_total_and_survives_a_reimport(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    person = plant(services, tmp_path)
    # the probe sees them all first; the phone's bare digits were only ever a search key, which
    # customers sealed by crypto-shredding (the default) do not get
    assert set(found_in(store_bytes(engine))) == set(NEEDLES) - {"698765432"}
    with engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one()

    assert services.customers.erase(person)
    scrubbed = run_scrub(services)  # queued by the erasure, run by a worker afterwards
    assert scrubbed == ["store scrubbed"]
    reports = import_everything(services, tmp_path)
    event, recorded = post_api(services)

    dropped = {k: r.rows_dropped_erased for k, r in reports.items()}
    assert dropped == {
        "customers": 1,
        "orders": 1,
        "subscriptions": 1,
        "interactions": 1,
        "cases": 1,
        "case_events": 3,
        "responses": 2,
        "answers": 1,
        "freshdesk": 1,
    }
    assert all(r.status == "loaded" for r in reports.values())
    assert reports["customers"].rows_loaded == 1  # the bystander still updates
    assert event.rows_dropped_erased == 1 and event.counts == {"erased_rows_dropped": 1}
    assert [r.dropped for r in recorded] == [True]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM case_events")).scalar_one() == before
        alive = conn.execute(
            sa.select(sa.func.count()).where(customers.c.erased_at.is_(None))
        ).scalar_one()
        mail = conn.execute(sa.select(outbox.c.payload).where(outbox.c.dedupe_key == "xq"))
        assert EMAIL not in json.dumps(mail.scalar_one())
    assert alive == 1  # only the bystander: nobody came back as a new customer
    assert found_in(store_bytes(engine)) == []
    # the search does see live values (the bystander's own are sealed: crypto-shredding)
    assert b"of erased people dropped" in store_bytes(engine)
    assert [c.name for c in services.customers.search("bo@example.org").customers] == [BYSTANDER]


def test_erasures_queue_one_scrub_that_runs_afterwards_not_in_the_request(
    services: Services, engine: Engine
) -> None:
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                {
                    "id": f"scrub-{n}",
                    "source": "shop",
                    "external_id": f"s{n}",
                    "name": f"Person {n}",
                    "created_at": services.clock.now(),
                    "attributes": {},
                    "consent_email": False,
                    "consent_sms": False,
                    "consent_surveys": False,
                }
                for n in range(3)
            ],
        )
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        assert services.customers.erase("scrub-0") and services.customers.erase("scrub-1")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert not [s for s in statements if "VACUUM" in s.upper() or "wal_checkpoint" in s]
    assert run_scrub(services) == ["store scrubbed"]  # one run for both erasures
    assert run_scrub(services) == []
    assert services.customers.erase("scrub-2")
    assert run_scrub(services) == ["store scrubbed"]
