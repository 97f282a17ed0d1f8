"""Next best offer: ``associations`` (co-purchase rules, recommendations and their hit rate)."""

__all__ = ["associations"]
