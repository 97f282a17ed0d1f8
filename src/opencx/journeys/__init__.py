"""journeys slice: touchpoint paths and friction points (docs/journeys.md)."""

__all__: list[str] = []
