"""`# fmt: skip` only where a table of numbers reads better aligned (issue 10, item 8).

Everything else is formatted by ruff. A new marker fails here until it is added below with the
reason a person would accept.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ALIGNED_TABLES = {
    "src/opencx/customers/domain/identity.py": "calling codes per country, one row each",
    "src/opencx/demo/domain/catalog.py": "demo products, prices, rates per category",
}


def markers() -> dict[str, int]:
    found: dict[str, int] = {}
    for folder in ("src", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            count = sum(1 for line in text.splitlines() if line.rstrip().endswith("# fmt: skip"))
            if count:
                found[path.relative_to(ROOT).as_posix()] = count
    return found


def test_fmt_skip_only_on_aligned_tables() -> None:
    unexpected = {path: n for path, n in markers().items() if path not in ALIGNED_TABLES}
    assert not unexpected, f"# fmt: skip outside the aligned tables: {unexpected}"
