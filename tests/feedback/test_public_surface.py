"""The feedback slice's public surface: what other code (and the composition root) relies on."""

from __future__ import annotations

import importlib

import opencx.feedback
import opencx.feedback.domain
import opencx.feedback.service


def test_package_lists_its_modules() -> None:
    for name in opencx.feedback.__all__:
        importlib.import_module(f"opencx.feedback.{name}")


def test_domain_and_service_exports_exist_and_are_listed() -> None:
    for module in (opencx.feedback.domain, opencx.feedback.service):
        for name in module.__all__:
            assert hasattr(module, name), name
    domain = opencx.feedback.domain
    public = {n for n in vars(domain) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(domain.__all__)
