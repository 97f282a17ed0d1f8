"""outbox slice."""

__all__: list[str] = []
