"""Churn risk: ``model`` (calibrated gradient boosting, evaluation and per-customer drivers)."""

__all__ = ["model"]
