"""What a journey leads to: the outcomes a path or a touchpoint is judged by, and the choices a
query accepts (period lengths, windows, step levels). Data, not an if-chain: the store reads an
outcome's ``source`` and ``absence``, the pages list exactly these names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from opencx.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome: its events (``source``) happening, or with ``absence`` not happening.

    ``after_period``: looked for in the window after the period's end (a customer active in the
    period who does not come back), not after a touch. ``paths`` and ``friction`` say where it
    is offered: friction takes bad outcomes only, and a path of ``no_purchase`` would be the
    complement of ``purchase``'s.
    """

    name: str
    label: str
    source: str  # orders | low_scores | cases | activity (orders and interactions)
    bad: bool
    description: str
    absence: bool = False
    after_period: bool = False
    paths: bool = True
    friction: bool = True


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "purchase",
            "Purchase",
            "orders",
            False,
            "an order placed (not cancelled)",
            friction=False,
        ),
        Outcome(
            "low_score",
            "Low score",
            "low_scores",
            True,
            "a survey answer of an NPS detractor (0-6), or a CSAT or CES score below its "
            "scale's midpoint (dissatisfied, high effort)",
        ),
        Outcome("case", "Case opened", "cases", True, "a helpdesk case opened"),
        Outcome(
            "no_purchase",
            "No purchase",
            "orders",
            True,
            "no order placed within the window after the touchpoint",
            absence=True,
            paths=False,
        ),
        Outcome(
            "no_return",
            "No return (churn)",
            "activity",
            True,
            "neither an order nor an interaction within the window after the period",
            absence=True,
            after_period=True,
        ),
    )
}
PATH_OUTCOMES: tuple[str, ...] = tuple(n for n, o in OUTCOMES.items() if o.paths)
"""What a path may lead to: a purchase, a low score, a case, or not coming back."""
FRICTION_OUTCOMES: tuple[str, ...] = tuple(n for n, o in OUTCOMES.items() if o.friction)
"""The bad outcomes: friction is a bad outcome more often after a touchpoint."""

LEVELS: dict[str, str] = {
    "touchpoint": "touchpoint (its kind when it has none)",
    "channel": "channel",
    "channel_touchpoint": "channel and touchpoint",
}
PERIOD_DAYS: tuple[int, ...] = (30, 90, 180, 365)
"""The period lengths offered, in days, ending at the chosen date."""
WINDOW_DAYS: tuple[int, ...] = (7, 14, 30, 60, 90)
"""How long after a touchpoint (or a path's last step) an outcome is looked for."""
MAX_STEPS = 6
"""The longest path shown (a path keeps its last ``steps`` touchpoints)."""


def _choice(kind: str, value: object, choices: tuple[object, ...] | list[str]) -> None:
    if value not in choices:
        shown = ", ".join(str(c) for c in choices)
        raise InvalidInput(f"unknown {kind} {value!r} (the {kind}s: {shown})")


@dataclass(frozen=True, slots=True)
class JourneyQuery:
    """One question: customers' touchpoints in ``[start, end)``, judged by ``outcome``."""

    outcome: str
    start: datetime
    end: datetime
    level: str = "touchpoint"
    steps: int = 4
    within_days: int = 30

    def __post_init__(self) -> None:
        _choice("outcome", self.outcome, list(OUTCOMES))
        _choice("level", self.level, list(LEVELS))
        if not 1 <= self.steps <= MAX_STEPS:
            raise InvalidInput(f"steps {self.steps}: a path has 1 to {MAX_STEPS} steps")
        if not 1 <= self.within_days <= 366:
            raise InvalidInput(f"window {self.within_days} days: from 1 to 366 days")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidInput("the period's times must be timezone-aware (UTC)")
        if self.end <= self.start:
            raise InvalidInput(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def kind(self) -> Outcome:
        return OUTCOMES[self.outcome]

    @property
    def within(self) -> timedelta:
        return timedelta(days=self.within_days)


def path_outcome(name: str) -> Outcome:
    """The outcome a path may lead to, else refused naming those it may (:data:`PATH_OUTCOMES`)."""
    _choice("path outcome", name, PATH_OUTCOMES)
    return OUTCOMES[name]


def friction_outcome(name: str) -> Outcome:
    """A bad outcome friction is read for, else refused naming them (:data:`FRICTION_OUTCOMES`)."""
    _choice("friction outcome", name, FRICTION_OUTCOMES)
    return OUTCOMES[name]


def windowed(outcome: Outcome, *, friction: bool) -> bool:
    """Whether the outcome is looked for in a window after the period or a touch: always for
    friction; for paths, only a ``no_return`` (an event cuts the journey inside the period)."""
    return friction or outcome.after_period


def period_of(days: int, until: datetime) -> tuple[datetime, datetime]:
    """The ``days`` days ending at ``until`` (one of :data:`PERIOD_DAYS`)."""
    _choice("period length", days, PERIOD_DAYS)
    return until - timedelta(days=days), until


def observable_end(latest: datetime, within_days: int, *, windowed: bool) -> datetime:
    """The default end of a period: midnight after the ``latest`` touch, moved back by the
    window when the outcome is looked for in a window after a touch (friction, and the paths
    of an absence), so every window lies inside the data and no rate reads high because the
    data stops."""
    day_end = datetime.combine(latest.date() + timedelta(days=1), time(), UTC)
    return day_end - timedelta(days=within_days) if windowed else day_end


def censored(query: JourneyQuery, latest: datetime | None, *, windowed: bool) -> bool:
    """Whether some window after the period reaches past the day of the ``latest`` data."""
    if not windowed or latest is None:
        return False
    return query.end + query.within > observable_end(latest, 0, windowed=False)
