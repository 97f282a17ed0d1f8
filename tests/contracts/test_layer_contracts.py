"""Every module of every package is inside a layer contract, so import-linter checks it.

import-linter checks only the modules a contract names: a module outside every layer (a new
``helpers.py`` beside ``service.py``) is a module nobody checks. This test lists the modules the
linter sees (grimp's graph of ``opencx``) and fails on any that no ``layers`` contract in
pyproject.toml places: a top-level module or package must be a layer of a top-level contract, a
module inside a package must sit in (or under) a layer of a contract whose containers include
that package.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PENDING: dict[str, str] = {}
"""Packages whose moves are under way; strict xfail, so each entry must go once it passes."""


def _layers_contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return [c for c in contracts if c["type"] == "layers"]


def _names(layer: str) -> list[str]:
    """``"(api) | (pages) : cli"`` → ``["api", "pages", "cli"]``."""
    return [n.strip().strip("()").strip() for n in re.split(r"[|:]", layer) if n.strip()]


def placed() -> tuple[set[str], dict[str, set[str]]]:
    """Top-level modules named by a contract, and the layer names of each container."""
    top: set[str] = set()
    inside: dict[str, set[str]] = defaultdict(set)
    for contract in _layers_contracts():
        names = [n for layer in contract["layers"] for n in _names(layer)]  # type: ignore[attr-defined]
        containers = contract.get("containers", [])
        if not containers:
            top |= set(names)
        for container in containers:  # type: ignore[attr-defined]
            inside[container] |= set(names)
    return top, inside


def unplaced(modules: set[str], package: str) -> list[str]:
    """Modules under ``package`` that no layer contract places."""
    top, inside = placed()
    missing = []
    for module in sorted(m for m in modules if m == package or m.startswith(package + ".")):
        parts = module.split(".")
        if len(parts) == 2:
            if module not in top:
                missing.append(f"{module}: not a layer of any top-level layers contract")
        elif parts[2] not in inside.get(package, set()):
            missing.append(
                f"{module}: {parts[2]!r} is no layer of a contract with container {package}"
            )
    return missing


MODULES = set(grimp.build_graph("opencx").modules) - {"opencx"}
PACKAGES = sorted({".".join(m.split(".")[:2]) for m in MODULES})


@pytest.mark.parametrize(
    "package",
    [
        pytest.param(p, marks=pytest.mark.xfail(reason=PENDING[p], strict=True))
        if p in PENDING
        else p
        for p in PACKAGES
    ],
)
def test_every_module_is_inside_a_layer_contract(package: str) -> None:
    assert unplaced(MODULES, package) == []


@pytest.mark.parametrize("package", [p for p in PACKAGES if p.count(".") == 1])
def test_a_package_init_only_gathers_its_layers(package: str) -> None:
    """A container's ``__init__`` is not itself in a layer: it may only import and list names
    (also lazily: imports for type checkers only, and a PEP 562 ``__getattr__`` that imports a
    listed name on first use, so that a light module of the package imports nothing heavy)."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    if not spec.origin.endswith("__init__.py"):
        return  # a top-level module, placed by the top-level contract
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    allowed = (ast.Import, ast.ImportFrom, ast.Expr)  # Expr: the docstring
    extra = [
        node
        for node in tree.body
        if not isinstance(node, allowed)
        and not _lists(node)
        and not _type_checking_imports(node)
        and not (isinstance(node, ast.FunctionDef) and node.name == "__getattr__")
    ]
    assert [ast.unparse(n).splitlines()[0] for n in extra] == []


def _type_checking_imports(node: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` holding imports only."""
    return (
        isinstance(node, ast.If)
        and ast.unparse(node.test) == "TYPE_CHECKING"
        and not node.orelse
        and all(isinstance(n, ast.Import | ast.ImportFrom) for n in node.body)
    )


def _lists(node: ast.stmt) -> bool:
    """``__all__ = [...]`` (annotated or not)."""
    if isinstance(node, ast.AnnAssign):
        return getattr(node.target, "id", None) == "__all__"
    return isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
        "__all__"
    ]


def test_the_check_sees_a_module_outside_every_layer() -> None:
    modules = {"opencx.customers", "opencx.customers.service", "opencx.customers.helpers"}
    assert unplaced(modules, "opencx.customers") == [
        "opencx.customers.helpers: 'helpers' is no layer of a contract with container "
        "opencx.customers"
    ]
    assert unplaced({"opencx.newthing"}, "opencx.newthing") == [
        "opencx.newthing: not a layer of any top-level layers contract"
    ]
