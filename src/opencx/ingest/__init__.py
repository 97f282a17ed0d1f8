"""ingest slice."""

__all__: list[str] = []
