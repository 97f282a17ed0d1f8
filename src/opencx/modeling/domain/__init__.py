"""Pure computation of the modeling slice: NumPy, SciPy, scikit-learn and Ibis expressions.

``btyd`` (buy-till-you-die CLV models and their sufficient statistics), ``segments`` (RFM,
personas, loyal-customer types), ``churn`` (churn risk), ``recommend`` (next best offer),
``features`` (customer feature tables as Ibis expressions) and ``catalog`` (one adapter per model
and the list of them). No SQL, HTTP, CLI or clock reads; nothing opens a connection.
"""

__all__ = ["btyd", "catalog", "churn", "features", "recommend", "segments"]
