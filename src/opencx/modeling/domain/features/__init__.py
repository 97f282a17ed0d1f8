"""Customer features as Ibis expressions over the canonical tables (``customer``)."""

__all__ = ["customer"]
