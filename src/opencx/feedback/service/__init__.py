"""Feedback use cases. Functions in the submodules take a connection (the caller's unit of
work); :class:`FeedbackService` wraps them in transactions for the edges, the worker and the
event bus, and its ``on_*`` methods are the handlers ``opencx.app.wire_events`` subscribes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus, InvalidInput, ensure_utc
from opencx.core.ids import new_id
from opencx.db import pipelined
from opencx.feedback.domain.loop import closure
from opencx.feedback.domain.surveys import Survey
from opencx.feedback.domain.text import ASPECTS, Driver, Theme, Trend
from opencx.feedback.domain.triggers import Trigger
from opencx.feedback.domain.webhooks import Subscription, check_events, check_secret, check_url
from opencx.feedback.service import analytics, answering, distribution, history, surveys
from opencx.feedback.service.analytics import NO_THEME, Analysis
from opencx.feedback.service.answering import LinkInvalid, Opened, Recorded
from opencx.feedback.service.config import FeedbackConfig
from opencx.feedback.service.distribution import InviteResult
from opencx.feedback.store import happenings
from opencx.feedback.store import invitations as invites
from opencx.feedback.store import loop as loop_store
from opencx.feedback.store import responses as response_store
from opencx.feedback.store import topics as topic_store
from opencx.feedback.store import webhooks as hook_store

__all__ = [
    "Analysis",
    "FeedbackConfig",
    "FeedbackService",
    "InviteResult",
    "LinkInvalid",
    "LoopStats",
    "Opened",
    "Recorded",
]


HOOKS_TTL = 10.0  # seconds a process keeps the list of active webhook subscriptions


@dataclass(frozen=True, slots=True)
class LoopStats:
    opened: int
    closed: int
    rate: float  # closed / opened
    median_hours: float  # to close, over the closed ones


@dataclass(frozen=True, slots=True)
class ThemeVolume:
    theme: Theme
    responses: int  # responses whose comment carries the theme
    sentiment: float | None  # their mean sentiment, −1 .. +1


@dataclass(frozen=True, slots=True)
class ThemeOverview:
    themes: tuple[ThemeVolume, ...]
    untagged: int  # responses whose comment carries no theme
    analysed_at: datetime | None
    aspects: tuple[tuple[str, int, float | None], ...] = ()  # name, responses, mean sentiment


class FeedbackService:
    """The feedback slice's use cases, each in its own transaction."""

    def __init__(self, engine: Engine, clock: Clock, bus: EventBus, config: FeedbackConfig):
        self.engine, self.clock, self.bus, self.config = engine, clock, bus, config
        self._versions: dict[str, Survey] = {}  # survey versions never change once stored
        self._hooks: tuple[float, list[Subscription]] | None = None  # (read until, active)
        self.staff: Callable[[], Sequence[str]] | None = None
        """Who a ``staff_pulse`` goes to (set in the composition root: the helpdesk's agents)."""

    # --- surveys ---------------------------------------------------------------------------
    def create_survey(self, survey: Survey) -> Survey:
        with self.engine.begin() as conn:
            return surveys.create_survey(conn, survey)

    def create_from_template(
        self, kind: str, key: str, name: str, languages: Sequence[str]
    ) -> Survey:
        with self.engine.begin() as conn:
            return surveys.create_from_template(conn, kind, key, name, languages)

    def edit_survey(self, key: str, new: Survey) -> Survey:
        with self.engine.begin() as conn:
            return surveys.edit_survey(conn, key, new)

    def survey(self, key: str) -> Survey:
        with self.engine.connect() as conn:
            return surveys.get_survey(conn, key)

    def surveys(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return surveys.list_surveys(conn)

    # --- distribution ----------------------------------------------------------------------
    def add_trigger(
        self,
        *,
        event: str,
        survey_key: str,
        channel: str = "email",
        delay: timedelta = timedelta(0),
        sample_pct: float = 100.0,
        every_days: int | None = None,
    ) -> Trigger:
        trigger = Trigger(new_id(), event, survey_key, channel, delay, sample_pct, every_days)
        with self.engine.begin() as conn:
            surveys.get_survey(conn, survey_key)
            loop_store.insert_trigger(conn, trigger, self.clock.now())
        return trigger

    def triggers(self) -> list[Trigger]:
        with self.engine.connect() as conn:
            return loop_store.triggers(conn)

    def set_trigger_active(self, trigger_id: str, active: bool) -> bool:
        with self.engine.begin() as conn:
            return loop_store.set_active(conn, trigger_id, active)

    def invite(
        self,
        survey_key: str,
        customer_ids: Sequence[str],
        *,
        channel: str = "email",
        at: datetime | None = None,
    ) -> InviteResult:
        if channel not in ("email", "sms", "link"):
            raise InvalidInput(f"channel {channel!r}: expected email, sms or link")
        with self.engine.begin() as conn:
            return distribution.invite(
                conn,
                self.config,
                survey_key,
                customer_ids,
                now=self.clock.now(),
                channel=channel,
                at=at,
            )

    def run_jobs(self) -> dict[str, int]:
        """Everything time-driven, once: scheduled sends, schedules, reminders (a job's body)."""
        now = self.clock.now()
        with self.engine.begin() as conn:
            scheduled = distribution.run_schedules(conn, self.config, now, self.staff)
        with self.engine.begin() as conn:
            due = distribution.send_due(conn, self.config, now)
        with self.engine.begin() as conn:
            reminded = distribution.send_reminders(conn, self.config, now)
        with self.engine.begin() as conn:
            partials = answering.follow_up_partials(conn, self.config, self.bus, now)
        return {"scheduled": scheduled, "sent": due, "reminders": reminded, "follow-ups": partials}

    def pulse(self, survey_key: str, emails: Sequence[str], period: str) -> int:
        """Mail staff a link to an anonymous survey once per ``period``; how many were sent."""
        with self.engine.begin() as conn:
            return distribution.pulse(
                conn, self.config, survey_key, emails, period=period, now=self.clock.now()
            )

    def skips(self, customer_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return invites.skips(conn, customer_id, limit)

    # --- answering -------------------------------------------------------------------------
    def open_survey(self, token: str, *, mark_opened: bool = True) -> Opened:
        """The survey behind a link; ``mark_opened=False`` writes nothing (a pre-filled link
        that a mail scanner may be following)."""
        with self.engine.begin() as conn:
            return answering.open_survey(
                conn,
                self.config,
                token,
                self.clock.now(),
                cache=self._versions,
                mark_opened=mark_opened,
            )

    def respond(self, token: str, values: Mapping[str, Any], *, finish: bool) -> Recorded:
        """Record answers given through a link; on PostgreSQL in two round trips (the read,
        then the writes together: :func:`opencx.db.pipelined`)."""
        try:
            return self._respond(token, values, finish=finish)
        except sa.exc.IntegrityError:
            # a click at the same moment through the same link (a double click) created the
            # response first; once more, this answer finds it and merges into it
            return self._respond(token, values, finish=finish)

    def _respond(self, token: str, values: Mapping[str, Any], *, finish: bool) -> Recorded:
        with pipelined(self.engine) as conn:
            return answering.respond(
                conn,
                self.config,
                self.bus,
                token,
                values,
                finish=finish,
                now=self.clock.now(),
                cache=self._versions,
                hooks=self._active_hooks(conn),
            )

    # --- webhook subscriptions --------------------------------------------------------------
    def _active_hooks(self, conn: Connection) -> list[Subscription]:
        """The active subscriptions, re-read at most every ``HOOKS_TTL`` seconds (not once per
        answer); a change made through this service applies at once, one made by another
        process within ``HOOKS_TTL``."""
        now = time.monotonic()
        if self._hooks is None or self._hooks[0] <= now:
            self._hooks = (now + HOOKS_TTL, hook_store.subscriptions(conn, active_only=True))
        return self._hooks[1]

    def add_webhook(
        self,
        url: str,
        events: Sequence[str] = (),
        *,
        secret: str | None = None,
        by: str | None = None,
    ) -> tuple[Subscription, str]:
        """Subscribe ``url`` to ``events`` (all when empty); returns it and its signing secret
        (given, or generated), which is shown only now."""
        sub = Subscription(
            new_id(), check_url(url), check_events(events), True, self.clock.now(), by
        )
        key = check_secret(secret)
        with self.engine.begin() as conn:
            hook_store.insert(conn, sub, key)
        self._hooks = None
        return sub, key

    def webhooks(self) -> list[Subscription]:
        with self.engine.connect() as conn:
            return hook_store.subscriptions(conn)

    def remove_webhook(self, subscription_id: str) -> bool:
        """Remove a subscription; its queued deliveries are dropped when their turn comes."""
        with self.engine.begin() as conn:
            removed = hook_store.remove(conn, subscription_id)
        self._hooks = None
        return removed

    def webhook_target(self, subscription_id: str) -> tuple[str, str] | None:
        """URL and secret of an active subscription (for the worker's delivery), else None."""
        with self.engine.connect() as conn:
            found = hook_store.with_secret(conn, subscription_id)
        if found is None or not found[0].active:
            return None
        return found[0].url, found[1]

    def on_follow_up_task(self, payload: Mapping[str, Any]) -> str | None:
        """The outbox task ``feedback.follow_up`` (run by the worker, at least once): open the
        follow-up a complete answer asked for and hand it to the helpdesk, in one transaction;
        a repeat opens nothing. The follow-up's id, or None."""
        at = ensure_utc(datetime.fromisoformat(str(payload["at"])))
        with self.engine.begin() as conn:
            return answering.follow_up_response(
                conn, self.config, self.bus, str(payload["response_id"]), at, self._versions
            )

    def opt_out(self, token: str) -> bool:
        with self.engine.begin() as conn:
            return answering.opt_out(conn, self.config, token, self.clock.now())

    def import_responses(self, source: str, items: Sequence[Mapping[str, Any]]) -> list[Recorded]:
        """Responses from another tool, all or nothing; each item as in the API."""
        done = []
        with self.engine.begin() as conn:
            for i, item in enumerate(items):
                try:
                    done.append(
                        answering.import_response(
                            conn, self.config, self.bus, source=source, **item
                        )
                    )
                except InvalidInput as exc:
                    raise InvalidInput(f"response {i} ({item.get('external_id')}): {exc}") from exc
        return done

    def load_history(
        self,
        conn: Connection,
        *,
        surveys: Sequence[Mapping[str, Any]],
        invitations: Mapping[str, Sequence[Any]],
        responses: Mapping[str, Sequence[Any]],
    ) -> dict[str, int]:
        """Past surveys, invitations and responses in bulk, in the caller's transaction (the
        demo company's): the slice's rules, nothing live (``service/history.py``)."""
        return history.load_history(
            conn, self.config, surveys=surveys, invitations=invitations, responses=responses
        )

    def results(self, key: str) -> dict[str, Any]:
        """What survey ``key`` gathered (:func:`response_store.survey_results`)."""
        with self.engine.connect() as conn:
            return response_store.survey_results(conn, key)

    def explore(
        self, *, before: tuple[datetime, str] | None = None, limit: int = 50, **filters: Any
    ) -> tuple[list[dict[str, Any]], tuple[datetime, str] | None]:
        """A page of the response explorer (:func:`response_store.explore_responses`), each row
        with the customer's name (None once erased, or for an anonymous answer), and the cursor
        of the page after it (None on the last page)."""
        with self.engine.connect() as conn:
            rows = response_store.explore_responses(conn, before=before, limit=limit + 1, **filters)
            more, rows = len(rows) > limit, rows[:limit]
            people = self.config.contacts(conn, {r["customer_id"] for r in rows} - {None})
        for row in rows:
            contact = people.get(row["customer_id"])
            row["customer_name"] = contact.name if contact is not None else None
            row["themes"] = [t for t in row["themes"] if t != NO_THEME]
        last = rows[-1] if more else None
        return rows, (last["submitted_at"], last["response_id"]) if last else None

    # --- closed loop -----------------------------------------------------------------------
    def followups(
        self, *, open_only: bool = True, limit: int = 100, customer_id: str | None = None
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return loop_store.followups(
                conn, open_only=open_only, limit=limit, customer_id=customer_id
            )

    def close_followup(self, followup_id: str) -> bool:
        with self.engine.begin() as conn:
            return loop_store.close(conn, followup_id=followup_id, at=self.clock.now()) > 0

    def loop_stats(self, days: int = 90) -> LoopStats:
        with self.engine.connect() as conn:
            pairs = loop_store.closure_pairs(conn, self.clock.now() - timedelta(days=days))
        rate, median = closure([o for o, _ in pairs], [c for _, c in pairs])
        closed = sum(1 for _, c in pairs if c is not None)
        return LoopStats(len(pairs), closed, rate, median)

    # --- text analytics -------------------------------------------------------------------
    def analyse(self, *, rediscover: bool = False, k: int = 8) -> Analysis:
        with self.engine.begin() as conn:
            return analytics.analyse(conn, self.clock.now(), rediscover=rediscover, k=k)

    def themes(self) -> list[Theme]:
        with self.engine.connect() as conn:
            return topic_store.themes(conn)

    def theme_overview(self) -> ThemeOverview:
        """Every theme with how often it comes up and how people feel when it does."""
        with self.engine.connect() as conn:
            found = topic_store.themes(conn)
            volumes = topic_store.theme_volumes(conn)
            at = topic_store.last_analysed(conn)
        rows = [ThemeVolume(t, *volumes.get(t.title, (0, None))) for t in found]
        rows.sort(key=lambda r: (-r.responses, r.theme.title))
        untagged = volumes.get(NO_THEME, (0, None))[0]
        aspects = tuple((name, *volumes.get(name, (0, None))) for name in ASPECTS)
        return ThemeOverview(tuple(rows), untagged, at, aspects)

    def name_theme(self, key: str, name: str | None) -> bool:
        """Name a theme (equal names merge); takes effect at the next ``analyse``."""
        with self.engine.begin() as conn:
            return topic_store.rename(conn, key, name)

    def drivers(self, question_type: str = "nps") -> list[Driver]:
        with self.engine.connect() as conn:
            return analytics.drivers(conn, question_type)

    def trends(self, days: int = 30) -> list[Trend]:
        with self.engine.connect() as conn:
            return analytics.trends(conn, self.clock.now(), days)

    # --- event handlers (subscribed in opencx.app.wire_events) ------------------------------
    def on_cases(self, case_ids: Sequence[str], live: bool, conn: Connection) -> None:
        """Resolved cases invite (live events only: history imports fire nothing)."""
        if live:
            distribution.on_cases(conn, self.config, case_ids, self.clock.now())

    def on_interactions(self, ids: Sequence[str], live: bool, conn: Connection) -> None:
        """Ended chats and deliveries invite (live events only)."""
        if live:
            distribution.on_interactions(conn, self.config, ids, self.clock.now())

    def on_orders(self, order_ids: Sequence[str], live: bool, conn: Connection) -> None:
        """Purchases schedule ``days_after_purchase`` surveys (live events only)."""
        if live:
            distribution.on_orders(conn, self.config, order_ids, self.clock.now())

    def on_case_resolved(self, case_id: str, reopened: int, conn: Connection) -> None:
        """A resolved follow-up case closes its loop; a resolved case invites (first time only)."""
        origin = happenings.case_origin(conn, case_id)
        if origin is not None and origin[0] == "feedback":
            loop_store.close(conn, followup_id=origin[1], at=self.clock.now())
            loop_store.link_case(conn, origin[1], case_id)
            return
        if reopened == 0:
            distribution.on_cases(conn, self.config, [case_id], self.clock.now())

    def link_case(self, followup_id: str, case_id: str, conn: Connection) -> None:
        """The helpdesk opened ``case_id`` for a follow-up (called in its transaction)."""
        loop_store.link_case(conn, followup_id, case_id)
