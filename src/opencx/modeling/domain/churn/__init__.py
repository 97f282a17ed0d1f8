"""Churn risk: ``model`` (calibrated gradient boosting, evaluation and per-customer drivers) and
``ensemble`` (its trees, to re-predict one changed column)."""

__all__ = ["ensemble", "model"]
