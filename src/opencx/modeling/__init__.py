"""modeling slice: CLV (BTYD), RFM, personas, loyal-customer types, churn risk, next best offer.

One module per model (``bgnbd``, ``rfm``, ``personas``, ``churn``, ...), pure computation over
NumPy/pandas/scikit-learn; ``features`` builds the Ibis feature tables; ``registry`` with
``prediction_models`` and ``segment_models`` maps model names to fit/score functions;
``service`` saves runs and scores; ``cli``, ``api`` and ``pages`` are the edges. Import the
submodules you need; importing the package loads nothing heavy.
"""

__all__: list[str] = []
