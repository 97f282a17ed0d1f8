"""The desk administration pages: an admin lists, adds and changes queues, routing rules,
agents and their working hours from the dashboard, and cases follow at once; each form offers
only what the code accepts, and a refusal comes back on the form naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.audit.store import audit_log
from opencx.helpdesk.domain.cases import CHANNELS, PRIORITIES, REPLY_PLACEHOLDERS
from opencx.helpdesk.domain.routing import Strategy
from opencx.helpdesk.domain.sla import Target
from opencx.helpdesk.service import OpenCase

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
PASSWORD = "correct-horse-9"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    access = AccessService(services.engine, services.clock)
    for email, role in [
        ("lead@shop.nl", "admin"),
        ("ann@shop.nl", "agent"),
        ("al@shop.nl", "analyst"),
    ]:
        access.create_user(email, role=role, password=PASSWORD, name=email[:3].title())
    with TestClient(create_app(services.settings, services=services)) as c:
        token = CSRF.search(c.get("/login").text)
        assert token
        r = c.post(
            "/login",
            data={"email": "lead@shop.nl", "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert r.status_code == 303
        yield c


def _csrf(client: TestClient, url: str) -> tuple[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    token = CSRF.search(page.text)
    assert token
    return page.text, token.group(1)


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option(?: value="([^"]*)")?[^>]*>([^<]*)<', select.group(1))


def test_queues_rules_agents_and_hours_from_the_pages_route_and_assign_cases(
    client: TestClient, services: Services
) -> None:
    html, csrf = _csrf(client, "/helpdesk/admin/queues")
    assert [v for v, _ in _options(html, "strategy")] == [s.value for s in Strategy]
    r = client.post(
        "/helpdesk/admin/queues",
        data={"name": "vip", "team": "Key accounts", "strategy": "round_robin", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/helpdesk/admin/queues?saved=vip"
    bad = client.post(
        "/helpdesk/admin/queues",
        data={"name": "VIP desk", "team": "x", "strategy": "lottery", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and "queue name &#39;VIP desk&#39;" in bad.text
    odd = client.post(
        "/helpdesk/admin/queues",
        data={"name": "vip2", "team": "x", "strategy": "lottery", "csrf_token": csrf},
    )
    assert odd.status_code == 422 and "strategy &#39;lottery&#39; is not one of" in odd.text

    html, csrf = _csrf(client, "/helpdesk/admin/calendars")
    assert "Europe/Amsterdam" in _options(html, "tz")[0][1] or any(
        t == "Europe/Amsterdam" for _, t in _options(html, "tz")
    )
    cal = {
        "name": "nl-office",
        "tz": "Europe/Amsterdam",
        "csrf_token": csrf,
        "holidays": "2026-12-25",
    }
    cal |= {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    assert (
        client.post("/helpdesk/admin/calendars", data=cal, follow_redirects=False).status_code
        == 303
    )
    wrong = client.post("/helpdesk/admin/calendars", data={**cal, "mon": "17:00-09:00"})
    assert wrong.status_code == 422 and "the start must be before the end" in wrong.text
    page = client.get("/helpdesk/admin/calendars?edit=nl-office").text
    assert 'value="09:00-17:00"' in page and 'value="2026-12-25"' in page

    html, csrf = _csrf(client, "/helpdesk/admin/routing")
    assert [v for v, _ in _options(html, "queue")] == ["general", "vip"]
    assert re.findall(r'name="channels" value="([^"]+)"', html) == list(CHANNELS)
    rule = {
        "name": "big-spenders",
        "position": "5",
        "queue": "vip",
        "channels": ["email", "web"],
        "languages": "nl, DE",
        "min_customer_value": "1000",
        "skills": "Dutch",
        "csrf_token": csrf,
    }
    assert (
        client.post("/helpdesk/admin/routing", data=rule, follow_redirects=False).status_code == 303
    )
    for field, value, reason in [
        ("queue", "nowhere", "queue &#39;nowhere&#39; is not a configured queue"),
        ("channels", ["pigeon"], "unknown channel(s) [&#39;pigeon&#39;]"),
        ("languages", "dutch", "are not primary language codes"),
        ("min_customer_value", "-1", "minimum customer value is not negative"),
        ("position", "first", "the position &#39;first&#39; is not a number"),
    ]:
        refused = client.post("/helpdesk/admin/routing", data={**rule, field: value})
        assert refused.status_code == 422 and reason in refused.text, (field, refused.text[-800:])
        assert "big-spenders" in refused.text  # what was typed stays on the form

    html, csrf = _csrf(client, "/helpdesk/admin/agents")
    users = [v for v, _ in _options(html, "email")]
    assert users == ["ann@shop.nl", "lead@shop.nl"]  # who may work cases; not the analyst
    assert [v for v, _ in _options(html, "calendar")] == ["24x7", "nl-office"]
    agent = {
        "email": "ann@shop.nl",
        "queues": ["vip"],
        "skills": "dutch, german",
        "capacity": "3",
        "calendar": "24x7",
        "active": "on",
        "csrf_token": csrf,
    }
    assert (
        client.post("/helpdesk/admin/agents", data=agent, follow_redirects=False).status_code == 303
    )
    analyst = client.post("/helpdesk/admin/agents", data={**agent, "email": "al@shop.nl"})
    assert analyst.status_code == 422 and "no active user whose role may work cases" in analyst.text
    hours = client.post("/helpdesk/admin/agents", data={**agent, "calendar": "moon"})
    assert (
        hours.status_code == 422 and "working hours &#39;moon&#39; is not a calendar" in hours.text
    )

    case = services.helpdesk.open_case(
        OpenCase("email", "Hallo", "Waar is mijn pakket?", email="kees@x.nl", language="nl-BE")
    )
    assert (case.queue, case.assignee) == ("general", None)  # no customer value: not a VIP
    services.helpdesk.deps.value_of = lambda _: 5000.0
    vip = services.helpdesk.open_case(
        OpenCase("web", "Hallo", "Factuur?", email="rijk@x.nl", language="nl")
    )
    assert (vip.queue, vip.assignee) == ("vip", "ann@shop.nl")
    listed = client.get("/helpdesk/admin/agents").text
    assert "1 / 3" in listed and "dutch, german" in listed

    # change: ann goes inactive, the rule is edited and then deleted
    html, csrf = _csrf(client, "/helpdesk/admin/agents?edit=ann%40shop.nl")
    assert 'value="dutch, german"' in html and 'name="active" checked' in html
    agent = {k: v for k, v in agent.items() if k != "active"} | {"csrf_token": csrf}
    assert (
        client.post("/helpdesk/admin/agents", data=agent, follow_redirects=False).status_code == 303
    )
    nobody = services.helpdesk.open_case(
        OpenCase("web", "Hi", "?", email="rijk@x.nl", language="nl")
    )
    assert (nobody.queue, nobody.assignee) == ("vip", None)
    html, csrf = _csrf(client, "/helpdesk/admin/routing?edit=big-spenders")
    assert 'value="email" checked' in html and 'value="1000.0"' in html
    r = client.post(
        "/helpdesk/admin/routing/big-spenders/delete",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert services.helpdesk.desk().rules == []
    with services.engine.connect() as conn:
        actions = [
            a for (a,) in conn.execute(sa.select(audit_log.c.action).order_by(audit_log.c.at))
        ]
    assert {
        "helpdesk.queue_saved",
        "helpdesk.rule_saved",
        "helpdesk.agent_saved",
        "helpdesk.calendar_saved",
        "helpdesk.rule_deleted",
    } <= set(actions)


def test_only_admins_open_the_desk_pages(services: Services) -> None:
    access = AccessService(services.engine, services.clock)
    access.create_user("ann@shop.nl", role="agent", password=PASSWORD)
    with TestClient(create_app(services.settings, services=services)) as c:
        token = CSRF.search(c.get("/login").text)
        assert token
        c.post(
            "/login",
            data={"email": "ann@shop.nl", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        for url in (
            "/helpdesk/admin/queues",
            "/helpdesk/admin/routing",
            "/helpdesk/admin/agents",
            "/helpdesk/admin/sla",
            "/helpdesk/admin/canned",
        ):
            assert c.get(url).status_code == 403


def _checkboxes(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', html)


def test_sla_policies_from_the_page_set_the_targets_of_new_cases(
    client: TestClient, services: Services
) -> None:
    html, csrf = _csrf(client, "/helpdesk/admin/sla")
    assert [v for v, _ in _options(html, "calendar")] == ["24x7"]
    assert _checkboxes(html, "priorities") == list(PRIORITIES)
    assert _checkboxes(html, "channels") == list(CHANNELS)
    assert _checkboxes(html, "queues") == ["general"]
    assert _checkboxes(html, "pause_on") == ["pending_customer", "pending_third_party"]
    assert 'name="pause_on" value="pending_customer" checked' in html  # the default
    policy = {
        "name": "urgent-web",
        "position": "5",
        "calendar": "24x7",
        "first_response": "30",
        "resolution": "480",
        "warn_percent": "50",
        "pause_on": ["pending_customer", "pending_third_party"],
        "priorities": ["urgent"],
        "channels": ["web"],
        "csrf_token": csrf,
    }
    r = client.post("/helpdesk/admin/sla", data=policy, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/helpdesk/admin/sla?saved=urgent-web"
    for field, value, reason in [
        ("calendar", "moon", "calendar &#39;moon&#39; is not a calendar"),
        ("priorities", ["asap"], "unknown priority(ies) [&#39;asap&#39;]"),
        ("channels", ["pigeon"], "unknown channel(s) [&#39;pigeon&#39;]"),
        ("queues", ["nowhere"], "unknown queue(s) [&#39;nowhere&#39;]"),
        ("pause_on", ["open"], "unknown pause status(es) [&#39;open&#39;]"),
        ("first_response", "0", "the first response target is 1-525600 minutes"),
        ("resolution", "soon", "the resolution target &#39;soon&#39; is not a number"),
        ("warn_percent", "150", "the warning comes at 1-100 % of a target"),
    ]:
        refused = client.post("/helpdesk/admin/sla", data={**policy, field: value})
        assert refused.status_code == 422 and reason in refused.text, (field, refused.text[-800:])
        assert "urgent-web" in refused.text  # what was typed stays on the form
    none = {**policy, "first_response": "", "resolution": ""}
    refused = client.post("/helpdesk/admin/sla", data=none)
    assert refused.status_code == 422 and "set at least one target" in refused.text

    case = services.helpdesk.open_case(
        OpenCase("web", "Down", "Nothing works", email="kees@x.nl", priority="urgent")
    )
    assert case.sla_policy == "urgent-web"
    view = services.helpdesk.case(case.id)
    first = view.sla.latest(Target.FIRST_RESPONSE)
    assert first.goal == timedelta(minutes=30) and first.warn_at == case.opened_at + timedelta(
        minutes=15
    )
    other = services.helpdesk.open_case(OpenCase("email", "Hi", "?", email="kees@x.nl"))
    assert other.sla_policy is None

    html, csrf = _csrf(client, "/helpdesk/admin/sla?edit=urgent-web")
    assert 'value="30"' in html and 'value="480"' in html and 'value="urgent" checked' in html
    assert 'name="next_response" type="number" min="1" max="525600" value=""' in html
    changed = {**policy, "channels": [], "csrf_token": csrf}
    assert (
        client.post("/helpdesk/admin/sla", data=changed, follow_redirects=False).status_code == 303
    )
    phone = services.helpdesk.open_case(
        OpenCase("phone", "Down", "!", email="kees@x.nl", priority="urgent")
    )
    assert phone.sla_policy == "urgent-web"
    r = client.post(
        "/helpdesk/admin/sla/urgent-web/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and services.helpdesk.desk().policies == []
    assert services.helpdesk.case(case.id).sla is None  # no policy, no more alerts
    assert {"helpdesk.policy_saved", "helpdesk.policy_deleted"} <= _actions(services)


def test_canned_responses_from_the_page_fill_agent_replies(
    client: TestClient, services: Services
) -> None:
    html, csrf = _csrf(client, "/helpdesk/admin/canned")
    shown = re.search(r'id="canned-placeholders">(.*?)</p>', html, re.S)
    assert shown and re.findall(r"<code>\{\{([a-z_.]+)\}\}</code>", shown.group(1)) == list(
        REPLY_PLACEHOLDERS
    )
    text = {
        "key": "thanks",
        "title": "Thanks",
        "body": "Hello {{customer.name}}, case {{ case.id }} is solved.\r\n{{agent.name}}",
        "csrf_token": csrf,
    }
    r = client.post("/helpdesk/admin/canned", data=text, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/helpdesk/admin/canned?saved=thanks"
    wrong = client.post("/helpdesk/admin/canned", data={**text, "body": "Hi {{customer.iban}}"})
    assert (
        wrong.status_code == 422
        and "unknown placeholder(s) [&#39;customer.iban&#39;]" in wrong.text
    )
    assert "customer.iban" in wrong.text and "Thanks" in wrong.text  # kept on the form
    for field, value, reason in [
        ("key", "Thank You", "canned response name &#39;Thank You&#39;"),
        ("title", " ", "the title is 1-300 characters"),
        ("body", "  ", "the text is 1-10000 characters"),
    ]:
        refused = client.post("/helpdesk/admin/canned", data={**text, field: value})
        assert refused.status_code == 422 and reason in refused.text, (field, refused.text[-800:])

    case = services.helpdesk.open_case(
        OpenCase("email", "Pakket", "Waar?", email="kees@x.nl", name="Kees")
    )
    html, csrf = _csrf(client, f"/helpdesk/cases/{case.id}")
    assert 'value="thanks"' in html  # the console offers it
    event = services.helpdesk.reply(case.id, "lead@shop.nl", canned="thanks")
    assert event.body == f"Hello Kees, case {case.id} is solved.\nlead"

    html, csrf = _csrf(client, "/helpdesk/admin/canned?edit=thanks")
    assert "readonly" in html and "{{ case.id }} is solved." in html
    r = client.post(
        "/helpdesk/admin/canned/thanks/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and services.helpdesk.canned_responses() == []
    assert {"helpdesk.canned_saved", "helpdesk.canned_deleted"} <= _actions(services)


def _actions(services: Services) -> set[str]:
    with services.engine.connect() as conn:
        return {a for (a,) in conn.execute(sa.select(audit_log.c.action))}
