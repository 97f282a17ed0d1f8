"""What a fitted purchase model can be trusted for, in plain words.

A BTYD fit can succeed numerically and still say little: a parameter pushed to the edge of the
range the optimiser searches (BG/NBD's drop-out ``a`` → 0 means nobody ever drops out, so
P(alive) ≈ 1 for everyone), a parameter without a standard error (the likelihood is flat in its
direction: the data does not pin it down), or predictions that miss the purchases customers made
in a holdout period. :func:`purchase_findings` turns a saved fit into findings a CX manager reads:
each says what was found and what it means for using the scores.

The holdout comparison follows Fader, Hardie & Lee (2005), *Marketing Science* 24(2), §4
(calibration/holdout validation, figure 4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EDGE_LOG", "Finding", "purchase_findings"]

EDGE_LOG = 18.0
"""A parameter with |ln θ| ≥ 18 (θ < 1.5e-8 or θ > 6.6e7) sits at the edge of the range the
fit searches (|ln θ| ≤ 25, see ``likelihood._LOG_BOUND``): the optimiser ran into the wall."""

NO_DROPOUT = 1e-3
"""Below a 0.1% mean chance of leaving per purchase, a customer is practically never dead."""

MEANING: dict[str, dict[str, str]] = {
    "bgnbd": {
        "r": "the shape of how purchase rates vary between customers",
        "alpha": "the scale of the purchase rates (larger: customers buy less often)",
        "a": "drop-out: with b, the chance a customer leaves after a purchase",
        "b": "drop-out: with a, the chance a customer leaves after a purchase",
    },
    "mbgnbd": {
        "r": "the shape of how purchase rates vary between customers",
        "alpha": "the scale of the purchase rates (larger: customers buy less often)",
        "a": "drop-out: with b, the chance a customer leaves at each purchase",
        "b": "drop-out: with a, the chance a customer leaves at each purchase",
    },
    "pareto_nbd": {
        "r": "the shape of how purchase rates vary between customers",
        "alpha": "the scale of the purchase rates (larger: customers buy less often)",
        "s": "the shape of how drop-out rates vary between customers",
        "beta": "the scale of the drop-out rates (larger: customers stay longer)",
    },
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic: ``level`` ok, warn or bad; what was found; what it means."""

    level: str
    title: str
    meaning: str


def _at_edge(value: float) -> bool:
    return value <= 0 or abs(math.log(value)) >= EDGE_LOG


def _se_missing(se: Any) -> bool:
    return se is None or not isinstance(se, int | float) or not math.isfinite(se)


def _dropout(model: str, p: Mapping[str, float]) -> float | None:
    """The mean chance of dropping out per purchase (BG, MBG) or None."""
    if model in {"bgnbd", "mbgnbd"} and p.get("a") is not None and p.get("b") is not None:
        a, b = float(p["a"]), float(p["b"])
        return a / (a + b) if a + b > 0 else None
    return None


def _no_dropout(model: str, p: Mapping[str, float]) -> bool:
    if model in {"bgnbd", "mbgnbd"}:
        a, b = float(p.get("a", 1.0)), float(p.get("b", 1.0))
        mean = _dropout(model, p)
        tiny, huge = a <= math.exp(-EDGE_LOG), b >= math.exp(EDGE_LOG)
        return tiny or huge or (mean is not None and mean < NO_DROPOUT)
    if model == "pareto_nbd":
        s, beta = float(p.get("s", 1.0)), float(p.get("beta", 1.0))
        return s <= math.exp(-EDGE_LOG) or beta >= math.exp(EDGE_LOG)
    return False


def _parameter_findings(
    model: str, params: Mapping[str, float], names: Sequence[str], std_errors: Sequence[Any]
) -> list[Finding]:
    found: list[Finding] = []
    meaning = MEANING.get(model, {})
    ses = list(std_errors) + [None] * (len(names) - len(std_errors))
    for name, se in zip(names, ses, strict=False):
        value = float(params[name])
        what = meaning.get(name, "a model parameter")
        if _at_edge(value):
            found.append(
                Finding(
                    "bad",
                    f"{name} = {value:.3g} is at the edge of its range",
                    f"{name} is {what}. The fit pushed it as far as it could go, so the data "
                    "does not support a finite value: treat what depends on it as an "
                    "assumption, not a measurement.",
                )
            )
        elif _se_missing(se):
            found.append(
                Finding(
                    "warn",
                    f"{name} = {value:.3g} has no standard error",
                    f"{name} is {what}. The likelihood is flat in its direction (the data "
                    "cannot tell nearby values apart), so its exact value is not to be trusted "
                    "on its own.",
                )
            )
    return found


def _alive_findings(
    model: str, params: Mapping[str, float], alive_share: float | None
) -> list[Finding]:
    if _no_dropout(model, params):
        share = "" if alive_share is None else f" ({alive_share:.0%} of customers score ≥ 0.95)"
        return [
            Finding(
                "bad",
                f"Almost no drop-out found: P(alive) ≈ 1 for everyone{share}",
                "The model sees customers who stop buying as merely slow, so P(alive) cannot "
                "tell a lapsed customer from an active one, and CLV assumes everyone keeps "
                "buying. Use churn risk or RFM recency to find lapsed customers; read CLV as "
                "an upper bound.",
            )
        ]
    if alive_share is not None and alive_share >= 0.9:
        return [
            Finding(
                "warn",
                f"{alive_share:.0%} of customers have P(alive) ≥ 0.95",
                "Drop-out is rare in this data, so P(alive) separates customers little; rank "
                "them by expected purchases or CLV rather than P(alive).",
            )
        ]
    mean = _dropout(model, params)
    if mean is not None:
        return [
            Finding(
                "ok",
                f"Drop-out is measurable: on average {mean:.1%} of customers leave after a "
                "purchase",
                "P(alive) falls for customers who have been quiet for longer than their usual "
                "rhythm, so it can rank who has probably lapsed.",
            )
        ]
    return []


def _holdout_finding(holdout: Mapping[str, Any] | None) -> list[Finding]:
    if not holdout:
        return []
    actual, predicted = float(holdout["actual_total"]), float(holdout["predicted_total"])
    weeks, since = holdout.get("weeks"), str(holdout.get("calibration_end", ""))[:10]
    if actual <= 0:
        return [Finding("warn", "No purchases in the holdout period", "Nothing to check.")]
    error = (predicted - actual) / actual
    level = "ok" if abs(error) <= 0.1 else ("warn" if abs(error) <= 0.25 else "bad")
    way = "over" if error > 0 else "under"
    title = (
        f"Holdout check: fitted on data before {since}, it predicted {predicted:,.0f} purchases "
        f"in the next {weeks} weeks; customers made {actual:,.0f} ({way}-predicted by "
        f"{abs(error):.0%})"
    )
    meaning = {
        "ok": "Predictions for the population are close to what happened: expected purchases "
        "and CLV can be used for planning.",
        "warn": "Predictions are roughly right; use them to rank customers rather than as "
        "exact forecasts.",
        "bad": "Predictions miss what customers did: use the scores to rank at most, and look "
        "at the chart to see which customers the model gets wrong.",
    }[level]
    return [Finding(level, title, meaning)]


def purchase_findings(
    model: str,
    params: Mapping[str, float],
    names: Sequence[str],
    *,
    std_errors: Sequence[Any] = (),
    converged: bool | None = None,
    alive_share: float | None = None,
    holdout: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Findings about a fitted purchase model (``bgnbd``, ``mbgnbd`` or ``pareto_nbd``).

    Parameters
    ----------
    params, names : the fitted parameters and their order (the model's ``NAMES``).
    std_errors : in the order of ``names``; None or NaN where the information matrix gave none.
    converged : whether the optimiser reported convergence (None when unknown).
    alive_share : the share of customers with P(alive) ≥ 0.95.
    holdout : ``actual_total``, ``predicted_total``, ``weeks`` and ``calibration_end`` of a
        calibration/holdout check (FHL 2005 §4).

    Examples
    --------
    >>> [f.level for f in purchase_findings("bgnbd", {"r": .24, "alpha": 4.4, "a": .79,
    ...     "b": 2.4}, ("r", "alpha", "a", "b"), std_errors=(.01, .3, .2, .8))]
    ['ok']
    """
    found: list[Finding] = []
    if converged is False:
        found.append(
            Finding(
                "bad",
                "The fit did not converge",
                "The optimiser stopped before it found the best parameters: refit, or treat "
                "every score of this run with care.",
            )
        )
    found += _parameter_findings(model, params, names, std_errors)
    found += _alive_findings(model, params, alive_share)
    found += _holdout_finding(holdout)
    order = {"bad": 0, "warn": 1, "ok": 2}
    return sorted(found, key=lambda f: order[f.level])
