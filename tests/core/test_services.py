"""service_of: a slice reaches its service by name and class, and a wrong wiring fails at once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from opencx.core.services import service_of


class Greeter:
    pass


def test_the_named_service_comes_back_typed() -> None:
    greeter = Greeter()
    assert service_of(SimpleNamespace(greeter=greeter), "greeter", Greeter) is greeter


@pytest.mark.parametrize("container", [SimpleNamespace(), SimpleNamespace(greeter="hello")])
def test_a_missing_or_mistyped_service_names_what_was_asked(container: object) -> None:
    with pytest.raises(TypeError, match=r"services\.greeter is .*, not the Greeter asked for"):
        service_of(container, "greeter", Greeter)
