"""The modeling slice's shape: every package lists its modules, the catalog has no cycle."""

from __future__ import annotations

import importlib
import pkgutil

import opencx.modeling
import opencx.modeling.domain

PACKAGES = (
    "opencx.modeling.domain",
    "opencx.modeling.domain.btyd",
    "opencx.modeling.domain.catalog",
    "opencx.modeling.domain.churn",
    "opencx.modeling.domain.features",
    "opencx.modeling.domain.recommend",
    "opencx.modeling.domain.segments",
    "opencx.modeling.store",
)


def test_each_package_lists_exactly_its_modules() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        found = {m.name for m in pkgutil.iter_modules(package.__path__)}
        assert set(package.__all__) == found, name
        for module in package.__all__:
            importlib.import_module(f"{name}.{module}")


def test_every_module_sits_in_one_layer() -> None:
    layers = {"domain", "store", "service", "deps", "api", "pages", "cli", "jobs"}
    top = {m.name for m in pkgutil.iter_modules(opencx.modeling.__path__)}
    assert top <= layers, top - layers
