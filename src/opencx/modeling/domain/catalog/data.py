"""What a model reads: lazy, cached views of the canonical tables cut at ``as_of``.

:class:`ModelData` receives Ibis tables (a :class:`Sources` bundle) and runs the expressions the
features module builds; it never opens a connection. Only small results reach Python: one row per
customer for the feature frame, or the compressed BTYD summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

from opencx.modeling.domain.btyd.engine import btyd_summary
from opencx.modeling.domain.btyd.summary import Period
from opencx.modeling.domain.features.customer import (
    Sources,
    customer_features,
    customer_features_at,
    feature_frame,
    feature_frames,
    order_values,
    purchases_after,
)

__all__ = ["ModelData", "buyers_of"]


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

    def prefetch_features(self, cutoffs: Sequence[datetime]) -> None:
        """Compute the feature frames at ``cutoffs`` not computed yet in one query (the large
        tables read once for all: :func:`customer_features_at`); :meth:`features` then
        returns them from the cache."""
        missing = sorted({c for c in cutoffs if c not in self._features})
        if len(missing) < 2:
            return
        expr = customer_features_at(self.src, missing, case_categories=self.case_categories)
        for when, frame in zip(missing, feature_frames(expr, len(missing)), strict=True):
            self._features[when] = frame

    def btyd(self, *, period: Period = "W", end: datetime | None = None) -> ir.Table:
        """Per-customer (x, t_x, T, monetary) of the purchases before ``end`` (default
        ``as_of``), as an expression the engine runs; monetary is the mean order value."""
        when = end or self.as_of
        ov = order_values(self.src, when)
        ov = ov.filter(ov.is_purchase)
        return btyd_summary(ov, observation_end=when, period=period, value="value")

    def btyd_holdout(self, calibration_end: datetime, *, period: Period = "W") -> ir.Table:
        """(x, t_x, T) of the purchases up to ``calibration_end`` and ``x_holdout``, the
        purchase periods from then to ``as_of``: the calibration/holdout split of FHL (2005)."""
        ov = order_values(self.src, self.as_of)
        ov = ov.filter(ov.is_purchase)
        return btyd_summary(
            ov,
            observation_end=self.as_of,
            calibration_end=calibration_end,
            period=period,
            value="value",
        )

    def purchasers(self, start: datetime, end: datetime) -> set[str]:
        """Customers with a purchase in ``[start, end)``, counted in the engine."""
        found = purchases_after(self.src, start, end).select("customer_id").execute()
        return {str(c) for c in found["customer_id"]}

    def has_purchases(self) -> bool:
        """Whether any purchase was placed before ``as_of``."""
        ov = order_values(self.src, self.as_of)
        n = ov.filter(ov.is_purchase).count().execute()
        return int(n) > 0

    def baskets(self, end: datetime | None = None, start: datetime | None = None) -> pd.DataFrame:
        """Merchandise bought in ``[start, end)``: ``order_id, customer_id, placed_at, product_id,
        product_name`` (one row per order line with a positive quantity)."""
        lines = self._basket_lines(end or self.as_of, start)
        return lines.execute().sort_values(["order_id", "product_id"], kind="stable")

    def baskets_around(self, cutoff: datetime) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """``baskets(cutoff)``, ``baskets(start=cutoff)`` and ``baskets()`` from one query: the
        lines before ``as_of``, split where the engine says they precede ``cutoff`` (without
        ``placed_at``, which is what costs most to read)."""
        lines = self._basket_lines(self.as_of, None)
        lines = lines.select(
            "order_id",
            "customer_id",
            "product_id",
            "product_name",
            _before=lines.placed_at < ibis.literal(cutoff),
        )
        found = lines.execute().sort_values(["order_id", "product_id"], kind="stable")
        before = found.pop("_before").to_numpy(dtype=bool)
        return found[before], found[~before], found

    def _basket_lines(self, end: datetime, start: datetime | None) -> ir.Table:
        ov = order_values(self.src, end)
        if start is not None:
            ov = ov.filter(ov.placed_at >= ibis.literal(start))
        ln = self.src.order_lines
        ln = ln.filter((ln.quantity > 0) & ln.product_id.notnull())
        pr = self.src.products
        pr = pr.filter(pr.is_merchandise)
        ov = ov.filter(ov.is_purchase)
        j = ov.join(ln, ov.order_id == ln.order_id).join(pr, ln.product_id == pr.id)
        return j.select(
            order_id=ov.order_id,
            customer_id=ov.customer_id,
            placed_at=ov.placed_at,
            product_id=ln.product_id,
            product_name=pr.name,
        )

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

    def data_start(self) -> datetime | None:
        """Where the data begins: the first order or subscription start; None without either."""
        o, s = self.src.orders, self.src.subscriptions
        found = [
            o.aggregate(v=o.placed_at.min()).execute()["v"].iloc[0],
            s.aggregate(v=s.started_at.min()).execute()["v"].iloc[0],
        ]
        stamps = [pd.Timestamp(v) for v in found if not pd.isna(v)]
        if not stamps:
            return None
        utc = [t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC") for t in stamps]
        return min(utc).to_pydatetime()

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


def buyers_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a feature frame for customers with at least one purchase."""
    return frame[frame["frequency"] > 0].reset_index(drop=True)
