"""The Gaussian hypergeometric terms of the BTYD models, evaluated where they cannot overflow.

``scipy.special.hyp2f1`` is accurate for moderate arguments but overflows (or returns inf/NaN)
when a parameter grows with a customer's frequency and ``z`` approaches 1.  The functions here pick
an algebraically equal form whose arguments stay moderate (Abramowitz & Stegun 15.3.3-15.3.5),
falling back to the next form only where one is not finite.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import hyp2f1

FloatArray = npt.NDArray[np.float64]


def damped_hyp2f1(
    A: npt.ArrayLike, B: npt.ArrayLike, C: npt.ArrayLike, z: npt.ArrayLike
) -> FloatArray:
    """``(1 - z)^A * 2F1(A, B; C; z)`` for ``0 <= z < 1``.

    Tried in order: Euler's form ``(1-z)^(C-B) 2F1(C-A, C-B; C; z)`` (A&S 15.3.3), the direct
    product, and Pfaff's form ``2F1(A, C-B; C; z/(z-1))`` (A&S 15.3.4).  In the BTYD expectations
    ``A`` and ``B`` grow with frequency while ``C - A`` and ``C - B`` do not, so Euler's form is
    the stable one and the others only catch its rare failures.
    """
    a, b, c, zz = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float)) for v in (A, B, C, z)))
    with np.errstate(all="ignore"):
        out = np.exp((c - b) * np.log1p(-zz)) * hyp2f1(c - a, c - b, c, zz)
        bad = ~np.isfinite(out)
        if bad.any():  # scipy gave up: sum Euler's series directly
            ca, cb, cc, zb = c[bad] - a[bad], c[bad] - b[bad], c[bad], zz[bad]
            out[bad] = np.exp(cb * np.log1p(-zb)) * _power_series(ca, cb, cc, zb)
        bad = ~np.isfinite(out)
        if bad.any():
            direct = np.exp(a[bad] * np.log1p(-zz[bad])) * hyp2f1(a[bad], b[bad], c[bad], zz[bad])
            pfaff = hyp2f1(a[bad], c[bad] - b[bad], c[bad], zz[bad] / (zz[bad] - 1.0))
            out[bad] = np.where(np.isfinite(direct), direct, pfaff)
    return np.asarray(out, dtype=np.float64)


def log_hyp2f1_shifted(a: npt.ArrayLike, b: npt.ArrayLike, z: npt.ArrayLike) -> FloatArray:
    """``ln 2F1(a, b; a + 1; z)`` for ``0 <= z < 1`` and ``a, b > 0``, without overflow.

    Euler's transformation (A&S 15.3.3) gives ``(1-z)^(1-b) 2F1(1, a+1-b; a+1; z)``.  The
    remaining series has positive terms whose ratio is below ``z`` (as ``b > 0``), so its value
    lies in ``[1, 1/(1-z)]``: its logarithm is finite whatever the size of ``a`` and ``b``.
    This is the Pareto/NBD term of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD
    Model and Related Expressions", eq. (22)-(23), where ``b`` = s+1 or r+x grows with x.
    """
    aa, bb, zz = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float)) for v in (a, b, z)))
    with np.errstate(all="ignore"):
        series = hyp2f1(1.0, aa + 1.0 - bb, aa + 1.0, zz)
        bad = ~np.isfinite(series) | (series <= 0)
        if bad.any():
            series[bad] = _positive_series(aa[bad], bb[bad], zz[bad])
        return np.asarray((1.0 - bb) * np.log1p(-zz) + np.log(series), dtype=np.float64)


def _positive_series(a: FloatArray, b: FloatArray, z: FloatArray) -> FloatArray:
    """``2F1(1, a+1-b; a+1; z)`` summed directly (the fallback of the above)."""
    return _power_series(np.ones_like(a), a + 1.0 - b, a + 1.0, z)


def _power_series(a: FloatArray, b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    """Gauss's series ``sum_n (a)_n (b)_n / ((c)_n n!) z^n`` for ``|z| < 1``, term by term.

    At most 5,000 terms: where the series has not converged by then (z within about 1e-2 of 1
    with huge parameters, which only an optimiser's trial step produces) the result is NaN, so
    the caller rejects that point instead of waiting.
    """
    total = np.ones_like(z)
    term = np.ones_like(z)
    done = np.zeros(z.shape, dtype=bool)
    for k in range(5_000):
        term = term * ((a + k) * (b + k) / ((c + k) * (k + 1.0)) * z)
        total += term
        done = np.abs(term) <= 1e-17 * np.abs(total)
        if k > 2 and np.all(done):
            break
    return np.where(done, total, np.nan)
