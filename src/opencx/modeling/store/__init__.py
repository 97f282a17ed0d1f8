"""The modeling slice's tables (``model_runs``, ``customer_scores``) and how runs are kept.

``runs`` writes and reads saved runs and their scores (SQLAlchemy Core); ``artifacts`` packs a
fitted object into a run's parameters, signed, and opens it only when the signature verifies;
``customer_rows`` moves a customer's scores on a merge and back on an undo.
"""

from opencx.modeling.store import artifacts, customer_rows, runs, warehouse

__all__ = ["artifacts", "customer_rows", "runs", "warehouse"]
