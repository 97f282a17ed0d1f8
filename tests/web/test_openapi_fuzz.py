"""Schemathesis against ``/openapi.json``: every API operation, called with generated data as
an admin, never answers 5xx, and answers only the statuses and media types the OpenAPI
document declares for it.

Deterministic (Hypothesis ``derandomize``: the same examples every run) and bounded (a few
examples per operation, no shrinking), so it runs in CI like any test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    status_code_conformance,
)

from opencx.access.service import AccessService
from opencx.app import build, create_app
from opencx.core import FixedClock
from opencx.db import migrate
from opencx.settings import Settings

EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    """The app on a fresh SQLite store, with an admin API key (every scope)."""
    from datetime import UTC, datetime

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'opencx.db'}"
    migrate(url)
    settings = Settings(database_url=url, secret_key="fuzz-secret-" + "f" * 32, web_runs_jobs=False)
    services = build(settings, clock=FixedClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)))
    key = AccessService(services.engine, services.clock).create_api_key("fuzz", ["*"])
    yield create_app(settings, services=services), key.secret
    services.engine.dispose()


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_every_operation_keeps_its_contract(fuzzed_app: tuple[object, str]) -> None:
    """Each operation in turn (Schemathesis's pytest plugin does not load under pytest 9)."""
    app, secret = fuzzed_app
    api = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/")
    headers = {"Authorization": f"Bearer {secret}"}
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure, report them all
            failures.append(f"{operation.label}: {str(exc).strip().splitlines()[0:6]}")
    assert not failures, "\n".join(failures)
