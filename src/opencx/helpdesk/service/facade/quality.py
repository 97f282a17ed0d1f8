"""Agent quality: scorecards, reviews, coaching needs and calibration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opencx.helpdesk.domain.quality import Calibration, Scorecard
from opencx.helpdesk.service import quality
from opencx.helpdesk.service.facade.units import Units
from opencx.helpdesk.store import quality as quality_store


@dataclass(frozen=True, slots=True)
class QualityOverview:
    reviews: list[Any]  # the latest, newest first
    agents: list[tuple[str, float | None, list[tuple[str, float, int]]]]  # average, needs
    calibrations: list[tuple[str, Calibration]]  # cases reviewed more than once


class AgentQuality(Units):
    """Agent quality's use cases, one transaction each."""

    def save_scorecard(self, definition: Mapping[str, Any]) -> Scorecard:
        with self._tx() as conn:
            return quality.save_scorecard(conn, definition, self.deps)

    def review(
        self,
        case_id: str,
        card: str,
        reviewer: str,
        answers: Mapping[str, int | None],
        comment: str | None = None,
    ) -> quality.Review:
        with self._tx() as conn:
            return quality.review_case(conn, case_id, card, reviewer, answers, self.deps, comment)

    def scorecards(self) -> list[Scorecard]:
        with self.engine.connect() as conn:
            return quality_store.scorecards(conn)

    def quality_overview(self, card: str) -> QualityOverview:
        """A scorecard's latest reviews, each reviewed agent's average and coaching needs, and
        the calibration of every case reviewed more than once."""
        with self.engine.connect() as conn:
            latest = quality_store.latest_reviews(conn, card)
            agents = [
                (agent, *quality.coaching(conn, agent, card))
                for agent in quality_store.reviewed_agents(conn, card)
            ]
            twice = sorted(
                {r.case_id for r in latest if sum(x.case_id == r.case_id for x in latest) > 1}
            )
            calibrations = [
                (case_id, quality.calibration(conn, case_id, card)) for case_id in twice
            ]
        return QualityOverview(latest, agents, calibrations)

    def calibration(self, case_id: str, card: str) -> Calibration:
        with self.engine.connect() as conn:
            return quality.calibration(conn, case_id, card)

    def coaching(self, agent: str, card: str) -> tuple[float | None, list[tuple[str, float, int]]]:
        with self.engine.connect() as conn:
            return quality.coaching(conn, agent, card)
