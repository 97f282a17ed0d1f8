"""journeys slice: touchpoint paths, friction points and experiments (docs/journeys.md)."""

__all__: list[str] = []
