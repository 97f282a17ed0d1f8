"""Customer segments by rule or clustering: ``rfm`` (quintiles and the eleven segments),
``personas`` (k-means personas kept stable across refits), ``loyal_types`` (loyal-customer types).
"""

__all__ = ["loyal_types", "personas", "rfm"]
