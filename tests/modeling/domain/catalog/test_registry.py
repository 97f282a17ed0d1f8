"""The catalog lists every model once, and no adapter imports the list back."""

from __future__ import annotations

import ast
import inspect

from opencx.modeling.domain.catalog import (
    churn,
    clv,
    data,
    loyal_types,
    nbo,
    personas,
    registry,
    rfm,
    spec,
)

ADAPTERS = (clv, churn, nbo, rfm, personas, loyal_types)


def test_the_catalog_lists_each_adapter_once_in_display_order() -> None:
    names = [s.name for s in registry.MODELS]
    assert names == ["clv", "churn", "nbo", "rfm", "personas", "loyalty-types"]
    assert list(registry.models()) == names
    assert [a.SPEC for a in ADAPTERS] == list(registry.MODELS)


def _imported_modules(module: object) -> set[str]:
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_adapters_import_neither_the_registry_nor_each_other() -> None:
    catalog = "opencx.modeling.domain.catalog"
    for adapter in ADAPTERS:
        mine = {m for m in _imported_modules(adapter) if m.startswith(catalog)}
        assert mine <= {f"{catalog}.spec", f"{catalog}.data"}, adapter.__name__
    for shared in (spec, data):
        assert not {m for m in _imported_modules(shared) if m.startswith(catalog)} - {
            f"{catalog}.data"
        }
