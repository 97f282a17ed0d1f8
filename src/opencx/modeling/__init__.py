"""modeling slice: CLV (BTYD), RFM, personas, loyal-customer types, churn risk, next best offer.

``domain`` holds the pure computation, one package per family (``btyd``, ``segments``,
``churn``, ``recommend``), the Ibis ``features`` and the ``catalog`` (one adapter per model and
the list of them); ``store`` saves runs and scores and keeps fitted artifacts signed;
``service`` fits and scores; ``cli``, ``api`` and ``pages`` are the edges. Import the modules you
need; importing the package loads nothing heavy.
"""

__all__ = ["api", "cli", "domain", "pages", "service", "store"]
