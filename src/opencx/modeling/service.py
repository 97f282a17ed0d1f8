"""Modeling use cases: fit a model and save the run, score customers, list runs and results."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine
from threadpoolctl import threadpool_limits

from opencx.core import Clock, EventBus, InvalidInput, NotFound, SystemClock, new_id
from opencx.core.audit import PrivilegedActDone
from opencx.core.contacts import ContactsOf, no_contacts
from opencx.core.spreadsheet import csv_text
from opencx.modeling.domain.btyd.diagnostics import Finding, purchase_findings
from opencx.modeling.store import runs as store
from opencx.modeling.store.artifacts import Artifacts
from opencx.modeling.store.runs import ModelRun, ScoreRow

if TYPE_CHECKING:  # the catalog (pandas, SciPy, Ibis) is imported by the methods that fit and
    # score: every CLI command builds this service, few of them model (tests/contracts)
    from opencx.modeling.domain.catalog.data import ModelData
    from opencx.modeling.domain.catalog.spec import ModelSpec, ScoreValue
    from opencx.modeling.domain.features.customer import Sources

__all__ = ["FIT_JOB", "SCORE_JOB", "Headline", "ModelingService"]

#: Threads for the numerical libraries (OpenMP, BLAS) during a fit or a scoring, set here rather
#: than left to the environment: on a few shared cores their default (one per core, each) makes a
#: 20,000-row gradient-boosting fit take 10 s instead of 0.1 s (docs: DESIGN "Known pitfalls").
_FIT_THREADS = 1

FIT_JOB = "modeling.fit"  # the jobs that run fits and scorings submitted through the API
SCORE_JOB = "modeling.score"


@dataclass(frozen=True, slots=True)
class Headline:
    """A fit's mean score over its customers, with its 95% interval (None: one customer)."""

    fitted_at: datetime
    customers: int
    mean: float
    lower: float | None
    upper: float | None


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class ModelingService:
    """Fits and scores the registered models on the canonical tables of one store."""

    def __init__(
        self,
        engine: Engine,
        *,
        secret_key: str,
        clock: Clock | None = None,
        warehouse_url: str | None = None,
        bus: EventBus | None = None,
        contacts: ContactsOf = no_contacts,
    ) -> None:
        """``secret_key`` signs the fitted artifacts saved with a run (the churn model is a
        pickle): one not signed with it is never unpickled. ``bus`` receives a
        :class:`PrivilegedActDone` for each fit and each download of the churn list (the audit
        log subscribes to it). ``contacts`` is the customers slice's read of names and emails
        (the churn list shows them; sealed in the store under crypto-shredding)."""
        self.bus = bus
        self.contacts = contacts
        self.engine = engine
        self.clock = clock or SystemClock()
        self.warehouse_url = warehouse_url
        self._artifacts = Artifacts(secret_key)

    # --- data -----------------------------------------------------------------------------
    @contextmanager
    def _data(self, as_of: datetime | None) -> Iterator[ModelData]:
        from opencx.modeling.domain.catalog.data import ModelData
        from opencx.modeling.store import warehouse

        with warehouse.open_tables(self.engine, self.warehouse_url) as con:
            src = warehouse.sources(con)
            probe = ModelData(src, as_of or self.clock.now())
            when = as_of or probe.data_end() or self.clock.now()
            yield ModelData(src, when, case_categories=_top_categories(src))

    @staticmethod
    def specs() -> dict[str, ModelSpec]:
        from opencx.modeling.domain.catalog.registry import models

        return models()

    def check_model(self, model: str) -> None:
        """NotFound unless ``model`` is registered (before queueing work for it)."""
        self._spec(model)

    def _spec(self, model: str) -> ModelSpec:
        specs = self.specs()
        if model not in specs:
            raise NotFound(f"model {model!r}: known models are {', '.join(specs)}")
        return specs[model]

    # --- commands -------------------------------------------------------------------------
    def fit(
        self,
        model: str,
        *,
        as_of: datetime | None = None,
        config: dict[str, Any] | None = None,
        progress: Progress = _quiet,
    ) -> ModelRun:
        """Fit ``model`` on data before ``as_of`` (default: where the data ends), save the run
        (configuration, fingerprint, metrics, parameters) and its scores in one transaction."""
        spec = self._spec(model)
        with self._data(as_of) as data:
            return self._fit_on(data, spec, dict(config or {}), progress)

    def fit_many(
        self,
        names: Sequence[str],
        *,
        as_of: datetime | None = None,
        config: dict[str, Any] | None = None,
        progress: Callable[[str, str], None] | None = None,
        done: Callable[[ModelRun], None] | None = None,
    ) -> list[ModelRun]:
        """Fit ``names`` in turn on one read of the data, so a feature frame one model
        computed serves the next; each run is saved in its own transaction as it finishes.

        ``progress(model, step)`` reports the steps, ``done(run)`` each saved run.
        """
        specs = [self._spec(name) for name in names]
        runs: list[ModelRun] = []
        with self._data(as_of) as data:
            for spec in specs:
                name = spec.name

                def step(text: str, name: str = name) -> None:
                    if progress is not None:
                        progress(name, text)

                runs.append(self._fit_on(data, spec, dict(config or {}), step))
                if done is not None:
                    done(runs[-1])
        return runs

    def _fit_on(
        self, data: ModelData, spec: ModelSpec, cfg: dict[str, Any], progress: Progress
    ) -> ModelRun:
        from opencx.modeling.domain.catalog.spec import fingerprint

        with self.engine.connect() as conn:
            prev_run = store.latest_run(conn, spec.name)
        _check_history(spec.name, data)
        previous = Artifacts.without(prev_run.params) if prev_run else None
        try:
            with threadpool_limits(limits=_FIT_THREADS):
                fitted = spec.fit(data, cfg, previous, progress)
        except ValueError as exc:  # too little data for this model: say so, not a 500
            raise InvalidInput(f"model {spec.name!r}: {exc}") from exc
        cfg["as_of"] = data.as_of.isoformat()
        run = ModelRun(
            id=new_id(),
            model=spec.name,
            version=spec.version,
            config=cfg,
            data_fingerprint=fingerprint(fitted.table),
            fitted_at=self.clock.now(),
            metrics=fitted.metrics,
            params=self._artifacts.seal(fitted.params, fitted.artifact),
        )
        progress("save")
        with self.engine.begin() as conn:
            store.insert_run(conn, run)
            store.insert_scores(conn, run.id, _rows(fitted.scores))
            self._audit(
                conn, PrivilegedActDone("models.fit", target=run.id, detail={"model": spec.name})
            )
        return run

    def _audit(self, conn: Connection, act: PrivilegedActDone) -> None:
        if self.bus is not None:
            self.bus.publish(act, conn)

    def score(
        self, model: str, *, as_of: datetime | None = None, progress: Progress = _quiet
    ) -> tuple[ModelRun, int]:
        """Score current customers with the latest saved run of ``model``; returns (run, rows)."""
        spec = self._spec(model)
        with self.engine.connect() as conn:
            run = store.latest_run(conn, model)
        if run is None:
            raise NotFound(f"model {model!r} has no saved run; fit it first")
        with self._data(as_of) as data:
            progress("score")
            artifact = self._artifacts.open(run.id, run.model, run.params)
            with threadpool_limits(limits=_FIT_THREADS):
                rows = spec.score(data, run.params, run.config, artifact)
        with self.engine.begin() as conn:
            n = store.insert_scores(conn, run.id, _rows(rows))
        return run, n

    def runs(self, model: str | None = None, limit: int = 100) -> list[ModelRun]:
        with self.engine.connect() as conn:
            return store.list_runs(conn, model, limit)

    def latest(self, model: str) -> ModelRun | None:
        with self.engine.connect() as conn:
            return store.latest_run(conn, model)

    def run(self, run_id: str) -> ModelRun:
        with self.engine.connect() as conn:
            found = store.get_run(conn, run_id)
        if found is None:
            raise NotFound(f"model run {run_id!r} not found")
        return found

    def scores(
        self, model: str, kind: str, *, limit: int | None = 100, descending: bool = True
    ) -> tuple[ModelRun | None, list[dict[str, Any]]]:
        """Latest run of ``model`` and its scores of ``kind``, highest first."""
        run = self.latest(model)
        if run is None:
            return None, []
        with self.engine.connect() as conn:
            rows = store.scores_for_run(conn, run.id, kind, order_desc=descending, limit=limit)
            people = self.contacts(conn, [r["customer_id"] for r in rows])
        for r in rows:
            person = people.get(r["customer_id"])
            r["name"], r["email"] = (person.name, person.email) if person else (None, None)
        return run, rows

    @staticmethod
    def clv_findings(run: ModelRun) -> list[Finding]:
        """What the CLV run's purchase model can be trusted for, in plain words."""
        from opencx.modeling.domain.catalog.clv import PARAM_TYPES

        kind = str(run.params.get("purchase_model", "bgnbd"))
        names = PARAM_TYPES[kind].NAMES if kind in PARAM_TYPES else ()
        values = {n: float(run.params[n]) for n in names if n in run.params}
        return purchase_findings(
            kind,
            values,
            [n for n in names if n in values],
            std_errors=run.metrics.get("std_errors") or (),
            converged=run.metrics.get("converged"),
            alive_share=run.metrics.get("p_alive_share_95"),
            holdout=run.params.get("holdout"),
        )

    def headline(self, model: str = "clv", kind: str = "clv_12m", runs: int = 8) -> list[Headline]:
        """The mean ``kind`` score of the latest ``runs`` fits of ``model``, oldest first, each
        with its 95% interval (normal approximation: mean ± 1.96·s/√n) and customer count."""
        fits = self.runs(model, limit=runs)
        with self.engine.connect() as conn:
            summary = store.score_summaries(conn, [r.id for r in fits], kind)
        out = []
        for run in reversed(fits):
            if run.id not in summary:
                continue
            n, mean, variance = summary[run.id]
            half = 1.96 * math.sqrt(variance / n) if n > 1 else None
            low, high = (mean - half, mean + half) if half is not None else (None, None)
            out.append(Headline(run.fitted_at, n, mean, low, high))
        return out

    def churn_list(self, top: int = 500) -> list[dict[str, Any]]:
        """The customers most at risk with the reasons, for a retention campaign."""
        _, rows = self.scores("churn", "churn_risk", limit=top)
        out = []
        for r in rows:
            reasons = r["details"].get("reasons", [])
            out.append(
                {
                    "customer_id": r["customer_id"],
                    "name": r["name"],
                    "email": r["email"],
                    "churn_risk": round(float(r["value"]), 4),
                    "reasons": "; ".join(_reason_text(x) for x in reasons),
                }
            )
        return out

    def churn_csv(self, top: int = 500) -> str:
        """The churn list as CSV (names and emails: recorded in the audit log as a download of
        personal data, with the number of customers, not who they are)."""
        fields = ["customer_id", "name", "email", "churn_risk", "reasons"]
        rows = self.churn_list(top)
        with self.engine.begin() as conn:
            act = PrivilegedActDone("models.churn_download", detail={"rows": len(rows)})
            self._audit(conn, act)
        return csv_text(fields, rows)


def _check_history(model: str, data: ModelData) -> None:
    """InvalidInput when nothing (no order, no subscription) precedes ``as_of``: a fit would
    learn from nothing."""
    first = data.data_start()
    if first is None:
        raise InvalidInput(f"model {model!r}: the store holds no orders or subscriptions")
    if first >= data.as_of:
        raise InvalidInput(
            f"model {model!r}: nothing before {data.as_of:%Y-%m-%d} to learn from "
            f"(the first is on {first:%Y-%m-%d}); choose a later as_of"
        )


def _reason_text(reason: dict[str, Any]) -> str:
    """``Days since last purchase: 448 (typical 93), +15.2 pts risk``: the feature by its
    label, values to the digits that mean something, the risk it adds in percentage points."""
    from opencx.web.formatting import label, number, readable  # the web package: FastAPI

    feature = label(reason.get("feature", ""))
    value, typical, delta = reason.get("value"), reason.get("typical"), reason.get("delta")
    shown = [readable(v) if isinstance(v, int | float) else str(v) for v in (value, typical)]
    text = f"{feature}: {shown[0]} (typical {shown[1]})"
    if isinstance(delta, int | float):
        text += f", {number(100 * delta, 1, sign=True)} pts risk"
    return text


def _rows(values: list[ScoreValue]) -> Iterator[ScoreRow]:
    for v in values:
        yield ScoreRow(v.customer_id, v.kind, v.value, v.details)


def _top_categories(src: Sources, limit: int = 5) -> list[str]:
    c = src.cases
    c = c.filter(c.category.notnull())
    counts = c.group_by(c.category).aggregate(n=c.id.count()).order_by([c.category]).execute()
    if counts.empty:
        return []
    counts = counts.sort_values(["n", "category"], ascending=[False, True], kind="stable")
    return [str(x) for x in counts["category"].head(limit)]
