"""``opencx metrics alerts check --alpha`` is a significance level: greater than 0 and less than
1 (nan is not). Another value is ``Invalid value for '--alpha'``, exit 2, and no alert is
queued; :meth:`MetricsService.check_alerts` and ``significant_moves`` refuse it naming
``alpha``. No API or page takes alpha (the daily job checks at 0.05). Both stores.

Before, any float was taken: nan never alerted (no p-value is below it) and 1 or above queued an
email to every target's owner for every move, however small
(here: an NPS 100 -> 95 at p = 0.54).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.core.errors import InvalidInput
from opencx.db.schema import answers, outbox, responses, surveys
from opencx.metrics.cli import app as metrics_app
from opencx.metrics.domain.targets import Target
from opencx.settings import Settings


def _month(conn: sa.Connection, month: datetime, scores: list[int], tag: str) -> None:
    conn.execute(
        responses.insert(),
        [
            {
                "id": f"{tag}{i:04d}",
                "source": "test",
                "external_id": f"{tag}{i:04d}",
                "survey_id": "s-nps",
                "submitted_at": month + timedelta(hours=i),
                "completed": True,
                "submission": {},
            }
            for i in range(len(scores))
        ],
    )
    conn.execute(
        answers.insert(),
        [
            {
                "id": f"{tag}{i:04d}",
                "response_id": f"{tag}{i:04d}",
                "question_key": "recommend",
                "question_type": "nps",
                "score": s,
            }
            for i, s in enumerate(scores)
        ],
    )


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    """An NPS target whose last complete month dropped a little: 100 in March, 95 in April."""
    with engine.begin() as conn:
        conn.execute(
            surveys.insert(),
            {"id": "s-nps", "key": "nps", "kind": "nps", "name": "NPS", "languages": ["en"]},
        )
        _month(conn, datetime(2026, 3, 1, tzinfo=UTC), [10] * 40, "mar")
        _month(conn, datetime(2026, 4, 1, tzinfo=UTC), [10] * 38 + [9, 2], "apr")
    clock.at = datetime(2026, 5, 10, tzinfo=UTC)
    built = build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)
    built.metrics.set_target(Target("nps", ">=", 40, "owner@example.org", period="month"))
    return built


def queued(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one())


@pytest.mark.parametrize("alpha", ["nan", "0", "-1", "1", "2", "inf", "-inf", "1e400", "-0.0"])
def test_an_alpha_outside_0_to_1_is_refused_naming_the_option(
    services: Services, alpha: str
) -> None:
    r = CliRunner().invoke(metrics_app, ["alerts", "check", "--alpha", alpha], obj=services)
    assert r.exit_code == 2, (r.output, r.exception)
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    assert "Invalid value for '--alpha': Input should be greater than 0 and less than 1" in said, (
        said
    )
    assert queued(services.engine) == 0


@pytest.mark.parametrize("alpha", [float("nan"), 0.0, 1.0, 2.0, float("inf")])
def test_the_service_refuses_the_same_naming_alpha(services: Services, alpha: float) -> None:
    with pytest.raises(InvalidInput, match=r"alpha: .* must be greater than 0 and less than 1"):
        services.metrics.check_alerts(alpha=alpha)
    assert queued(services.engine) == 0


def test_a_level_inside_is_taken(services: Services) -> None:
    run = ["alerts", "check", "--alpha"]
    r = CliRunner().invoke(metrics_app, [*run, "0.05"], obj=services)
    assert r.exit_code == 0 and "no significant moves" in r.output, (r.output, r.exception)
    assert queued(services.engine) == 0
    r = CliRunner().invoke(metrics_app, [*run, "0.999"], obj=services)  # p = 0.54 < 0.999
    assert r.exit_code == 0 and "-> owner@example.org" in r.output, (r.output, r.exception)
    assert queued(services.engine) == 1
