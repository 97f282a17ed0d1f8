"""The customers slice's public surface: what other code may rely on."""

from __future__ import annotations

import importlib

import opencx.customers
import opencx.customers.domain


def test_package_lists_its_modules() -> None:
    for name in opencx.customers.__all__:
        importlib.import_module(f"opencx.customers.{name}")


def test_domain_exports_exist_and_are_all_listed() -> None:
    domain = opencx.customers.domain
    for name in domain.__all__:
        assert hasattr(domain, name), name
    public = {n for n in vars(domain) if not n.startswith("_") and n[0].isupper()}
    public -= {"Any"}
    assert public <= set(domain.__all__)
