"""Lanes answer a hot endpoint past the router, with everything a route gets around it: the
request id, the access line naming the route template, the security headers. Every lane stands
for a declared route (so the API docs and the route-access tests cover it)."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Iterator

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from opencx.app import Services, create_app
from opencx.web.lanes import MAX_BODY, Lane, Threads, read_body, send_json


async def _echo(scope: Scope, receive: Receive, send: Send, found: re.Match[str]) -> None:
    body = await read_body(receive)
    await send_json(send, 201, {"name": found.group(1), "size": len(body)}, {"X-Probe": "yes"})


PROBE = Lane("POST", "/probe/lane/{name}", re.compile(r"^/probe/lane/([^/]+)$"), _echo)


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services.settings, services=services)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    app.state.lanes = [*app.state.lanes, PROBE]
    with TestClient(app) as client:
        yield client


def test_a_lane_answers_with_request_id_headers_and_access_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="opencx.http"):
        got = client.post("/probe/lane/ann", content=b"x" * 70_000)
    assert got.status_code == 201 and got.json() == {"name": "ann", "size": 70_000}
    assert got.headers["x-probe"] == "yes"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", got.headers["x-request-id"])
    [line] = [r for r in caplog.records if r.name == "opencx.http"]
    assert line.getMessage().startswith("POST /probe/lane/{name} 201")


def test_other_methods_and_paths_go_to_the_router(client: TestClient) -> None:
    assert client.get("/probe/lane/ann").status_code == 404  # no route: the shell's 404 page
    assert client.post("/probe/lane/ann/more").status_code == 404


def test_every_lane_stands_for_a_declared_route(app: FastAPI) -> None:
    flatten = getattr(fastapi.routing, "_iter_routes_with_context", None)  # FastAPI ≥ 0.165
    routes = [r for r, _ in flatten(app.routes)] if flatten else app.routes
    declared = {
        (method, route.path)
        for route in routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert app.state.lanes, "the application declares its lanes"
    for lane in app.state.lanes:
        assert (lane.method, lane.path) in declared
        sample = re.sub(r"\{[^}]+\}", "abc.1.def", lane.path)
        assert lane.pattern.match(sample), f"{lane.path}: the pattern misses its own template"


async def _broken(scope: Scope, receive: Receive, send: Send, found: re.Match[str]) -> None:
    await read_body(receive)
    raise RuntimeError("the database went away")


BROKEN = Lane(
    "POST", "/probe/broken", re.compile(r"^/probe/broken$"), _broken, {"X-Probe": "error"}
)


def test_an_unexpected_error_or_a_huge_body_gets_an_answer_with_the_lanes_headers(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """What the exception handlers do for a route: the widget's CORS header stays on a 500,
    so the page can read it; a body over the limit is 413, read no further."""
    app.state.lanes = [*app.state.lanes, BROKEN, PROBE]
    with TestClient(app, raise_server_exceptions=False) as client:
        with caplog.at_level(logging.ERROR, logger="opencx.web.lanes"):
            got = client.post("/probe/broken", content=b"{}")
        assert got.status_code == 500 and got.json() == {"error": "internal error; try again"}
        assert got.headers["x-probe"] == "error"
        assert any("the database went away" in (r.exc_text or "") for r in caplog.records)
        huge = client.post("/probe/lane/ann", content=b"x" * (MAX_BODY + 1))
        assert huge.status_code == 413 and "over 1,048,576 bytes" in huge.json()["error"]


def test_threads_run_the_work_off_the_loop_and_hand_back_results_and_errors() -> None:
    threads = Threads(2, "lane-test")

    async def main() -> tuple[list[str], str]:
        loop_thread = threading.current_thread().name
        names = await asyncio.gather(
            *(threads.run(lambda: threading.current_thread().name) for _ in range(8))
        )
        with pytest.raises(ZeroDivisionError):
            await threads.run(lambda: 1 // 0)
        return names, loop_thread

    names, loop_thread = asyncio.run(main())
    assert loop_thread not in names
    assert set(names) <= {"lane-test-0", "lane-test-1"}


def test_work_whose_request_went_away_while_queued_is_not_done() -> None:
    """As with an executor: a cancelled request's unit of work never starts."""
    threads = Threads(1, "lane-cancel")
    gate, done = threading.Event(), []

    async def main() -> None:
        busy = threads.run(gate.wait)  # the only thread waits, so the next job stays queued
        queued = threads.run(lambda: done.append("ran"))
        queued.cancel()
        gate.set()
        await busy
        await threads.run(lambda: None)  # everything queued before it has been taken

    asyncio.run(main())
    assert done == []
