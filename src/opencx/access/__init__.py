"""access slice."""

__all__: list[str] = []
