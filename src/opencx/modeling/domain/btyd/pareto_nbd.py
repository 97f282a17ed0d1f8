"""Pareto/NBD: Poisson purchasing with exponential lifetimes, both rates gamma-heterogeneous.

Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting Your Customers: Who Are They and
What Will They Do Next? Management Science 33(1), 1-24.  The likelihood and the expressions for
P(alive) and conditional expectations follow Fader, P. S. & Hardie, B. G. S. (2005), "A Note on
Deriving the Pareto/NBD Model and Related Expressions" (brucehardie.com/notes/009), eqs. 22-23.
Purchase rate lambda ~ Gamma(r, alpha), dropout rate mu ~ Gamma(s, beta).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import expit, gammaln, psi

from opencx.modeling.domain.btyd.hypergeometric import beta_integral_series, log_hyp2f1_shifted
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.summary import (
    FloatArray,
    Levels,
    RfmSummary,
    compress,
    map_distinct,
)


@dataclass(frozen=True, slots=True)
class ParetoNbdParams:
    """Pareto/NBD parameters: lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta)."""

    r: float
    alpha: float
    s: float
    beta: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.s, self.beta], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Distinct (x, t_x) and (x, T) pairs of the rows: the hypergeometric term depends on a row
    only through these, and there are far fewer of them than rows."""

    x: Levels
    recency: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]
    age: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]

    @classmethod
    def of(cls, s: RfmSummary) -> _Pairs:
        def distinct(y: FloatArray) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]:
            order = np.lexsort((y, s.x))
            xs, ys = s.x[order], y[order]
            new = np.ones(xs.shape[0], dtype=bool)
            new[1:] = (np.diff(xs) != 0) | (np.diff(ys) != 0)
            index = np.empty(xs.shape[0], dtype=np.intp)
            index[order] = np.cumsum(new) - 1
            return xs[new], ys[new], index

        return cls(Levels.of(s.x), distinct(s.t_x), distinct(s.T))


def _log_a0(theta: FloatArray, pairs: _Pairs) -> FloatArray:
    """ln A0 of Fader & Hardie (2005, eq. 23): ln[F(t_x) - F(T)] with
    ``F(y) = 2F1(r+s+x, b'; r+s+x+1; |alpha-beta|/(max+y)) / (max+y)^(r+s+x)``,
    ``b' = s+1`` when alpha >= beta and ``r+x`` otherwise."""
    r, alpha, s_, beta = (float(v) for v in theta)
    high, low = max(alpha, beta), min(alpha, beta)

    def log_f(part: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]) -> FloatArray:
        x, y, index = part
        a = r + s_ + x
        b = s_ + 1.0 if alpha >= beta else r + x
        out = -a * np.log(high + y) + log_hyp2f1_shifted(a, b, (high - low) / (high + y))
        return np.asarray(out, dtype=np.float64)[index]

    at_tx, at_T = log_f(pairs.recency), log_f(pairs.age)
    with np.errstate(divide="ignore"):
        return np.asarray(at_tx + np.log(-np.expm1(np.minimum(at_T - at_tx, 0.0))))


def _log_odds_dead_complement(
    theta: FloatArray, s: RfmSummary, pairs: _Pairs | None = None
) -> tuple[FloatArray, FloatArray]:
    """(ln of the 'alive at T' term, ln of the 'died in (t_x, T]' term), without common factor."""
    r, alpha, s_, beta = (float(v) for v in theta)
    alive = -(r + s.x) * np.log(alpha + s.T) - s_ * np.log(beta + s.T)
    a0 = _log_a0(theta, pairs or _Pairs.of(s))
    died = np.log(s_) - np.log(r + s_ + s.x) + a0
    return alive, died


def pareto_nbd_log_likelihood(params: ParetoNbdParams, summary: RfmSummary) -> FloatArray:
    """Per-row log-likelihood, Fader & Hardie (2005 note) eq. 22, in log space."""
    return _loglik_rows(params.as_array(), summary, _Pairs.of(summary))


def _loglik_rows(theta: FloatArray, s: RfmSummary, pairs: _Pairs) -> FloatArray:
    r, alpha, s_, beta = (float(v) for v in theta)
    a1 = pairs.x.map(lambda u: gammaln(r + u)) - gammaln(r) + r * np.log(alpha)
    alive, died = _log_odds_dead_complement(theta, s, pairs)
    return np.asarray(a1 + s_ * np.log(beta) + np.logaddexp(alive, died), dtype=np.float64)


def _log_g_and_grad(
    theta: FloatArray, part: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]
) -> tuple[FloatArray, FloatArray]:
    """``ln G(y)`` and its gradient in (r, alpha, s, beta) per row, where
    ``G(y) = ∫_y^∞ (alpha+u)^-(r+x) (beta+u)^-(s+1) du``, so that ``A0 / (r+s+x) = G(t_x) - G(T)``
    (Fader & Hardie 2005 note, eq. 23 as an integral over the time of death).

    With ``h = max(alpha, beta) + y`` and ``z = |alpha - beta| / h``, ``G = h^-(r+s+x) J`` where
    ``J = ∫_0^1 v^(r+s+x-1) (1 - z v)^-q dv`` and ``q`` is ``s+1`` (alpha >= beta) or ``r+x``:
    :func:`beta_integral_series` gives ``J`` and its derivatives in its three arguments.
    """
    r, alpha, s_, beta = (float(v) for v in theta)
    x, y, index = part
    a = r + s_ + x
    high = alpha >= beta
    h = (alpha if high else beta) + y
    z = abs(alpha - beta) / h
    q = np.full_like(x, s_ + 1.0) if high else r + x
    j, minus_da, d_q, d_z = beta_integral_series(a, q, z)
    log_h = np.log(h)
    by_a, by_q, by_z = -minus_da / j, d_q / j, d_z / j
    # a = r+s+x moves with r and s; q with s (alpha >= beta) or r; z with alpha and beta
    d_r = -log_h + by_a + (0.0 if high else by_q)
    d_s = -log_h + by_a + (by_q if high else 0.0)
    if high:  # h = alpha + y, z = (alpha - beta) / h
        d_alpha = -a / h + by_z * (beta + y) / (h * h)
        d_beta = -by_z / h
    else:  # h = beta + y, z = (beta - alpha) / h
        d_alpha = -by_z / h
        d_beta = -a / h + by_z * (alpha + y) / (h * h)
    grad = np.stack([d_r, d_alpha, d_s, d_beta])
    return (-a * log_h + np.log(j))[index], grad[:, index]


def _loglik_and_gradient(
    theta: FloatArray, s: RfmSummary, pairs: _Pairs
) -> tuple[float, FloatArray]:
    """The weighted log-likelihood of eq. 22 and its analytic gradient in (r, alpha, s, beta).

    ``LL = ln Γ(r+x) - ln Γ(r) + r ln alpha + s ln beta + ln(e^A + e^D)`` with the alive term
    ``A = -(r+x) ln(alpha+T) - s ln(beta+T)`` and the died term ``D = ln s + ln I``,
    ``I = G(t_x) - G(T)`` (see :func:`_log_g_and_grad`); each term is differentiated exactly.
    """
    r, alpha, s_, beta = (float(v) for v in theta)
    w = s.w
    at_tx, grad_tx = _log_g_and_grad(theta, pairs.recency)
    at_T, grad_T = _log_g_and_grad(theta, pairs.age)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.exp(np.minimum(at_T - at_tx, 0.0))  # G(T) / G(t_x), in [0, 1]
        log_i = at_tx + np.log1p(-rho)
        d_log_i = (grad_tx - rho * grad_T) / (1.0 - rho)
    alive = -(r + s.x) * np.log(alpha + s.T) - s_ * np.log(beta + s.T)
    died = np.log(s_) + log_i
    with np.errstate(invalid="ignore"):  # NaN where a series did not converge: callers check
        both = np.logaddexp(alive, died)
    rows = pairs.x.map(lambda u: gammaln(r + u)) - gammaln(r) + r * np.log(alpha)
    ll = float(w @ (rows + s_ * np.log(beta) + both))
    w_alive, w_died = w * expit(alive - died), w * expit(died - alive)
    d_alive = np.stack(
        [-np.log(alpha + s.T), -(r + s.x) / (alpha + s.T), -np.log(beta + s.T), -s_ / (beta + s.T)]
    )
    d_died = d_log_i
    d_died[2] += 1.0 / s_
    died_part = np.where(w_died > 0, w_died * d_died, 0.0).sum(axis=1)
    grad = d_alive @ w_alive + died_part
    grad[0] += float(w @ pairs.x.map(lambda u: psi(r + u))) - w.sum() * psi(r)
    grad[0] += w.sum() * np.log(alpha)
    grad[1] += w.sum() * r / alpha
    grad[2] += w.sum() * np.log(beta)
    grad[3] += w.sum() * s_ / beta
    return ll, grad


#: Above this many distinct rows the starting grid is searched on a coarsened copy of the rows
#: (times rounded up to 1/25 of the mean ``T``), and only its optimum is refined on the rows.
COARSE_ABOVE = 20_000


def fit_pareto_nbd(
    summary: RfmSummary,
    *,
    penalizer: float = 0.0,
    starts: list[tuple[float, ...]] | None = None,
) -> ParetoNbdParams:
    """Maximum-likelihood Pareto/NBD on compressed (x, t_x, T) rows.

    The gradient is analytic (:func:`_loglik_and_gradient`); the log-likelihood is exact and
    overflow-free. Rows that do not compress (continuous times) are many: the grid of starts is
    then searched on a coarsened copy (:data:`COARSE_ABOVE`), whose optimum starts the one
    refinement on the exact rows.

    Examples
    --------
    >>> s = RfmSummary(np.array([0, 2, 5]), np.array([0, 10, 30]), np.array([38, 38, 38]))
    >>> fit_pareto_nbd(s).fit.n
    3.0
    """
    rows = compress(summary)
    scale = float(np.average(rows.T, weights=rows.w)) if len(rows) else 1.0
    grid = starts or start_grid([0.25, 1.0], [0.1 * scale, scale], [0.5, 2.0], [0.3 * scale, scale])
    if starts is None and len(rows) > COARSE_ABOVE:
        first, _ = _maximise_on(_coarsened(rows, scale / 25.0), grid, penalizer, refine=2)
        theta, info = _maximise_on(rows, [tuple(first)], penalizer, refine=1)
    else:
        theta, info = _maximise_on(rows, grid, penalizer, refine=2)
    r, alpha, s_, beta = (float(v) for v in theta)
    return ParetoNbdParams(r, alpha, s_, beta, fit=info)


def _coarsened(rows: RfmSummary, step: float) -> RfmSummary:
    """The rows with ``t_x`` and ``T`` rounded up to a multiple of ``step``, compressed."""
    T = np.ceil(rows.T / step) * step
    t_x = np.where(rows.x > 0, np.minimum(np.ceil(rows.t_x / step) * step, T), 0.0)
    return compress(RfmSummary(rows.x, t_x, T, weights=rows.w))


def _maximise_on(
    rows: RfmSummary, grid: list[tuple[float, ...]], penalizer: float, *, refine: int
) -> tuple[FloatArray, FitInfo]:
    pairs = _Pairs.of(rows)

    def value(theta: FloatArray) -> float:
        return float(rows.w @ _loglik_rows(theta, rows, pairs))

    def loglik(theta: FloatArray) -> tuple[float, FloatArray]:
        ll, grad = _loglik_and_gradient(theta, rows, pairs)
        if np.isfinite(ll) and np.all(np.isfinite(grad)):
            return ll, grad
        # a trial step far from the data (a series not converged): forward differences
        base = value(theta)
        out = np.empty(4)
        for k in range(4):
            step = theta.copy()
            step[k] *= 1.0 + 1e-7
            out[k] = (value(step) - base) / (theta[k] * 1e-7)
        return base, out

    return maximise(loglik, grid, n=rows.n_customers, penalizer=penalizer, refine=refine)


def probability_alive(p: ParetoNbdParams, summary: RfmSummary) -> FloatArray:
    """P(alive | x, t_x, T), Fader & Hardie (2005 note) eq. 18, as a logistic of log-odds."""

    def chunk(s: RfmSummary) -> FloatArray:
        alive, died = _log_odds_dead_complement(p.as_array(), s)
        return np.asarray(expit(alive - died), dtype=np.float64)

    return map_distinct(chunk, summary)


def _growth(k: float, u: FloatArray) -> FloatArray:
    """(1 - exp(-k u)) / k, continuous at k = 0 (where it is u)."""
    if abs(k) < 1e-10:
        return u
    return np.asarray(-np.expm1(-k * u) / k, dtype=np.float64)


def expected_purchases(p: ParetoNbdParams, summary: RfmSummary, horizon: float) -> FloatArray:
    """E[Y(horizon) | x, t_x, T], Schmittlein et al. (1987) eq. 22 / FH (2005 note) eq. 27:
    ``(r+x)(beta+T) / ((alpha+T)(s-1)) * [1 - ((beta+T)/(beta+T+t))^(s-1)] * P(alive)``."""

    def chunk(s: RfmSummary) -> FloatArray:
        u = np.log1p(float(horizon) / (p.beta + s.T))
        rate = (p.r + s.x) / (p.alpha + s.T) * (p.beta + s.T)
        alive, died = _log_odds_dead_complement(p.as_array(), s)
        return np.asarray(rate * _growth(p.s - 1.0, u) * expit(alive - died), dtype=np.float64)

    return map_distinct(chunk, summary)


def expected_purchases_new(p: ParetoNbdParams, t: npt.ArrayLike) -> FloatArray:
    """E[X(t)] for a customer just acquired, Schmittlein et al. (1987) eq. 17."""
    tt = np.asarray(t, dtype=np.float64)
    return p.r * p.beta / p.alpha * _growth(p.s - 1.0, np.log1p(tt / p.beta))


def simulate_pareto_nbd(
    p: ParetoNbdParams, T: npt.ArrayLike, rng: np.random.Generator
) -> RfmSummary:
    """Draw (x, t_x, T) from the Pareto/NBD process (lifetime ~ Exp(mu), purchases Poisson)."""
    TT = np.asarray(T, dtype=np.float64)
    lam = rng.gamma(p.r, 1.0 / p.alpha, size=TT.shape)
    mu = rng.gamma(p.s, 1.0 / p.beta, size=TT.shape)
    active = np.minimum(rng.exponential(1.0 / mu), TT)
    x = rng.poisson(lam * active)
    t_x = np.zeros_like(TT)
    pos = x > 0
    t_x[pos] = active[pos] * rng.beta(x[pos], 1.0)
    return RfmSummary(x.astype(float), t_x, TT)
