"""The Pareto/NBD "died between the last purchase and T" term as a quadrature, with derivatives.

Integrating the death time tau over (t_x, T] (Fader & Hardie 2005, "A Note on Deriving the
Pareto/NBD Model and Related Expressions", brucehardie.com/notes/009, the step before eq. 19) gives
the term ``s/(r+s+x) A0`` of eq. 22 as ``s D`` with

    D = integral_{t_x}^{T} (alpha + tau)^-(r+x) (beta + tau)^-(s+1) dtau,

which the hypergeometric form evaluates with SciPy's ``hyp2f1`` (value only).  Here D is a fixed
Gauss-Legendre rule, so its derivatives in (r, alpha, s, beta) come from the same nodes by
differentiating under the integral, at a cost per row that does not depend on the parameters.

With ``c = min(alpha, beta)``, ``m = max``, ``q`` and ``p`` the exponents of ``c + tau`` and
``m + tau``, ``k = p + q - 1 > 0`` and ``w = ln((c + tau)/(c + t_x))``:

    D = (c + t_x)^-k  integral_0^L exp(psi(w)) dw,   psi(w) = -k w - p ln(1 + A e^-w),

``A = (m - c)/(c + t_x)``, ``L = ln((c + T)/(c + t_x))``.  ``psi`` is concave (its mode is known
in closed form), so the integrand is unimodal and decays at least exponentially past the point
where ``psi`` has fallen ``DROP`` below its maximum: the rule covers ``[0, min(L, that point)]``
(found by Newton steps from the right, which never undershoot on a concave function).  No range
of the parameters makes it slow: the z-near-1 region that made a series need thousands of terms
(bench/RESULTS.md, "tried, reverted") is a wide but smooth window here.  Checked against an
adaptive quadrature and the ``hyp2f1`` form to a relative error near 1e-11 for r, s in
[0.001, 50], alpha, beta in [0.001, 1e7], x up to 3,000 (tests/modeling/domain/btyd).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.polynomial.legendre import leggauss

FloatArray = npt.NDArray[np.float64]

NODES = 32  #: Gauss-Legendre nodes per row
DROP = 40.0  #: the window ends where the integrand is e^-40 of its maximum
_NEWTON = 8
CHUNK = 4096  #: rows per block
_RULE = leggauss(NODES)
_UNIT_NODES = 0.5 * (_RULE[0] + 1.0)
_UNIT_WEIGHTS = 0.5 * _RULE[1]


@dataclass(frozen=True, slots=True)
class DropoutIntegral:
    """ln D per row and, when asked, the moments that give its derivatives.

    Under the density ``f(tau) / D`` on (t_x, T], ``mean`` holds E[ln((alpha+tau)/(alpha+t_x))],
    E[ln((beta+tau)/(beta+t_x))], E[1/(alpha+tau)], E[1/(beta+tau)] (columns 0-3) and ``cov``
    their covariances (rows, 4, 4; only filled for second derivatives).
    """

    log_value: FloatArray
    mean: FloatArray | None = None
    cov: FloatArray | None = None

    def gradient(self, theta: FloatArray, x: FloatArray, t_x: FloatArray) -> FloatArray:
        """d ln D / d(r, alpha, s, beta), one row per customer row."""
        assert self.mean is not None
        r, alpha, s, beta = (float(v) for v in theta)
        m = self.mean
        return np.stack(
            [
                -(np.log(alpha + t_x) + m[:, 0]),
                -(r + x) * m[:, 2],
                -(np.log(beta + t_x) + m[:, 1]),
                -(s + 1.0) * m[:, 3],
            ],
            axis=1,
        )

    def hessian(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        """d^2 ln D / d(r, alpha, s, beta)^2 per row: ``E[g g'] - E[g] E[g']`` of the integrand's
        log-derivatives, with the terms from differentiating (alpha+tau)^-(r+x) twice."""
        assert self.mean is not None and self.cov is not None
        r, _, s, _ = (float(v) for v in theta)
        a, b = r + x, s + 1.0
        c, ia, ib = self.cov, self.mean[:, 2], self.mean[:, 3]
        h = np.empty((x.shape[0], 4, 4))
        h[:, 0, 0] = c[:, 0, 0]
        h[:, 0, 1] = h[:, 1, 0] = a * c[:, 0, 2] - ia
        h[:, 0, 2] = h[:, 2, 0] = c[:, 0, 1]
        h[:, 0, 3] = h[:, 3, 0] = b * c[:, 0, 3]
        h[:, 1, 1] = a * (a + 1.0) * c[:, 2, 2] + a * ia * ia
        h[:, 1, 2] = h[:, 2, 1] = a * c[:, 1, 2]
        h[:, 1, 3] = h[:, 3, 1] = a * b * c[:, 2, 3]
        h[:, 2, 2] = c[:, 1, 1]
        h[:, 2, 3] = h[:, 3, 2] = b * c[:, 1, 3] - ib
        h[:, 3, 3] = b * (b + 1.0) * c[:, 3, 3] + b * ib * ib
        return h


def dropout_integral(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray, *, order: int = 0
) -> DropoutIntegral:
    """D for every row at ``theta = (r, alpha, s, beta)``; ``order`` 1 adds the first moments
    (for the gradient), 2 also their covariances (for the Hessian).  Rows go through in blocks
    of ``CHUNK`` so the (rows x nodes) temporaries stay in cache."""
    parts = [
        _block(theta, x[i : i + CHUNK], t_x[i : i + CHUNK], T[i : i + CHUNK], order)
        for i in range(0, max(x.shape[0], 1), CHUNK)
    ]
    if len(parts) == 1:
        return parts[0]
    log_value = np.concatenate([p.log_value for p in parts])
    mean = None if order < 1 else np.concatenate([p.mean for p in parts if p.mean is not None])
    cov = None if order < 2 else np.concatenate([p.cov for p in parts if p.cov is not None])
    return DropoutIntegral(log_value, mean, cov)


def _block(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray, order: int
) -> DropoutIntegral:
    r, alpha, s, beta = (float(v) for v in theta)
    alpha_low = alpha <= beta
    c, m = (alpha, beta) if alpha_low else (beta, alpha)
    a = r + x
    b = np.full_like(a, s + 1.0)
    q, p = (a, b) if alpha_low else (b, a)
    k = p + q - 1.0
    base = c + t_x
    log_base = np.log(base)
    span = np.log1p((T - t_x) / base)
    with np.errstate(divide="ignore"):
        log_a = np.log(m - c) - log_base  # -inf when alpha == beta: then psi is linear

    def psi(w: FloatArray) -> FloatArray:
        return np.asarray(-k * w - p * np.logaddexp(0.0, log_a - w))

    with np.errstate(divide="ignore", invalid="ignore"):
        mode = np.where(q < 1.0, log_a + np.log((1.0 - q) / k), 0.0)
    mode = np.clip(np.nan_to_num(mode, nan=0.0, neginf=0.0, posinf=0.0), 0.0, span)
    top = psi(mode)
    end = _window_end(psi, k, p, log_a, mode, span, top - DROP)
    w = end[:, None] * _UNIT_NODES
    e = np.exp(log_a[:, None] - w)  # A e^-w
    soft = np.log1p(e)
    f = np.exp(-k[:, None] * w - p[:, None] * soft - top[:, None]) * _UNIT_WEIGHTS
    total = f.sum(axis=1)
    with np.errstate(divide="ignore"):  # T == t_x: D = 0
        log_value = -k * log_base + top + np.log(total * end)
    if order == 0:
        return DropoutIntegral(log_value)
    z = f / total[:, None]
    # 1/(c + tau) = e^-w/(c + t_x) = A e^-w/(m - c): no second exponential unless A = 0
    inv_c = e * (1.0 / (m - c)) if m > c else np.exp(-w) / base[:, None]
    inv_m = inv_c / (1.0 + e)  # 1/(m + tau)
    log_m = w + soft - np.log1p(np.exp(log_a))[:, None]  # ln((m + tau)/(m + t_x))
    g = [w, log_m, inv_c, inv_m] if alpha_low else [log_m, w, inv_m, inv_c]
    if order == 1:
        mean = np.stack([np.einsum("rn,rn->r", z, gi) for gi in g], axis=1)
        return DropoutIntegral(log_value, mean)
    zg = [z * gi for gi in g]
    mean = np.stack([v.sum(axis=1) for v in zg], axis=1)
    cov = np.empty((x.shape[0], 4, 4))
    for i in range(4):
        for j in range(i, 4):
            v = np.einsum("rn,rn->r", zg[i], g[j]) - mean[:, i] * mean[:, j]
            cov[:, i, j] = cov[:, j, i] = v
    return DropoutIntegral(log_value, mean, cov)


def _window_end(
    psi: Callable[[FloatArray], FloatArray],
    k: FloatArray,
    p: FloatArray,
    log_a: FloatArray,
    mode: FloatArray,
    span: FloatArray,
    goal: FloatArray,
) -> FloatArray:
    """The w in [mode, span] where psi falls to ``goal`` (span if it never does): Newton from
    the right, which on a concave psi stays at or beyond the root, so the window never cuts
    mass it needs; a fixed number of steps bounds the cost (a wider window is only less tight)."""
    end = span.copy()
    for _ in range(_NEWTON):
        gap = psi(end) - goal
        slope = -k + p / (1.0 + np.exp(end - log_a))
        step = np.where(gap < 0.0, gap / np.minimum(slope, -1e-300), 0.0)
        end = np.maximum(end - step, mode)
    return np.asarray(end, dtype=np.float64)
