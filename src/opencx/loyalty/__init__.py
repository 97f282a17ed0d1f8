"""loyalty slice."""

__all__: list[str] = []
