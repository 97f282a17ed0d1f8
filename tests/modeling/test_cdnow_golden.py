"""Golden tests: the published CDNOW results of the BTYD literature, reproduced.

The data are the standard 1/10 CDNOW sample (2,357 customers, 39-week calibration period), as
distributed with the papers' spreadsheets and the lifetimes package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import shared_data

from opencx.modeling.bgnbd import fit_bgnbd
from opencx.modeling.btyd_summary import RfmSummary

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def cdnow() -> RfmSummary:
    frame = pd.read_csv(shared_data("cdnow_customers_summary.csv"))
    return RfmSummary(
        frame["frequency"].to_numpy(), frame["recency"].to_numpy(), frame["T"].to_numpy()
    )


def test_bgnbd_matches_fader_hardie_lee_2005(cdnow: RfmSummary) -> None:
    """FHL (2005) "Counting your customers the easy way", Marketing Science 24(2), section 5:
    r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4."""
    p = fit_bgnbd(cdnow)
    assert p.fit is not None and p.fit.converged
    got = [p.r, p.alpha, p.a, p.b]
    np.testing.assert_allclose(got, [0.243, 4.414, 0.793, 2.426], atol=6e-4)
    assert p.fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    # standard errors as reported by lifetimes 0.11.3 on the same data (inverse Hessian)
    np.testing.assert_allclose(
        p.fit.std_errors, [0.012557, 0.378221, 0.185719, 0.705345], rtol=2e-3
    )
