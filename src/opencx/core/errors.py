"""The exception tree. Edges map these to HTTP statuses and CLI exit codes in one table each."""

from __future__ import annotations

from dataclasses import dataclass


class OpenCXError(Exception):
    """Base of every error OpenCX raises on purpose."""


class InvalidInput(OpenCXError):
    """Input broke a rule; the message names where and what."""


class NotFound(OpenCXError):
    """A referenced thing does not exist."""


class Conflict(OpenCXError):
    """The request conflicts with the current state (duplicate, invalid transition)."""


class PermissionDenied(OpenCXError):
    """The caller lacks the role or scope for this action."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in input data: where it is and which rule it breaks."""

    file: str
    line: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.file}:{self.line}: column {self.column!r} value {shown!r}: {self.rule}"
