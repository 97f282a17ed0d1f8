"""The model catalog: one adapter module per model (``clv``, ``churn``, ``nbo``, ``rfm``,
``personas``, ``loyal_types``) turning :class:`~.data.ModelData` into a :class:`~.spec.Fitted`
run and scores; ``registry`` lists them. Import the modules you need; this package loads nothing.
"""

__all__ = ["churn", "clv", "data", "loyal_types", "nbo", "personas", "registry", "rfm", "spec"]
