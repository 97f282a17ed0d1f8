"""The audit log on SQLite and PostgreSQL: every privileged act is recorded with who, when,
what and from where; customers only as pseudonyms that an erasure makes unlinkable; rows can be
neither changed nor deleted."""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build, create_app
from opencx.audit.cli import app as audit_cli
from opencx.audit.domain import AuditFilter
from opencx.audit.store import audit_log
from opencx.cli import acting_from_shell
from opencx.core import FixedClock, InvalidInput
from opencx.core.audit import Origin, PrivilegedActDone, acting
from opencx.db.schema import customers
from opencx.settings import Settings

SECRET = "audit-test-secret"
NAME, EMAIL = "Zyxwvuts Audittest", "zyxwvuts.audittest@example.org"
runner = CliRunner()


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    return build(
        Settings(database_url=str(engine.url), secret_key=SECRET), clock=clock, engine=engine
    )


@pytest.fixture
def person(engine: Engine, clock: FixedClock) -> str:
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            {
                "id": "c-audit-1",
                "source": "shop",
                "external_id": "shop-1",
                "name": NAME,
                "email": EMAIL,
                "created_at": clock.now(),
                "attributes": {},
                "consent_email": False,
                "consent_sms": False,
                "consent_surveys": False,
            },
        )
    return "c-audit-1"


def _log_text(engine: Engine) -> str:
    with engine.connect() as conn:
        return "\n".join(str(tuple(r)) for r in conn.execute(sa.select(audit_log)))


def test_an_export_through_the_api_says_who_when_what_and_from_where(
    services: Services, person: str, clock: FixedClock
) -> None:
    issued = services.access.create_api_key("dpo tool", ["customers:erase"])
    with TestClient(create_app(services.settings, services=services)) as client:
        r = client.get(
            f"/api/customers/{person}/export",
            headers={"X-API-Key": issued.secret, "X-Request-ID": "req-export-0001"},
        )
    assert r.status_code == 200 and r.headers["x-request-id"] == "req-export-0001"
    [entry] = services.audit.records(AuditFilter(action="customers.export"))
    assert entry.actor == f"api_key:{issued.key.id}" and entry.at == clock.now()
    assert entry.ip == "testclient" and entry.request_id == "req-export-0001"
    assert entry.subjects == (services.audit.pseudonym_of(person),)
    # the key's creation was recorded too, by the process that created it (no request: system)
    [created] = services.audit.records(AuditFilter(action="access.key_create"))
    assert created.actor == "system" and created.target == issued.key.id
    assert created.detail == {"scopes": "customers:erase"}


def test_personal_data_never_reaches_the_log_and_erasure_makes_it_unlinkable(
    services: Services, person: str, engine: Engine
) -> None:
    with acting(Origin("user:u-dpo", "198.51.100.7", "req-1")):
        services.customers.export(person)
        pseudonym = services.audit.pseudonym_of(person)
        services.customers.erase(person)
    text = _log_text(engine)
    for value in (NAME, EMAIL, "Zyxwvuts", person, "shop-1"):
        assert value not in text
    entries = services.audit.records(AuditFilter(action="customers."))
    assert [e.action for e in entries] == ["customers.erase", "customers.export"]
    assert entries[1].subjects == (pseudonym,)
    # after the erasure nobody can compute the person's pseudonym again, key holder included
    assert services.audit.pseudonym_of(person) is None
    # the rows stay and still belong together (one anonymous subject), unlinkable to the person
    assert entries[0].subjects == (pseudonym,)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_store_refuses_to_change_or_delete_a_record(
    services: Services, engine: Engine, statement: str
) -> None:
    services.audit.record(PrivilegedActDone("models.fit", target="run-1"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert [e.target for e in services.audit.records(AuditFilter())] == ["run-1"]


def test_no_code_updates_or_deletes_the_log() -> None:
    """Append-only in code too: no statement anywhere changes or deletes ``audit_log`` rows."""
    source = Path(__file__).resolve().parents[2] / "src" / "opencx"
    pattern = re.compile(
        r"audit_log\s*\.\s*(update|delete)\s*\(|(UPDATE|DELETE\s+FROM)\s+\"?audit_log\b", re.I
    )
    offenders = [
        str(path)
        for path in source.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_role_and_key_changes_from_the_shell_name_the_login(
    services: Services, clock: FixedClock
) -> None:
    with acting_from_shell():
        user = services.access.create_user("ana@example.org", role="agent", password="pass-word-1")
        clock.advance(timedelta(seconds=1))
        services.access.set_role("ana@example.org", "analyst")
        key = services.access.create_api_key("crm", ["events:write"]).key
        services.access.revoke_api_key(key.id)
    entries = services.audit.records(AuditFilter(action="access."))
    assert [e.action for e in entries] == [
        "access.key_revoke",
        "access.key_create",
        "access.role_change",
        "access.user_create",
    ]
    assert {e.actor for e in entries} == {f"cli:{getpass.getuser()}"}
    assert len({e.request_id for e in entries}) == 1 and entries[0].request_id.startswith("cli-")
    assert entries[2].target == user.id and entries[2].detail == {
        "before": "agent",
        "after": "analyst",
    }
    assert "ana@example.org" not in str([e.detail for e in entries])


def test_filters(services: Services, person: str, clock: FixedClock) -> None:
    start = clock.now()
    for actor, action in (("user:a", "models.fit"), ("user:b", "models.churn_download")):
        with acting(Origin(actor)):
            services.audit.record(PrivilegedActDone(action, customers=(person,)))
        clock.advance(timedelta(hours=1))
    records = services.audit.records
    assert [e.actor for e in records(AuditFilter(action="models."))] == ["user:b", "user:a"]
    assert [e.actor for e in records(AuditFilter(action="models.fit"))] == ["user:a"]
    assert [e.actor for e in records(AuditFilter(actor="user:b"))] == ["user:b"]
    assert [e.actor for e in records(AuditFilter(since=start + timedelta(minutes=30)))] == [
        "user:b"
    ]
    assert [e.actor for e in records(AuditFilter(until=start + timedelta(minutes=30)))] == [
        "user:a"
    ]
    subject = services.audit.pseudonym_of(person)
    assert len(records(AuditFilter(subject=subject))) == 2
    first = records(AuditFilter(limit=1))
    assert [e.actor for e in records(AuditFilter(before=first[0].id))] == ["user:a"]
    with pytest.raises(InvalidInput, match="limit"):
        AuditFilter(limit=0)
    with pytest.raises(InvalidInput, match="action"):
        AuditFilter(action="Models; drop")


def test_the_cli_lists_and_filters(services: Services, person: str) -> None:
    with acting(Origin("user:a", "198.51.100.7", "req-9")):
        services.customers.export(person)
        services.audit.record(PrivilegedActDone("models.fit", target="run-1"))
    listed = runner.invoke(audit_cli, ["list", "--customer", person, "--json"], obj=services)
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(x) for x in listed.output.splitlines()]
    assert line["action"] == "customers.export" and line["ip"] == "198.51.100.7"
    text = runner.invoke(audit_cli, ["list", "--action", "models."], obj=services).output
    assert "models.fit" in text and "customers.export" not in text
    bad = runner.invoke(audit_cli, ["list", "--since", "yesterday"], obj=services)
    assert bad.exit_code != 0 and "yesterday" in bad.output
    unknown = runner.invoke(audit_cli, ["list", "--customer", "nobody"], obj=services)
    assert unknown.exit_code == 0 and "no audit record can be linked" in unknown.output


@pytest.fixture
def admin_client(services: Services) -> Iterator[TestClient]:
    services.access.create_user("root@example.org", role="admin", password="pass-word-1")
    with TestClient(create_app(services.settings, services=services)) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        assert token
        client.post(
            "/login",
            data={"email": "root@example.org", "password": "pass-word-1", "csrf_token": token[1]},
        )
        yield client


def test_the_page_shows_and_filters_the_log_for_admins(
    services: Services, person: str, admin_client: TestClient
) -> None:
    with acting(Origin("user:a", "198.51.100.7", "req-page-1")):
        services.customers.export(person)
        services.audit.record(PrivilegedActDone("models.fit", target="run-1"))
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200 and "customers.export" in page.text and "req-page-1" in page.text
    assert NAME not in page.text and EMAIL not in page.text
    mine = admin_client.get("/admin/audit", params={"customer": person})
    assert "customers.export" in mine.text and "models.fit" not in mine.text
    services.customers.erase(person)
    gone = admin_client.get("/admin/audit", params={"customer": person})
    assert 'id="unlinkable"' in gone.text
