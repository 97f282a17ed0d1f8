"""journeys slice."""

__all__: list[str] = []
