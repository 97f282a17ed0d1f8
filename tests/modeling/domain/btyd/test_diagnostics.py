"""Diagnostics in plain words: edges, missing standard errors, no drop-out, the holdout check."""

from __future__ import annotations

import math

from opencx.modeling.domain.btyd.diagnostics import purchase_findings

NAMES = ("r", "alpha", "a", "b")
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL (2005) table 1


def test_a_healthy_fit_says_drop_out_is_measurable() -> None:
    found = purchase_findings("bgnbd", CDNOW, NAMES, std_errors=(0.01, 0.3, 0.2, 0.7))
    assert [f.level for f in found] == ["ok"]
    assert "24.6% of customers leave after a purchase" in found[0].title


def test_no_drop_out_says_p_alive_is_one_for_everyone() -> None:
    """The UCI Online Retail fit: a at the bottom of its range, no standard error for it."""
    uci = {"r": 0.83, "alpha": 12.1, "a": 2.1e-11, "b": 0.9}
    found = purchase_findings(
        "bgnbd", uci, NAMES, std_errors=(0.02, 0.4, math.nan, None), alive_share=0.998
    )
    titles = " | ".join(f.title for f in found)
    assert "a = 2.1e-11 is at the edge of its range" in titles
    assert "b = 0.9 has no standard error" in titles
    assert "P(alive) ≈ 1 for everyone (100% of customers score ≥ 0.95)" in titles
    alive = next(f for f in found if "P(alive)" in f.title)
    assert alive.level == "bad" and "lapsed" in alive.meaning
    assert [f.level for f in found] == sorted(
        (f.level for f in found), key=["bad", "warn", "ok"].index
    )


def test_pareto_nbd_without_drop_out_is_flagged_too() -> None:
    found = purchase_findings(
        "pareto_nbd",
        {"r": 0.5, "alpha": 10, "s": 1e-9, "beta": 3.0},
        ("r", "alpha", "s", "beta"),
        std_errors=(0.1, 1, 0.1, 0.1),
    )
    assert any("Almost no drop-out" in f.title for f in found)


def test_the_holdout_check_says_how_far_off_and_which_way() -> None:
    holdout = {
        "weeks": 26,
        "calibration_end": "2026-05-02T00:00:00+00:00",
        "actual_total": 1000.0,
        "predicted_total": 1400.0,
    }
    found = purchase_findings("bgnbd", CDNOW, NAMES, std_errors=(1, 1, 1, 1), holdout=holdout)
    check = next(f for f in found if f.title.startswith("Holdout check"))
    assert check.level == "bad" and "over-predicted by 40%" in check.title
    assert "before 2026-05-02" in check.title and "26 weeks" in check.title
    close = purchase_findings(
        "bgnbd",
        CDNOW,
        NAMES,
        std_errors=(1, 1, 1, 1),
        holdout={**holdout, "predicted_total": 950.0},
    )
    assert any(f.level == "ok" and "under-predicted by 5%" in f.title for f in close)


def test_a_fit_that_did_not_converge_comes_first() -> None:
    found = purchase_findings("bgnbd", CDNOW, NAMES, std_errors=(1, 1, 1, 1), converged=False)
    assert found[0].title == "The fit did not converge" and found[0].level == "bad"
