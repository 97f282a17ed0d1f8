"""Churn-risk bands: the words for a customer's calibrated churn risk (``churn_risk`` scores,
0..1), so every list and filter that says "high risk" means the same customers.

A band holds the risks from its low bound (included) to its high bound (excluded; 1.0 is in
the top band). Stdlib only: the composition root hands the bands to the customers slice's
list filter without loading the model code.
"""

from __future__ import annotations

RISK_BANDS: tuple[tuple[str, float, float], ...] = (
    ("high", 0.6, 1.0),
    ("medium", 0.3, 0.6),
    ("low", 0.0, 0.3),
)
"""``(name, low, high)``: high risk at 60% or more, medium from 30%, low below 30%."""
