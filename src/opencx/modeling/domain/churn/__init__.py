"""Churn risk: ``model`` (calibrated gradient boosting, evaluation and per-customer drivers),
``ensemble`` (its trees, to re-predict one changed column) and ``bands`` (the words for a risk)."""

__all__ = ["bands", "ensemble", "model"]
