"""web slice."""

__all__: list[str] = []
