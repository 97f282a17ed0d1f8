"""service slice."""

__all__: list[str] = []
