"""modeling slice."""

__all__: list[str] = []
