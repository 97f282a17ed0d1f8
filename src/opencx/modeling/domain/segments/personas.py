"""Personas: k-means clusters of customers on standardised behaviour and feedback features.

* Features: counts and money are log1p-transformed, then every feature is standardised (z-score);
  a missing value (no NPS answer yet) sits at the population mean (z = 0).
* k: the silhouette coefficient (Rousseeuw 1987) on a fixed random sample of at most
  ``sample_size`` customers, for k = 3..8; the highest wins and a tie goes to the smaller k.
* Descriptions: the features whose centroid z-score is at least ``0.5`` in absolute value, strongest
  first, each turned into a phrase ("frequent buyers", "price-insensitive"), plus the dominant
  country when a persona is mostly from one.
* Stable ids: after a refit, the new centroids are matched to the previous ones (both expressed
  in the new standardisation) by the Hungarian algorithm (Kuhn 1955) on Euclidean distance; a
  matched cluster keeps its old id, an extra cluster gets a fresh one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "PERSONA_FEATURES",
    "Persona",
    "PersonaModel",
    "assign_personas",
    "choose_k",
    "fit_personas",
    "persona_matrix",
]

FloatArray = npt.NDArray[np.float64]

PERSONA_FEATURES: tuple[str, ...] = (
    "frequency",
    "monetary",
    "avg_order_value",
    "recency_days",
    "tenure_days",
    "discount_share",
    "return_rate",
    "share_app",
    "share_web",
    "share_store",
    "interactions_90d",
    "cases_total",
    "nps_latest",
    "is_promoter",
    "is_detractor",
)
LOG_FEATURES = frozenset(
    {"frequency", "monetary", "avg_order_value", "interactions_90d", "cases_total"}
)

#: feature -> (phrase when high, phrase when low); None means "not worth saying".
PHRASES: dict[str, tuple[str | None, str | None]] = {
    "frequency": ("frequent buyers", "one-off buyers"),
    "monetary": ("big spenders", "low spenders"),
    "avg_order_value": ("large baskets", "small baskets"),
    "recency_days": ("lapsed", "recently active"),
    "tenure_days": ("long-standing", "newcomers"),
    "discount_share": ("bargain hunters", "price-insensitive"),
    "return_rate": ("frequent returners", None),
    "share_app": ("app buyers", None),
    "share_web": ("web buyers", None),
    "share_store": ("store buyers", None),
    "interactions_90d": ("highly engaged", "disengaged"),
    "cases_total": ("frequent service contacts", None),
    "nps_latest": ("happy", "unhappy"),
    "is_promoter": ("promoters", None),
    "is_detractor": ("detractors", None),
}
Z_THRESHOLD = 0.5


@dataclass(frozen=True)
class Persona:
    """One cluster: its stable id, description, size and key metrics."""

    id: int
    description: str
    size: int
    share: float
    centroid_z: dict[str, float]
    metrics: dict[str, Any]


@dataclass(frozen=True)
class PersonaModel:
    """A fitted persona model; ``centroids`` are in transformed (log1p) but unscaled units."""

    features: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    centroids: FloatArray
    ids: tuple[int, ...]
    silhouette: dict[int, float]
    personas: tuple[Persona, ...] = field(default=())

    def to_params(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "centroids": self.centroids.tolist(),
            "ids": list(self.ids),
            "silhouette": {str(k): v for k, v in self.silhouette.items()},
            "personas": [p.__dict__ for p in self.personas],
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> PersonaModel:
        return cls(
            features=tuple(params["features"]),
            mean=np.asarray(params["mean"], dtype=np.float64),
            scale=np.asarray(params["scale"], dtype=np.float64),
            centroids=np.asarray(params["centroids"], dtype=np.float64),
            ids=tuple(int(i) for i in params["ids"]),
            silhouette={int(k): float(v) for k, v in params.get("silhouette", {}).items()},
            personas=tuple(Persona(**p) for p in params.get("personas", [])),
        )


def persona_matrix(frame: pd.DataFrame, features: Sequence[str] = PERSONA_FEATURES) -> FloatArray:
    """The transformed, unscaled feature matrix (NaN where a value is missing)."""
    cols = []
    for name in features:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
        if name in LOG_FEATURES:
            values = np.log1p(np.clip(values, 0.0, None))
        cols.append(values)
    return np.column_stack(cols) if cols else np.zeros((len(frame), 0))


def _moments(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Column means and standard deviations ignoring NaN; empty or constant columns get (0, 1)."""
    seen = ~np.isnan(x)
    n = seen.sum(axis=0)
    filled = np.where(seen, x, 0.0)
    mean = np.divide(filled.sum(axis=0), n, out=np.zeros(x.shape[1]), where=n > 0)
    dev = np.where(seen, x - mean, 0.0)
    var = np.divide((dev**2).sum(axis=0), n, out=np.zeros(x.shape[1]), where=n > 0)
    scale = np.sqrt(var)
    return mean, np.where(scale > 0, scale, 1.0)


def _standardise(x: FloatArray, mean: FloatArray, scale: FloatArray) -> FloatArray:
    z = (x - mean) / scale
    return np.where(np.isnan(z), 0.0, z)


def choose_k(
    z: FloatArray, ks: Sequence[int] = range(3, 9), *, sample_size: int = 2_000, seed: int = 0
) -> tuple[int, dict[int, float]]:
    """The k with the highest silhouette on a fixed sample; ties go to the smaller k."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(seed)
    idx = rng.choice(len(z), size=min(sample_size, len(z)), replace=False)
    sample = z[np.sort(idx)]
    scores: dict[int, float] = {}
    for k in ks:
        if k >= len(sample):
            break
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(sample)
        if len(set(labels.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(sample, labels))
    if not scores:
        raise ValueError(f"personas need more than {min(ks)} distinct customers; got {len(z)}")
    best = min(scores)
    for k in sorted(scores):
        if scores[k] > scores[best] + 1e-9:
            best = k
    return best, scores


def _match_ids(
    new_z: FloatArray,
    previous: PersonaModel | None,
    mean: FloatArray,
    scale: FloatArray,
    features: tuple[str, ...],
) -> tuple[int, ...]:
    from scipy.optimize import linear_sum_assignment

    if previous is None or previous.features != features:
        return tuple(range(1, len(new_z) + 1))
    prev_z = _standardise(previous.centroids, mean, scale)
    cost = np.linalg.norm(new_z[:, None, :] - prev_z[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    ids = [0] * len(new_z)
    for r, c in zip(rows, cols, strict=True):
        ids[r] = previous.ids[c]
    fresh = max(previous.ids, default=0) + 1
    for i, value in enumerate(ids):
        if value == 0:
            ids[i] = fresh
            fresh += 1
    return tuple(ids)


def fit_personas(
    frame: pd.DataFrame,
    *,
    previous: PersonaModel | None = None,
    features: Sequence[str] = PERSONA_FEATURES,
    ks: Sequence[int] = range(3, 9),
    sample_size: int = 2_000,
    seed: int = 0,
) -> PersonaModel:
    """Cluster customers into personas; ids follow ``previous`` when given (see module doc).

    References
    ----------
    Rousseeuw, P. J. (1987). Silhouettes. *J. Comput. Appl. Math.* 20, 53–65.
    Kuhn, H. W. (1955). The Hungarian method for the assignment problem. *Naval Res. Logist.* 2.
    """
    from sklearn.cluster import KMeans

    x = persona_matrix(frame, features)
    mean, scale = _moments(x)
    z = _standardise(x, mean, scale)
    k, scores = choose_k(z, ks, sample_size=sample_size, seed=seed)
    km = KMeans(n_clusters=k, n_init=8, random_state=seed).fit(z)
    centroids_z = km.cluster_centers_
    ids = _match_ids(centroids_z, previous, mean, scale, tuple(features))
    labels = np.asarray([ids[c] for c in km.labels_])
    model = PersonaModel(
        features=tuple(features),
        mean=mean,
        scale=scale,
        centroids=centroids_z * scale + mean,
        ids=ids,
        silhouette=scores,
    )
    personas = tuple(
        _summarise(frame, labels, pid, centroids_z[i], features)
        for i, pid in sorted(enumerate(ids), key=lambda t: t[1])
    )
    return PersonaModel(**{**model.__dict__, "personas": personas})


def assign_personas(model: PersonaModel, frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """The persona id of each row of ``frame`` (nearest centroid in the model's scaling)."""
    z = _standardise(persona_matrix(frame, model.features), model.mean, model.scale)
    cz = _standardise(model.centroids, model.mean, model.scale)
    nearest = np.argmin(np.linalg.norm(z[:, None, :] - cz[None, :, :], axis=2), axis=1)
    return np.asarray([model.ids[i] for i in nearest], dtype=np.int64)


def describe(centroid_z: dict[str, float], country: str | None = None) -> str:
    """A readable description from the distinguishing features of a centroid."""
    phrases: list[str] = []
    for name, value in sorted(centroid_z.items(), key=lambda kv: -abs(kv[1])):
        if abs(value) < Z_THRESHOLD or name not in PHRASES:
            continue
        phrase = PHRASES[name][0 if value > 0 else 1]
        if phrase and phrase not in phrases:
            phrases.append(phrase)
        if len(phrases) == 4:
            break
    text = ", ".join(phrases) if phrases else "typical customers"
    return f"{text} in {country}" if country else text


def _dominant_country(frame: pd.DataFrame, members: npt.NDArray[np.bool_]) -> str | None:
    if "country" not in frame.columns or not members.any():
        return None
    inside = frame.loc[members, "country"].dropna().value_counts(normalize=True)
    overall = frame["country"].dropna().value_counts(normalize=True)
    if inside.empty:
        return None
    top = str(inside.index[0])
    if inside.iloc[0] >= 0.6 and inside.iloc[0] >= overall.get(top, 0.0) + 0.15:
        return top
    return None


def _summarise(
    frame: pd.DataFrame,
    labels: npt.NDArray[np.int64],
    pid: int,
    centroid_z: FloatArray,
    features: Sequence[str],
) -> Persona:
    members = labels == pid
    sub = frame.loc[members]
    cz = {name: round(float(v), 3) for name, v in zip(features, centroid_z, strict=True)}

    def mean_of(col: str) -> float | None:
        if col not in sub.columns or sub[col].dropna().empty:
            return None
        return round(float(pd.to_numeric(sub[col], errors="coerce").mean()), 3)

    metrics = {
        "frequency": mean_of("frequency"),
        "monetary": mean_of("monetary"),
        "recency_days": mean_of("recency_days"),
        "nps_latest": mean_of("nps_latest"),
        "promoter_share": mean_of("is_promoter"),
        "discount_share": mean_of("discount_share"),
    }
    return Persona(
        id=pid,
        description=describe(cz, _dominant_country(frame, members)),
        size=int(members.sum()),
        share=round(float(members.mean()), 4) if len(labels) else 0.0,
        centroid_z=cz,
        metrics=metrics,
    )
