"""feedback slice."""

__all__: list[str] = []
