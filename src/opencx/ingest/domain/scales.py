"""Survey score scales: the range a score must fall in, from its question or its type."""

from __future__ import annotations

#: The scale of each standard question type when its survey question names none.
DEFAULT_SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "enps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
}


def score_scale(
    question_type: str | None, scale_min: int | None = None, scale_max: int | None = None
) -> tuple[int, int] | None:
    """The allowed score range of a question: its own scale, else its type's standard one.

    A score outside it (11 on a 0–10 NPS question) is bad input, rejected at import rather than
    averaged by a metric later.

    >>> score_scale("nps")
    (0, 10)
    >>> score_scale("rating", 1, 7)
    (1, 7)
    >>> score_scale("text") is None
    True
    """
    if scale_min is not None and scale_max is not None:
        return (scale_min, scale_max)
    return DEFAULT_SCALES.get(question_type or "")
