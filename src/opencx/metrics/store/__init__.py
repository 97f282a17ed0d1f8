"""Where metrics meet I/O: the targets table, Ibis backends over the canonical tables, the
Parquet warehouse's rollups, and the compile rules Ibis lacks."""
