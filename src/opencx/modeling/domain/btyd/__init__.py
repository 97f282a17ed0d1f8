"""Buy-till-you-die models: one module per model, with the statistics they share.

``summary`` (per-customer and compressed (x, t_x, T) statistics in NumPy), ``engine`` (the same
built by any Ibis backend, compressed there),
``likelihood`` (the shared maximiser), ``hypergeometric`` (stable 2F1 terms), the models
``bgnbd``, ``mbgnbd``, ``pareto_nbd``, ``gamma_gamma`` and ``sbg``, ``clv`` (P(alive), expected
purchases, discounted CLV for any purchase model), ``holdout`` (calibration/holdout checks) and
``diagnostics`` (whether a fit can be trusted, in plain words).
"""

__all__ = [
    "bgnbd",
    "clv",
    "diagnostics",
    "engine",
    "gamma_gamma",
    "holdout",
    "hypergeometric",
    "likelihood",
    "mbgnbd",
    "pareto_nbd",
    "sbg",
    "summary",
]
