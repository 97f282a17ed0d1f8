"""The model registry: each model name maps to a fit and a score function (no if-chains).

A model's *fit* reads :class:`ModelData` (the canonical tables on an Ibis backend plus the
``as_of`` time), and returns a :class:`Fitted` value: JSON parameters, metrics, the table its data
fingerprint is taken from, and the scores for ``as_of``. Its *score* applies saved parameters to
current data. Nothing here opens a connection or writes: the service does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import ibis
import pandas as pd

from opencx.modeling.features import Sources, customer_features, feature_frame, order_values

__all__ = ["Fitted", "ModelData", "ModelSpec", "ScoreValue", "fingerprint", "models"]


class ModelData:
    """Lazy, cached access to the data a model needs, cut at ``as_of``."""

    def __init__(
        self, src: Sources, as_of: datetime, *, case_categories: Sequence[str] = ()
    ) -> None:
        self.src = src
        self.as_of = as_of
        self.case_categories = tuple(case_categories)
        self._features: dict[datetime, pd.DataFrame] = {}

    def features(self, at: datetime | None = None) -> pd.DataFrame:
        """The customer feature frame as of ``at`` (default ``as_of``)."""
        when = at or self.as_of
        if when not in self._features:
            expr = customer_features(self.src, when, case_categories=self.case_categories)
            self._features[when] = feature_frame(expr)
        return self._features[when]

    def transactions(self, end: datetime | None = None) -> pd.DataFrame:
        """Purchases before ``end``: ``customer_id, placed_at, value`` (one row per order)."""
        ov = order_values(self.src, end or self.as_of)
        ov = ov.filter(ov.is_purchase).select("customer_id", "placed_at", "value")
        return ov.execute().sort_values(["customer_id", "placed_at"], kind="stable")

    def baskets(self, end: datetime | None = None, start: datetime | None = None) -> pd.DataFrame:
        """Merchandise bought in ``[start, end)``: ``order_id, customer_id, placed_at, product_id,
        product_name`` (one row per order line with a positive quantity)."""
        ov = order_values(self.src, end or self.as_of)
        if start is not None:
            ov = ov.filter(ov.placed_at >= ibis.literal(start))
        ln = self.src.order_lines
        ln = ln.filter((ln.quantity > 0) & ln.product_id.notnull())
        pr = self.src.products
        pr = pr.filter(pr.is_merchandise)
        j = ov.join(ln, ov.order_id == ln.order_id).join(pr, ln.product_id == pr.id)
        out = j.select(
            order_id=ov.order_id,
            customer_id=ov.customer_id,
            placed_at=ov.placed_at,
            product_id=ln.product_id,
            product_name=pr.name,
        )
        return out.execute().sort_values(["order_id", "product_id"], kind="stable")

    def subscription_churn(self) -> dict[str, bool]:
        """Per subscriber known before ``as_of``: True when every subscription has ended by then."""
        s = self.src.subscriptions
        now = ibis.literal(self.as_of)
        s = s.filter(s.started_at < now)
        # compared as epoch seconds: SQLite keeps timestamps as text, where a stored
        # "…00.000000" sorts after the literal "…00" and an end exactly at as_of looks later
        ended = s.ended_at.epoch_seconds() <= int(self.as_of.timestamp())
        open_ = ibis.ifelse(s.ended_at.isnull() | ~ended, 1, 0)
        agg = s.aggregate(by=[s.customer_id], open=open_.sum()).execute()
        return {str(c): int(n) == 0 for c, n in zip(agg["customer_id"], agg["open"], strict=True)}

    def data_end(self) -> datetime | None:
        """Where the data stops: just after the last order, or the last subscription end."""
        o, s = self.src.orders, self.src.subscriptions
        last_order = o.aggregate(v=o.placed_at.max()).execute()["v"].iloc[0]
        last_end = s.aggregate(v=s.ended_at.max()).execute()["v"].iloc[0]
        found = []
        if not pd.isna(last_order):
            found.append(
                pd.Timestamp(last_order, tz="UTC") + pd.Timedelta(seconds=1)
                if pd.Timestamp(last_order).tzinfo is None
                else pd.Timestamp(last_order).tz_convert("UTC") + pd.Timedelta(seconds=1)
            )
        if not pd.isna(last_end):
            t = pd.Timestamp(last_end)
            found.append(t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC"))
        return max(found).to_pydatetime() if found else None


@dataclass(frozen=True)
class ScoreValue:
    customer_id: str
    kind: str
    value: float | None
    details: dict[str, Any]


@dataclass(frozen=True)
class Fitted:
    """The result of a fit: saved parameters, metrics, fingerprinted table and scores."""

    params: dict[str, Any]
    metrics: dict[str, Any]
    table: pd.DataFrame
    scores: list[ScoreValue] = field(default_factory=list)


Progress = Callable[[str], None]


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: name, version, score kinds, and its fit and score functions."""

    name: str
    version: str
    kinds: tuple[str, ...]
    description: str
    fit: Callable[[ModelData, dict[str, Any], dict[str, Any] | None, Progress], Fitted]
    score: Callable[[ModelData, dict[str, Any], dict[str, Any]], list[ScoreValue]]


def fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of a table's CSV text (columns in order, rows as given): the data fingerprint."""
    text = table.to_csv(index=False, float_format="%.10g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def models() -> dict[str, ModelSpec]:
    """Every registered model by name, in the order the CLI and pages list them."""
    from opencx.modeling import prediction_models, segment_models

    specs = (*prediction_models.SPECS, *segment_models.SPECS)
    return {spec.name: spec for spec in specs}
