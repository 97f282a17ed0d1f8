"""Mapping files: a TOML file by path, or a bundled one by name (``opencx/ingest/mappings``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from opencx.core.errors import InvalidInput
from opencx.ingest.domain.mapping import Mapping, mapping_from_dict

BUNDLED = Path(__file__).parents[1] / "mappings"


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
