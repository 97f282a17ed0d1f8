"""Maximum likelihood shared by the BTYD models: multi-start optimisation and standard errors.

A model supplies the weighted log-likelihood of its natural (positive) parameters and, where it
has one, the analytic gradient.  The optimiser works on log-parameters (so every parameter stays
positive), minimises ``-LL / n + penalizer * sum(theta**2)`` (the scaling and the L2 penalty of
lifetimes, so penalised fits are comparable), starts from a fixed grid, refines the best few grid
points with L-BFGS-B, and reports standard errors from the inverse of the observed information
(the Hessian of ``-LL`` at the optimum, by central differences of the gradient).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize

FloatArray = npt.NDArray[np.float64]
#: theta -> (weighted log-likelihood, its gradient in theta, or None when there is none)
LogLikelihood = Callable[[FloatArray], tuple[float, FloatArray | None]]

_LOG_BOUND = 25.0  # |log theta| <= 25 keeps every parameter in [1.4e-11, 7.2e10]
_BAD = 1e12


@dataclass(frozen=True, slots=True)
class FitInfo:
    """How a maximum-likelihood fit went.

    Attributes
    ----------
    log_likelihood : the maximised (unpenalised) log-likelihood, summed over customers.
    n : number of customers (sum of row weights).
    converged : the optimiser reported success and the gradient is close to zero.
    std_errors : asymptotic standard errors, in the order of the model's parameters (NaN when
        the observed information is not positive definite).
    penalizer : the L2 penalty coefficient used.
    starts : how many starting points were refined.
    """

    log_likelihood: float
    n: float
    converged: bool
    std_errors: tuple[float, ...]
    penalizer: float = 0.0
    starts: int = 0


def start_grid(*axes: Sequence[float]) -> list[tuple[float, ...]]:
    """The Cartesian product of candidate values per parameter: a fixed, deterministic grid."""
    return [tuple(float(v) for v in point) for point in itertools.product(*axes)]


def maximise(
    loglik: LogLikelihood,
    grid: Sequence[Sequence[float]],
    *,
    n: float,
    penalizer: float = 0.0,
    refine: int = 3,
) -> tuple[FloatArray, FitInfo]:
    """Maximise ``loglik`` from a fixed grid of starts; return the estimate and its FitInfo.

    Every grid point is evaluated once; the ``refine`` best are optimised with L-BFGS-B on
    log-parameters, with the analytic gradient when ``loglik`` returns one and central differences
    otherwise.  The best optimum wins (ties go to the earlier start, so results are deterministic).
    """
    if n <= 0:
        raise ValueError("cannot fit a model to zero customers")
    objective = _Objective(loglik, n, penalizer)
    starts = [np.log(np.asarray(p, dtype=np.float64)) for p in grid]
    with np.errstate(all="ignore"):
        objective.analytic = loglik(np.exp(starts[0]))[1] is not None
    values = [objective.value(phi) for phi in starts]
    ranked = sorted(range(len(starts)), key=lambda i: values[i])[: max(refine, 1)]
    best: optimize.OptimizeResult | None = None
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(starts[0])
    for i in ranked:
        res = optimize.minimize(
            objective.value_and_grad,
            starts[i],
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20},
        )
        if best is None or res.fun < best.fun - 1e-13:
            best = res
    assert best is not None
    theta = np.exp(best.x)
    ll, _ = loglik(theta)
    grad_phi = objective.value_and_grad(best.x)[1]
    hess = _hessian(objective, theta) * n
    info = FitInfo(
        log_likelihood=float(ll),
        n=float(n),
        converged=bool(best.success) and bool(np.max(np.abs(grad_phi)) < 1e-4),
        std_errors=_std_errors(hess),
        penalizer=penalizer,
        starts=len(ranked),
    )
    return theta, info


class _Objective:
    """``-LL/n + penalizer * |theta|^2`` on phi = log(theta), with its gradient."""

    def __init__(self, loglik: LogLikelihood, n: float, penalizer: float) -> None:
        self.loglik, self.n, self.penalizer = loglik, n, penalizer
        self.analytic = False

    def value(self, phi: FloatArray) -> float:
        theta = np.exp(phi)
        with np.errstate(all="ignore"):
            ll, _ = self.loglik(theta)
        f = -ll / self.n + self.penalizer * float(theta @ theta)
        return float(f) if np.isfinite(f) else _BAD

    def grad_theta(self, theta: FloatArray, at: float | None = None) -> FloatArray:
        """Gradient of the objective in theta: analytic, or forward differences in log space
        (step 1e-7, error about 1e-7; ``at`` is the objective at theta when already known)."""
        if self.analytic:
            with np.errstate(all="ignore"):
                _, g = self.loglik(theta)
            assert g is not None
            return -g / self.n + 2.0 * self.penalizer * theta
        phi = np.log(theta)
        base = self.value(phi) if at is None else at
        out = np.empty_like(theta)
        h = 1e-7
        for j in range(theta.shape[0]):
            step = phi.copy()
            step[j] += h
            out[j] = (self.value(step) - base) / h / theta[j]
        return out

    def value_and_grad(self, phi: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(phi)
        if self.analytic:  # one pass gives both
            with np.errstate(all="ignore"):
                ll, g = self.loglik(theta)
            f = -ll / self.n + self.penalizer * float(theta @ theta)
            if not np.isfinite(f) or g is None:
                return _BAD, np.zeros_like(phi)
            grad = (-g / self.n + 2.0 * self.penalizer * theta) * theta
            return float(f), np.where(np.isfinite(grad), grad, 0.0)
        f = self.value(phi)
        if f >= _BAD:
            return f, np.zeros_like(phi)
        grad = self.grad_theta(theta, at=f) * theta
        return f, np.where(np.isfinite(grad), grad, 0.0)


def _hessian(objective: _Objective, theta: FloatArray) -> FloatArray:
    """Hessian of the objective in theta by central differences of its gradient."""
    k = theta.shape[0]
    hess = np.empty((k, k))
    for j in range(k):
        h = 1e-4 * theta[j]
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (objective.grad_theta(up) - objective.grad_theta(down)) / (2 * h)
    return 0.5 * (hess + hess.T)


def _std_errors(hess: FloatArray) -> tuple[float, ...]:
    k = hess.shape[0]
    if not np.all(np.isfinite(hess)):
        return (float("nan"),) * k
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return (float("nan"),) * k
    diag = np.diag(cov)
    return tuple(float(np.sqrt(v)) if v > 0 else float("nan") for v in diag)


#: theta, order -> (weighted log-likelihood, gradient in theta if order >= 1, Hessian if 2)
Derivatives = Callable[[FloatArray, int], tuple[float, FloatArray | None, FloatArray | None]]


@dataclass(frozen=True, slots=True)
class NewtonResult:
    """Where :func:`newton` stopped: the estimate, whether it converged, and the Hessian of the
    log-likelihood in theta there (the exact one when ``exact_hessian``; else the fixed one)."""

    theta: FloatArray
    log_likelihood: float
    converged: bool
    hessian: FloatArray
    iterations: int


def newton(
    derivs: Derivatives,
    theta0: Sequence[float] | FloatArray,
    *,
    n: float,
    penalizer: float = 0.0,
    hessian: FloatArray | None = None,
    max_iter: int = 60,
) -> NewtonResult:
    """Trust-region Newton on ``phi = log(theta)`` for the objective of :func:`maximise`.

    With ``hessian`` (the log-likelihood's Hessian in theta from a cheaper, nearby problem, e.g.
    the same rows with rounded times) each step costs one gradient pass, and BFGS updates from
    the gradients make up the difference between that Hessian and the exact one; without it
    each step asks ``derivs`` for the exact Hessian and converges quadratically.  Steps are kept
    inside ``|phi| <= 25`` (as L-BFGS-B's bounds in :func:`maximise`).  Converged when the
    Newton step is below 1e-9 in every log-parameter (steps whose predicted gain is below the
    rounding of the objective are taken on trust); a step held at a bound, or no gain above
    rounding left with a Newton step over 1e-4 (a flat ridge towards a bound), is not
    convergence: the caller falls back.
    """
    order = 1 if hessian is not None else 2
    phi = np.log(np.asarray(theta0, dtype=np.float64))
    state = _newton_state(derivs, phi, order, n, penalizer, hessian)
    if state is None:
        raise ValueError("the starting point has no finite log-likelihood")
    radius, verdict, iterations = 1.0, "go", 0
    h = state[2]
    while verdict in ("go", "trust") and iterations < max_iter:
        iterations += 1
        f, g = state[0], state[1]
        step, predicted, verdict = _proposal(phi, f, g, h, radius)
        if verdict not in ("go", "trust"):
            break
        trial = _newton_state(derivs, phi + step, order, n, penalizer, hessian)
        # below the rounding of f the ratio is noise: trust the model near the optimum
        gain = -1.0 if trial is None else 1.0 if verdict == "trust" else (f - trial[0]) / predicted
        radius = _radius(gain, float(np.linalg.norm(step)), radius)
        if gain > 1e-4 and trial is not None:
            h = trial[2] if order == 2 else _bfgs(h, step, trial[1] - g)
            phi, state = phi + step, trial
    h_theta = state[4]
    if order == 1:  # the exact Hessian where we stopped, for the standard errors
        exact = derivs(np.exp(phi), 2)[2]
        h_theta = exact if exact is not None else h_theta
    return NewtonResult(np.exp(phi), state[3], verdict == "converged", h_theta, iterations)


def _proposal(
    phi: FloatArray, f: float, g: FloatArray, h: FloatArray, radius: float
) -> tuple[FloatArray, float, str]:
    """The trust-region step, the gain the quadratic model predicts, and what to do: "go",
    "trust" (the predicted gain is below the rounding of f), "converged" (the Newton step is
    below 1e-9), or "stuck" (held at a bound, or a flat ridge towards one)."""
    full = float(np.max(np.abs(_trust_step(g, h, np.inf))))
    step = np.clip(phi + _trust_step(g, h, radius), -_LOG_BOUND, _LOG_BOUND) - phi
    predicted = -float(g @ step + 0.5 * step @ h @ step)
    below_rounding = predicted < 1e-14 * max(1.0, abs(f))
    if full < 1e-9:
        return step, predicted, "converged"
    if np.max(np.abs(step)) < 1e-14 or (below_rounding and full >= 1e-4):
        return step, predicted, "stuck"
    return step, predicted, "trust" if below_rounding else "go"


def _radius(gain: float, size: float, radius: float) -> float:
    """The usual trust-radius update: shrink on a poor step, grow on a good one at the edge."""
    if gain < 0.25:
        return 0.25 * size
    if gain > 0.75 and size >= 0.99 * radius:
        return 2.0 * radius
    return radius


_NewtonState = tuple[float, FloatArray, FloatArray, float, FloatArray]


def _newton_state(
    derivs: Derivatives,
    phi: FloatArray,
    order: int,
    n: float,
    penalizer: float,
    hessian: FloatArray | None,
) -> _NewtonState | None:
    """(objective, gradient and Hessian in phi, log-likelihood, its Hessian in theta)."""
    theta = np.exp(phi)
    with np.errstate(all="ignore"):
        ll, grad, hess = derivs(theta, order)
    hess = hessian if hessian is not None else hess
    if grad is None or hess is None or not (np.isfinite(ll) and np.all(np.isfinite(grad))):
        return None
    f = -ll / n + penalizer * float(theta @ theta)
    g_theta = -grad / n + 2.0 * penalizer * theta
    h_theta = -hess / n + 2.0 * penalizer * np.eye(theta.shape[0])
    h_phi = theta[:, None] * h_theta * theta[None, :] + np.diag(g_theta * theta)
    if not np.all(np.isfinite(h_phi)):
        return None
    return float(f), g_theta * theta, 0.5 * (h_phi + h_phi.T), float(ll), hess


def _bfgs(h: FloatArray, step: FloatArray, change: FloatArray) -> FloatArray:
    """The BFGS update of a Hessian approximation after a step and its change of gradient
    (skipped when the curvature condition fails, which keeps it positive definite)."""
    sy = float(step @ change)
    hs = h @ step
    shs = float(step @ hs)
    if sy <= 1e-12 * float(np.linalg.norm(step) * np.linalg.norm(change)) or shs <= 0:
        return h
    return np.asarray(h + np.outer(change, change) / sy - np.outer(hs, hs) / shs)


def _trust_step(g: FloatArray, h: FloatArray, radius: float) -> FloatArray:
    """argmin of ``g.d + d.h.d/2`` over ``|d| <= radius`` (More & Sorensen; the 'hard case' is
    left to the shrinking radius): ``d = -(h + lam I)^-1 g`` with the smallest ``lam >= 0`` that
    makes ``h + lam I`` positive definite and the step fit."""
    values, vectors = np.linalg.eigh(h)
    gt = vectors.T @ g
    floor = max(0.0, -float(values[0])) * (1.0 + 1e-12) + 1e-300

    def step(lam: float) -> FloatArray:
        return np.asarray(-(vectors @ (gt / (values + lam))), dtype=np.float64)

    lo = 0.0 if values[0] > 0 else floor
    if lo == 0.0 and np.linalg.norm(step(0.0)) <= radius:
        return step(0.0)
    if not np.isfinite(radius):
        lo = max(lo, 1e-12 * max(1.0, float(np.abs(values).max())))
        return step(lo)
    hi = lo + float(np.linalg.norm(g)) / radius + 1e-300
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if np.linalg.norm(step(mid)) > radius:
            lo = mid
        else:
            hi = mid
    return step(hi)


def info_from_hessian(
    ll: float, n: float, hessian_ll: FloatArray, *, converged: bool, penalizer: float, starts: int
) -> FitInfo:
    """FitInfo with standard errors from the log-likelihood's analytic Hessian (the observed
    information, with the penalty's curvature as :func:`maximise` adds it)."""
    hess = -hessian_ll + 2.0 * penalizer * n * np.eye(hessian_ll.shape[0])
    return FitInfo(
        log_likelihood=float(ll),
        n=float(n),
        converged=converged,
        std_errors=_std_errors(0.5 * (hess + hess.T)),
        penalizer=penalizer,
        starts=starts,
    )
