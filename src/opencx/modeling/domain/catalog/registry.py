"""The catalog: every model, listed once, in the order the CLI and pages show them.

A plain tuple assembled here from each adapter's ``SPEC``: adapters know nothing of the catalog,
so nothing imports back (no registration side effects, no cycle).
"""

from __future__ import annotations

from opencx.modeling.domain.catalog import churn, clv, loyal_types, nbo, personas, rfm
from opencx.modeling.domain.catalog.spec import ModelSpec

__all__ = ["MODELS", "models"]

MODELS: tuple[ModelSpec, ...] = (
    clv.SPEC,
    churn.SPEC,
    nbo.SPEC,
    rfm.SPEC,
    personas.SPEC,
    loyal_types.SPEC,
)


def models() -> dict[str, ModelSpec]:
    """Every catalogued model by name."""
    return {spec.name: spec for spec in MODELS}
