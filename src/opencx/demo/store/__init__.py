"""The demo's writes into the canonical tables (bulk inserts) and the checks before them."""
