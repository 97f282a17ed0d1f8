"""Buy-till-you-die models: one module per model, with the statistics they share.

``summary`` (per-customer and compressed (x, t_x, T) statistics in NumPy), ``engine`` (the same
built by any Ibis backend, compressed there),
``likelihood`` (the shared maximisers: L-BFGS-B and trust-region Newton), ``hypergeometric``
(stable 2F1 terms), the models ``bgnbd``, ``mbgnbd``, ``pareto_nbd``, ``gamma_gamma`` and ``sbg``,
``dropout_integral`` and ``pareto_derivatives`` (the Pareto/NBD died term as a quadrature, the
analytic gradient and Hessian, and the Newton fit), ``clv`` (P(alive), expected
purchases, discounted CLV for any purchase model), ``holdout`` (calibration/holdout checks) and
``diagnostics`` (whether a fit can be trusted, in plain words).
"""

__all__ = [
    "bgnbd",
    "clv",
    "diagnostics",
    "dropout_integral",
    "engine",
    "gamma_gamma",
    "holdout",
    "hypergeometric",
    "likelihood",
    "mbgnbd",
    "pareto_derivatives",
    "pareto_nbd",
    "sbg",
    "summary",
]
