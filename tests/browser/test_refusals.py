"""What the pages say when they refuse, walked in a real browser as each role: every refusal is
the page's own sentence naming what to change, never a 500, an error page for a value the form
let through, or another problem's words.

One ``opencx serve`` on a temporary SQLite store and one Chromium serve the whole module (each
test opens its own browser context, so its login and cookies are its own); the pages' other
promises walked there (a filter offers what the data holds, a table fits its page) share them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.helpdesk.domain.cases import Case
from opencx.helpdesk.store import cases as case_store
from opencx.loyalty.domain import Cause, Partner
from opencx.loyalty.store import catalog, ledger
from tests.browser.serving import chromium, served
from tests.loyalty.conftest import PROGRAM

pytestmark = pytest.mark.browser

PASSWORD = "refusal-pass-1"
T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ROLES = ("admin", "analyst", "agent")
QUEUED = (("Logistics", "Where is my order"), ("Returns desk", "Wrong size"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("refusals")
    db_url = f"sqlite:///{folder / 'refusals.db'}"
    migrate(db_url)
    engine = create_engine_from_url(db_url)
    access = AccessService(engine, FixedClock(T0))
    for role in ROLES:
        access.create_user(f"{role}@refusals.example", role=role, password=PASSWORD)
    with engine.begin() as conn:  # a program stored before its bounds (as 4855e16's tests do)
        ledger.save_program(conn, {**PROGRAM, "expiry_months": 10**6}, T0)
        catalog.put_cause(conn, Cause("trees", "Plant trees in the Veluwe", Decimal("0.01"), "EUR"))
        catalog.put_partner(
            conn, Partner("fuel", "Fuel stations", Decimal("0.01"), Decimal("0.008"), "EUR")
        )
        for n, (queue, subject) in enumerate(QUEUED):  # in queues nobody set up, as the demo's
            case = Case(
                **dict.fromkeys(("customer_id", "category", "first_response_at"), None),
                **dict.fromkeys(("resolved_at", "closed_at", "assignee", "sla_policy"), None),
                id=f"queued{n}",
                source="demo",
                external_id=str(n),
                channel="email",
                queue=queue,
                priority="normal",
                status="open",
                subject=subject,
                opened_at=T0,
            )
            case_store.insert_case(conn, case, contact_email=None, now=T0)
    engine.dispose()
    with served(db_url, folder, "browser-refusals") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Walker:
    """One role's page in its own browser context; what the console said is kept."""

    def __init__(self, browser: Any, base: str, role: str | None) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        if role is not None:
            self.page.goto(base + "/login")
            self.page.get_by_label("Email").fill(f"{role}@refusals.example")
            self.page.get_by_label("Password").fill(PASSWORD)
            self.page.get_by_role("button", name="Log in").click()
            self.page.wait_for_url(re.compile(r".*/data$"))

    def submit(self, form: str) -> int:
        """Click ``form``'s submit button; the status of the page it leads to."""
        with self.page.expect_navigation() as navigation:
            self.page.locator(form).get_by_role("button").first.click()
        reply = navigation.value
        return reply.status if reply is not None else 0


@pytest.fixture
def walker(browser: Any, server: str) -> Iterator[Any]:
    opened: list[Walker] = []

    def open_as(role: str | None) -> Walker:
        opened.append(Walker(browser, server, role))
        return opened[-1]

    yield open_as
    for w in opened:
        w.context.close()


ITEM = {
    "key": "invoice-copy",
    "title": "Invoice copy",
    "action": "email",
    "settings": {"subject": "Invoice {{invoice}}", "template": "Invoice {{invoice}} is attached."},
    "fields": [{"name": "invoice", "label": "Invoice number"}],
}
CARD = {
    "key": "conversation",
    "name": "Conversation",
    "sections": [{"name": "Care", "questions": [{"key": "greet", "text": "Greets", "weight": 1}]}],
}


def _with(document: dict[str, Any], path: str, value: Any) -> str:
    """``document`` as JSON with the value at ``path`` ('fields.0.kind') replaced."""
    changed = json.loads(json.dumps(document))
    *parents, last = path.split(".")
    inner = changed
    for step in parents:
        inner = inner[int(step)] if isinstance(inner, list) else inner[step]
    inner[int(last) if isinstance(inner, list) else last] = value
    return json.dumps(changed)


EDITORS = {
    "/helpdesk/catalog": (
        "#catalog-editor",
        "#catalog-error",
        "catalog item",
        [
            ("settings", [1], "settings: expected an object of texts, not a list"),
            ("title", None, "catalog item: title: missing"),
            ("key", "", "key: must not be empty"),
            ("key", "Invoice Copy", "key: 'Invoice Copy': 1-100 lower-case letters"),
            ("approvals", "x", "approvals: expected a whole number, not text 'x'"),
            ("approvals", 10**30, "approvals: 1000000000000000000000000000000 is out of range"),
            ("fields", 5, "fields: expected a list, not the number 5"),
            ("fields.0.kind", "date", "fields[0].kind: 'date' is not one of text, email, choice"),
            ("fields.0.colour", "red", "fields[0]: unknown key(s) 'colour' (the keys: name,"),
            ("fields.0.label", "", "fields[0].label: must not be empty"),
            ("action", "webhook", "settings.url: a webhook needs an absolute http://"),
            (
                "settings.template",
                "Invoice {{invoice}} for {{ city }}",
                "settings.template: {{city}} is not one of the item's fields (invoice)",
            ),
        ],
    ),
    "/helpdesk/quality": (
        "#scorecard-editor",
        "#scorecard-error",
        "scorecard",
        [
            ("sections", 5, "sections: expected a list, not the number 5"),
            ("sections.0.questions.0.text", None, "sections[0].questions[0].text: missing"),
            ("sections.0.questions.0.weight", "abc", "questions[0].weight: expected a number"),
            ("sections.0.questions.0.weight", 1e400, "questions[0].weight: inf is out of range"),
            ("sections.0.questions.0.foo", 1, "questions[0]: unknown key(s) 'foo'"),
            ("sections.0.questions.0.max_points", 1.5, "max_points: expected a whole number"),
            ("key", "", "scorecard: key: must not be empty"),
        ],
    ),
}


@pytest.mark.parametrize("url", EDITORS)
def test_a_json_editor_names_the_wrong_value_and_keeps_the_text(walker: Any, url: str) -> None:
    """The catalog's and the scorecards' editors (helpdesk:admin): a definition the code cannot
    take is the editor again, the text as typed and a sentence naming the value's path. Before,
    settings given as a list was a 500, a missing title "incomplete or malformed: 'title'", an
    empty key or an unknown field kind was saved (the public form of an item keyed '' posted to
    /help/catalog/), and an empty editor an error page 'form field definition: Field
    required'."""
    from playwright.sync_api import expect

    form, alert, what, cases = EDITORS[url]
    good = ITEM if what == "catalog item" else CARD
    admin = walker("admin")
    page = admin.page
    page.goto(admin.base + url)
    editor = page.locator(f"{form} textarea[name=definition]")
    editor.fill("")
    assert editor.evaluate("e => !e.checkValidity()")  # the form says it needs a definition
    for path, value, said in cases:
        typed = _with(good, path, value)
        editor = page.locator(f"{form} textarea[name=definition]")
        editor.fill(typed)
        assert admin.submit(form) == 422, (path, value)
        expect(page.locator(alert)).to_contain_text(f"{what}: ")
        expect(page.locator(alert)).to_contain_text(said)
        assert page.locator(f"{form} textarea[name=definition]").input_value() == typed
    page.locator(f"{form} textarea[name=definition]").fill(json.dumps(good))
    assert admin.submit(form) == 200
    expect(page.locator("main")).to_contain_text(good.get("title") or good["name"])
    assert admin.errors == []
    for role in ("analyst", "agent"):  # who may read the page sees no editor
        reader = walker(role)
        reader.page.goto(admin.base + url)
        expect(reader.page.locator("main h1")).to_be_visible()
        assert reader.page.locator(f"{form} textarea").count() == 0


def test_the_chat_widget_offline_form_asks_for_the_address_and_says_why_it_refuses(
    walker: Any,
) -> None:
    """Nobody is online, the visitor started without an address: the widget's "Send by email"
    form. Before, it had no email field (the start form's was hidden) and said "Please give
    your email address." to every refusal, and a blank message opened a case."""
    from playwright.sync_api import expect

    visitor = walker(None)
    page = visitor.page
    page.goto(visitor.base + "/help/chat")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_role("button", name="Start chat").click()
    expect(page.locator("#offline")).to_be_visible()
    email, message = page.get_by_label("Your address"), page.get_by_label("Your message")
    error, done = page.locator("#offline-error"), page.locator("#offline-done")
    send = page.get_by_role("button", name="Send by email")
    # the form states its bounds: the API's max_length and the service's message bound
    assert page.locator("#name").get_attribute("maxlength") == "300"
    assert email.get_attribute("maxlength") == "320"
    assert message.get_attribute("maxlength") == "4000"
    assert page.get_by_label("Message", exact=True).get_attribute("maxlength") == "4000"

    message.fill("Where is my parcel?")
    send.click()
    assert email.evaluate("e => !e.checkValidity()")  # asked for, nothing sent
    email.fill("ana@example.org")
    message.fill("   ")
    send.click()
    expect(error).to_have_text("a message has 1 to 4000 characters")
    expect(done).to_have_text("")
    message.fill("Where is my parcel?")
    send.click()
    expect(done).to_have_text("Thank you: we answer by email.")
    expect(error).to_be_hidden()
    assert visitor.errors == []


@pytest.mark.parametrize("role", ROLES)
def test_the_loyalty_alert_says_who_sets_the_program_again_and_how(walker: Any, role: str) -> None:
    """A program stored past today's bounds (4855e16's alert on /loyalty): every reader is told
    what is past its bound; an admin how to set it again (the page has no program editor), the
    others that an admin does. Before, the alert told each role to "Set the program again",
    naming no way to, in the words "stored before the bounds; read as they are"."""
    from playwright.sync_api import expect

    reader = walker(role)
    reader.page.goto(reader.base + "/loyalty")
    alert = reader.page.locator("#program-out-of-range")
    expect(alert).to_contain_text("past today's limits")
    expect(alert).to_contain_text(
        "program.expiry_months: 1000000 is out of range (at most 1200 months, 100 years)"
    )
    fix = alert.locator("#program-fix")
    if role == "admin":
        expect(fix).to_contain_text("opencx loyalty configure PROGRAM.json")
        expect(fix).to_contain_text("PUT /api/loyalty/program")
    else:
        expect(fix).to_have_text(
            "An admin sets the program again within them (changing the program needs the"
            " loyalty:admin scope)."
        )
    assert reader.errors == []


def test_the_sla_dashboard_window_takes_only_the_days_it_shows(walker: Any) -> None:
    """/helpdesk/sla's "last N days": a number from 1 to 3660, what the page shows (it clamps
    the query to that). Before, a text box: 'abc' was an error page 'query parameter days:
    Input should be a valid integer', and 0 or 100000 showed another window than typed."""
    from playwright.sync_api import expect

    agent = walker("agent")
    agent.page.goto(agent.base + "/helpdesk/sla")
    days = agent.page.locator("input[name=days]")
    for wrong in ("0", "3661", "-5"):
        days.fill(wrong)
        assert days.evaluate("e => !e.checkValidity()"), wrong
    days.fill("3660")
    with agent.page.expect_navigation():
        agent.page.get_by_role("button", name="Show").click()
    expect(agent.page).to_have_url(re.compile(r"/helpdesk/sla\?days=3660$"))
    expect(agent.page.locator("input[name=days]")).to_have_value("3660")
    assert agent.errors == []


def test_an_import_that_cannot_be_read_says_it_failed_and_wrote_nothing(
    walker: Any, tmp_path: Path
) -> None:
    """The import page follows an upload's job; a file that cannot be read (here: empty) ends it
    at once. Before, the page said "Status: dead", "reading empty.csv (1 bytes)" of a file of 0
    bytes, and still "you may leave it, the import goes on"."""
    from playwright.sync_api import expect

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    admin = walker("admin")
    page = admin.page
    page.goto(admin.base + "/data/import")
    page.get_by_label("What the file holds").select_option("customers")
    page.get_by_label("File", exact=True).set_input_files(str(empty))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/data/import/jobs/[0-9a-z]+$"))
    expect(page.locator("#job-status")).to_have_text("failed: nothing was written")
    expect(page.locator("#job-error")).to_have_text("empty.csv: line 1: the file is empty")
    expect(page.locator("#job-stage")).to_have_text("reading empty.csv (0 bytes)")
    expect(page.locator("#job-follows")).to_be_hidden()
    page.reload()  # as shown once the job is done, without the script's help
    expect(page.locator("#job-status")).to_have_text("failed: nothing was written")
    expect(page.locator("#job-follows")).to_be_hidden()
    assert admin.errors == []


def test_the_queue_view_offers_each_status_the_cases_can_have(walker: Any) -> None:
    """/helpdesk's filter: a box per case status, the open ones ticked. Before, a free text of
    comma-separated statuses: 'opn' or 'foo' showed an empty queue as if no case were open."""
    from playwright.sync_api import expect

    visitor = walker(None)  # a case, through the public contact form
    visitor.page.goto(visitor.base + "/help")
    visitor.page.get_by_label("Email").fill("bo@example.org")
    visitor.page.get_by_label("Subject").fill("Parcel late")
    visitor.page.get_by_label("Message").fill("It has been two weeks.")
    visitor.page.locator("main form button[type=submit]").click()
    expect(visitor.page.locator("#contact-sent")).to_contain_text("Thank you")

    agent = walker("agent")
    page = agent.page
    page.goto(agent.base + "/helpdesk")
    boxes = page.locator("#status-choice input[name=status]")
    assert boxes.evaluate_all("es => es.map(e => e.value)") == [
        "new",
        "open",
        "pending_customer",
        "pending_third_party",
        "resolved",
        "closed",
    ]
    assert boxes.evaluate_all("es => es.filter(e => e.checked).map(e => e.value)") == [
        "new",
        "open",
        "pending_customer",
        "pending_third_party",
    ]
    expect(page.locator("#case-list")).to_contain_text("Parcel late")
    for value in ("new", "open", "pending_customer", "pending_third_party"):
        page.locator(f"#status-choice input[value={value}]").uncheck()
    page.locator("#status-choice input[value=closed]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/helpdesk\?queue=&status=closed$"))
    expect(page.locator("main")).not_to_contain_text("Parcel late")
    page.locator("#status-choice input[value=new]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#case-list")).to_contain_text("Parcel late")
    typed = page.goto(agent.base + "/helpdesk?status=opn")  # a link typed by hand
    assert typed is not None and typed.status == 422
    expect(page.locator("#error-page")).to_contain_text(
        "unknown status 'opn' (the statuses: new, open, pending_customer, pending_third_party,"
        " resolved, closed)"
    )
    assert agent.errors == [] and visitor.errors == []


def test_the_loyalty_tables_fit_the_page_at_1280_pixels(walker: Any) -> None:
    """/loyalty's Causes and Partners tables at 1280x800: each inside its card (or scrolling
    within it), nothing past the page's right edge. Before, four cards shared a row: the
    Partners table ran 82 px past its card and the page scrolled sideways (1340 px wide)."""
    from playwright.sync_api import expect

    admin = walker("admin")
    page = admin.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(admin.base + "/loyalty")
    expect(page.locator("section[aria-labelledby=partners-h]")).to_contain_text("Fuel stations")
    for heading in ("causes-h", "partners-h"):
        box = page.evaluate(
            """h => { const card = document.getElementById(h).closest('section');
            const table = card.querySelector('table'), holder = table.parentElement;
            const c = card.getBoundingClientRect(), t = holder.getBoundingClientRect();
            return {card: [c.left, c.right], holder: [t.left, t.right],
                    fits: table.scrollWidth <= holder.clientWidth
                          || getComputedStyle(holder).overflowX === 'auto'}; }""",
            heading,
        )
        assert box["fits"], (heading, box)
        assert box["card"][0] <= box["holder"][0] and box["holder"][1] <= box["card"][1], box
        assert box["card"][1] <= 1280, (heading, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scroll
    assert admin.errors == []


def test_the_admin_menu_stays_on_one_row_at_1280_pixels(walker: Any) -> None:
    """The top bar at 1280x800 as admin (the longest menu): every entry on one row inside the
    bar, the bar its 56 px. Before, 'Admin' wrapped to a second row and the first row was cut
    off at the top of the bar."""
    admin = walker("admin")
    page = admin.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(admin.base + "/")
    bar = page.evaluate(
        """() => { const bar = document.querySelector('header.topbar').getBoundingClientRect();
        const links = [...document.querySelectorAll('nav.mainnav a')].map(a => {
            const r = a.getBoundingClientRect(); return [a.textContent, r.top, r.bottom]; });
        return {top: bar.top, bottom: bar.bottom, links}; }"""
    )
    labels = [label for label, _, _ in bar["links"]]
    assert "Admin" in labels and "Journeys" in labels, labels
    assert len({round(top) for _, top, _ in bar["links"]}) == 1, bar  # one row
    assert all(bar["top"] <= top and bottom <= bar["bottom"] for _, top, bottom in bar["links"])
    assert bar["bottom"] - bar["top"] <= 56, bar
    assert admin.errors == []


def test_the_queue_view_offers_the_queues_the_cases_sit_in(walker: Any) -> None:
    """/helpdesk's queue filter: the cases' queues nobody configured (the demo's 'Logistics',
    an import's 'Returns desk', the contact form's 'general') are choices, and choosing one
    shows its cases only. Before, the list held only configured queues: here none, so 'all'
    was the one choice."""
    from playwright.sync_api import expect

    agent = walker("agent")
    page = agent.page
    page.goto(agent.base + "/helpdesk")
    choice = page.locator("select[name=queue]")
    offered = choice.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert offered[0] == "" and {"Logistics", "Returns desk"} <= set(offered)  # '' is all
    boxes = page.locator("#status-choice label").evaluate_all(
        """ls => ls.map(l => { const box = l.querySelector('input').getBoundingClientRect();
        const all = l.getBoundingClientRect();
        return [l.textContent.trim(), box.top - all.top, all.bottom - box.bottom]; })"""
    )
    # each status box beside its text, not stacked over it (before: 27 px above its bottom)
    assert boxes and all(top < 6 and bottom < 6 for _, top, bottom in boxes), boxes
    expect(choice.locator("option[value=Logistics]")).to_have_text(
        "Logistics (cases only, not configured)"
    )
    for queue, subject in QUEUED:
        choice.select_option(queue)
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        expect(choice).to_have_value(queue)
        expect(page.locator("#case-list")).to_contain_text(subject)
        others = [s for q, s in QUEUED if q != queue]
        for other in others:
            expect(page.locator("#case-list")).not_to_contain_text(other)
        assert page.locator("#case-list tbody tr").count() == 1
    typed = page.goto(agent.base + "/helpdesk?queue=Logistcs")  # a link typed by hand
    assert typed is not None and typed.status == 422
    expect(page.locator("#error-page")).to_contain_text(
        "unknown queue 'Logistcs' (the queues: Logistics, Returns desk"
    )
    assert agent.errors == []
