"""A demo of a short history (``--years`` below a quarter: no relationship-survey wave falls
inside it) builds, as a longer one does, whatever the seed.

Before, ``opencx demo --years 0.2`` (or 0.1, 0.01) was a traceback: the relationship survey's
waves were concatenated with none to concatenate ('need at least one array to concatenate')."""

from __future__ import annotations

import pytest

from opencx.demo import DemoSettings, build_demo


@pytest.mark.parametrize("years", [1e-9, 0.01, 0.1, 0.2])
def test_a_history_with_no_survey_wave_builds(years: float) -> None:
    for seed in range(3):
        tables = {
            t.table: t for t in build_demo(DemoSettings(customers=30, seed=seed, years=years))
        }
        assert len(tables["customers"]) == 30
