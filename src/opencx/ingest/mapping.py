"""Column mappings: a small TOML file (or a bundled name), overridden by command-line flags.

A mapping file may hold::

    kind = "orders"
    source = "shop"
    date_format = "%d/%m/%Y %H:%M"   # strptime; omitted: detected per column
    timezone = "Europe/Amsterdam"    # naive local times are converted to UTC
    decimal = ","
    delimiter = ";"                  # or whitespace = true; header = false + names = [...]
    [columns]     # canonical field = source column (``_line`` = the record number)
    order_id = "Bestelnummer"
    [constants]
    currency = "EUR"
    [computed]
    unit_price = "amount / qty"
    [transforms.country]
    "Nederland" = "NL"

Bundled mappings live in ``opencx/ingest/mappings/<name>.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.ingest.domain import Mapping

BUNDLED = Path(__file__).parent / "mappings"
_SCALARS = ("kind", "source", "date_format", "timezone", "decimal", "delimiter", "encoding",
            "anonymous", "duplicates", "return_prefix", "link_returns", "survey")  # fmt: skip
_FLAGS = ("whitespace", "header", "create_missing_customers")


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED.glob("*.toml"))


def mapping_path(name_or_path: str) -> Path:
    """A path to a TOML file, or the name of a bundled mapping."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = BUNDLED / f"{name_or_path.removesuffix('.toml')}.toml"
    if bundled.exists():
        return bundled
    raise InvalidInput(
        f"--mapping {name_or_path!r}: no such file and no bundled mapping of that name "
        f"(bundled: {', '.join(bundled_names())})"
    )


def load_mapping(name_or_path: str) -> Mapping:
    """Read a mapping file; unknown keys are an error so a typo never passes silently."""
    path = mapping_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path.name}: not valid TOML: {exc}") from None
    return mapping_from_dict(data, where=path.name)


def mapping_from_dict(data: dict[str, Any], *, where: str = "mapping") -> Mapping:
    known = {*_SCALARS, *_FLAGS, "columns", "constants", "computed", "transforms", "names",
             "non_merchandise", "non_merchandise_prefixes"}  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"{where}: unknown setting(s) {unknown}; known: {sorted(known)}")
    values: dict[str, Any] = {k: data[k] for k in (*_SCALARS, *_FLAGS) if k in data}
    for table in ("columns", "constants", "computed"):
        values[table] = {str(k): str(v) for k, v in data.get(table, {}).items()}
    values["transforms"] = {
        str(k): {str(a): str(b) for a, b in v.items()}
        for k, v in data.get("transforms", {}).items()
    }
    values["names"] = tuple(data.get("names", ()))
    values["non_merchandise"] = frozenset(data.get("non_merchandise", ()))
    values["non_merchandise_prefixes"] = tuple(data.get("non_merchandise_prefixes", ()))
    mapping = Mapping(**values)
    _check(mapping, where)
    return mapping


def _check(mapping: Mapping, where: str) -> None:
    if mapping.decimal not in (".", ","):
        raise InvalidInput(f"{where}: decimal must be '.' or ',', not {mapping.decimal!r}")
    if mapping.anonymous not in ("orders", "reject"):
        raise InvalidInput(f"{where}: anonymous must be 'orders' or 'reject'")
    if mapping.duplicates not in ("reject", "skip", "keep"):
        raise InvalidInput(f"{where}: duplicates must be 'reject', 'skip' or 'keep'")
    for target, expr in mapping.computed.items():
        if expr.count("/") != 1:
            raise InvalidInput(f"{where}: computed {target} = {expr!r}: only 'a / b' is supported")


def with_flags(mapping: Mapping, *, maps: list[str], **overrides: Any) -> Mapping:
    """Apply ``--map canonical=Source`` flags and the other flags that were given."""
    columns = dict(mapping.columns)
    for item in maps:
        target, sep, source = item.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise InvalidInput(f"--map {item!r}: expected FIELD=COLUMN, e.g. order_id=InvoiceNo")
        columns[target.strip()] = source.strip()
    given = {k: v for k, v in overrides.items() if v is not None}
    result = replace(mapping, columns=columns, **given)
    _check(result, "flags")
    return result
