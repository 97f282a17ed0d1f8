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
