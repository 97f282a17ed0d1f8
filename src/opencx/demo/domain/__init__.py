"""The demo company's pure generator: one module per part, all NumPy, deterministic per seed."""
