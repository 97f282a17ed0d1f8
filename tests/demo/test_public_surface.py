"""The demo package exposes what the entry points, tests and benchmarks use, and nothing else;
its one event is a frozen dataclass the composition root can record."""

from __future__ import annotations

import dataclasses

import opencx.demo
from opencx.core.events import DomainEvent


def test_public_surface() -> None:
    assert sorted(opencx.demo.__all__) == [
        "DemoGenerated",
        "DemoService",
        "DemoSettings",
        "TableRows",
        "TrueParameters",
        "build_demo",
        "has_customers",
        "iter_demo",
        "write_demo",
    ]
    for name in opencx.demo.__all__:
        assert hasattr(opencx.demo, name), name


def test_demo_generated_is_a_frozen_event() -> None:
    event = opencx.demo.DemoGenerated
    assert issubclass(event, DomainEvent) and event.__dataclass_params__.frozen
    names = [f.name for f in dataclasses.fields(event)]
    assert names == ["command", "rows", "started_at", "finished_at"]
