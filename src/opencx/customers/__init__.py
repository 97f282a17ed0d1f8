"""customers slice."""

__all__: list[str] = []
