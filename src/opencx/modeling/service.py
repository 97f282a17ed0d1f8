"""Modeling use cases: fit a model and save the run, score customers, list runs and results."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from opencx.core import Clock, NotFound, SystemClock, new_id
from opencx.core.errors import Conflict
from opencx.modeling import store
from opencx.modeling.features import Sources
from opencx.modeling.prediction_models import ARTIFACT
from opencx.modeling.registry import ModelData, ModelSpec, ScoreValue, fingerprint, models
from opencx.modeling.store import ModelRun, ScoreRow
from opencx.modeling.telco import read_telco

__all__ = ["ModelingService", "TelcoReport"]

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TelcoReport:
    customers: int
    blank_total_charges: int
    metrics: dict[str, Any]
    run_id: str


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
    ) -> None:
        """``secret_key`` signs the fitted artifacts saved with a run (the churn model is a
        pickle): one not signed with it is never unpickled."""
        self.engine = engine
        self.clock = clock or SystemClock()
        self.warehouse_url = warehouse_url
        self._key = hashlib.sha256(b"opencx model artifact\0" + secret_key.encode()).digest()

    # --- data -----------------------------------------------------------------------------
    @contextmanager
    def _data(self, as_of: datetime | None) -> Iterator[ModelData]:
        with store.ibis_session(self.engine, self.warehouse_url) as con:
            src = store.sources(con)
            probe = ModelData(src, as_of or self.clock.now())
            when = as_of or probe.data_end() or self.clock.now()
            yield ModelData(src, when, case_categories=_top_categories(src))

    @staticmethod
    def specs() -> dict[str, ModelSpec]:
        return models()

    def _spec(self, model: str) -> ModelSpec:
        specs = models()
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
        cfg = dict(config or {})
        with self.engine.connect() as conn:
            prev_run = store.latest_run(conn, model)
        with self._data(as_of) as data:
            previous = self._without_forged_artifact(prev_run.params) if prev_run else None
            fitted = spec.fit(data, cfg, previous, progress)
            cfg["as_of"] = data.as_of.isoformat()
        run = ModelRun(
            id=new_id(),
            model=spec.name,
            version=spec.version,
            config=cfg,
            data_fingerprint=fingerprint(fitted.table),
            fitted_at=self.clock.now(),
            metrics=fitted.metrics,
            params=self._signed(fitted.params),
        )
        progress("save")
        with self.engine.begin() as conn:
            store.insert_run(conn, run)
            store.insert_scores(conn, run.id, _rows(fitted.scores))
        return run

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
            rows = spec.score(data, self._verified(run), run.config)
        with self.engine.begin() as conn:
            n = store.insert_scores(conn, run.id, _rows(rows))
        return run, n

    # --- artifacts --------------------------------------------------------------------------
    def _mac(self, artifact: str) -> str:
        return hmac.new(self._key, artifact.encode("ascii"), "sha256").hexdigest()

    def _signed(self, params: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(params.get(ARTIFACT), str):
            return params
        return {**params, ARTIFACT_MAC: self._mac(params[ARTIFACT])}

    def _genuine(self, params: dict[str, Any]) -> bool:
        mac = params.get(ARTIFACT_MAC)
        artifact = params.get(ARTIFACT)
        return (
            isinstance(mac, str)
            and isinstance(artifact, str)
            and hmac.compare_digest(mac, self._mac(artifact))
        )

    def _verified(self, run: ModelRun) -> dict[str, Any]:
        """The run's parameters, once its artifact (if any) is known to be ours."""
        if ARTIFACT in run.params and not self._genuine(run.params):
            raise Conflict(
                f"model run {run.id} ({run.model}) has an artifact not signed with this "
                f"installation's secret key (saved before signing, with another key, or "
                f"altered); refit: opencx models fit {run.model}"
            )
        return run.params

    def _without_forged_artifact(self, params: dict[str, Any]) -> dict[str, Any]:
        if ARTIFACT in params and not self._genuine(params):
            return {k: v for k, v in params.items() if k not in {ARTIFACT, ARTIFACT_MAC}}
        return params

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
        return run, rows

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
        buffer = io.StringIO()
        fields = ["customer_id", "name", "email", "churn_risk", "reasons"]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.churn_list(top))
        return buffer.getvalue()

    def evaluate_telco(
        self, path: Path, *, snapshot: datetime, progress: Progress = _quiet
    ) -> TelcoReport:
        """Import the IBM telco snapshot as customers + subscriptions and fit churn on it."""
        parsed = read_telco(path, snapshot)
        with self.engine.begin() as conn:
            store.insert_snapshot(conn, parsed.customers, parsed.subscriptions)
        run = self.fit("churn", as_of=snapshot, config={"mode": "snapshot"}, progress=progress)
        return TelcoReport(
            len(parsed.customers), len(parsed.blank_total_charges), run.metrics, run.id
        )


ARTIFACT_MAC = "artifact_mac"
"""The run parameter holding the HMAC-SHA256 of the ``ARTIFACT`` parameter."""


def _reason_text(reason: dict[str, Any]) -> str:
    feature = str(reason.get("feature", "")).removeprefix("attr_").replace("_", " ")
    value, typical, delta = reason.get("value"), reason.get("typical"), reason.get("delta")
    return f"{feature} = {value} (typical {typical}, +{delta})"


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
