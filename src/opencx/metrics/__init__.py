"""metrics slice."""

__all__: list[str] = []
