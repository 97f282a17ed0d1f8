"""Golden tests: the published CDNOW results of the BTYD literature, reproduced.

The data are the standard 1/10 CDNOW sample (2,357 customers, 39-week calibration period), as
distributed with the papers' spreadsheets and the lifetimes package, shipped in tests/data/cdnow
(source and licence in tests/data/README.md); the sBG cohorts are printed in Fader & Hardie
(2007).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from opencx.modeling.domain.btyd import pareto_nbd
from opencx.modeling.domain.btyd.bgnbd import fit_bgnbd
from opencx.modeling.domain.btyd.gamma_gamma import expected_spend, fit_gamma_gamma
from opencx.modeling.domain.btyd.mbgnbd import fit_mbgnbd
from opencx.modeling.domain.btyd.pareto_nbd import (
    ParetoNbdParams,
    expected_purchases,
    fit_pareto_nbd,
    probability_alive,
)
from opencx.modeling.domain.btyd.sbg import fit_sbg
from opencx.modeling.domain.btyd.summary import RfmSummary
from tests.conftest import data_file


@pytest.fixture(scope="module")
def cdnow() -> RfmSummary:
    frame = pd.read_csv(data_file("cdnow/cdnow_customers_summary.csv"))
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


def test_pareto_nbd_matches_fader_hardie_2005_note(cdnow: RfmSummary) -> None:
    """Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions":
    r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0."""
    p = fit_pareto_nbd(cdnow)
    assert p.fit is not None and p.fit.converged
    # printed to three decimals; beta is weakly identified (its standard error is about 6)
    np.testing.assert_allclose(
        [p.r, p.alpha, p.s, p.beta], [0.553, 10.578, 0.606, 11.669], rtol=2e-4, atol=5e-4
    )
    assert p.fit.log_likelihood == pytest.approx(-9595.0, abs=0.05)
    assert all(np.isfinite(p.fit.std_errors))


def test_pareto_nbd_predictions_keep_the_hypergeometric_forms_values(cdnow: RfmSummary) -> None:
    """P(alive) and the conditional expectation integrate the died term by quadrature (as the
    fit does); at the published estimate, where the hypergeometric form (FH 2005 note, eqs.
    18, 23 and 27) keeps its digits, both give the same values on every CDNOW customer."""
    p = ParetoNbdParams(r=0.553, alpha=10.578, s=0.606, beta=11.669)
    alive, died = pareto_nbd._log_odds_dead_complement(p.as_array(), cdnow)
    former_alive = expit(alive - died)
    np.testing.assert_allclose(probability_alive(p, cdnow), former_alive, rtol=1e-11)
    u = np.log1p(39.0 / (p.beta + cdnow.T))
    rate = (p.r + cdnow.x) / (p.alpha + cdnow.T) * (p.beta + cdnow.T)
    former = rate * pareto_nbd._growth(p.s - 1.0, u) * former_alive
    np.testing.assert_allclose(expected_purchases(p, cdnow, 39.0), former, rtol=1e-11)


def test_mbgnbd_on_cdnow_matches_lifetimes(cdnow: RfmSummary) -> None:
    """No CDNOW figures were published for MBG/NBD (Batislam et al. 2007 used grocery data); the
    reference is lifetimes 0.11.3's ModifiedBetaGeoFitter on the same data."""
    p = fit_mbgnbd(cdnow)
    assert p.fit is not None and p.fit.converged
    np.testing.assert_allclose(
        [p.r, p.alpha, p.a, p.b], [0.524838, 6.182988, 0.891356, 1.614000], rtol=1e-4
    )
    assert p.fit.log_likelihood == pytest.approx(-9582.13, abs=0.01)


def test_gamma_gamma_matches_fader_hardie_lee_2005_rfm_clv() -> None:
    """Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4), p. 421: p = 6.25, q = 3.74,
    gamma = 15.44, from the 946 sample customers with repeat purchases in the 39-week calibration
    period and zbar = their mean repeat-transaction value (the ``zbar`` column of the file)."""
    frame = pd.read_csv(data_file("cdnow/cdnow_customers_summary_with_transactions.csv"))
    summary = RfmSummary(
        frame["x"].to_numpy(),
        frame["t_x"].to_numpy(),
        frame["T"].to_numpy(),
        monetary=frame["zbar"].to_numpy(),
    )
    p = fit_gamma_gamma(summary)
    assert p.fit is not None and p.fit.converged and p.fit.n == 946
    # the paper prints gamma truncated (15.4477 -> 15.44); lifetimes gets 15.44775
    np.testing.assert_allclose([p.p, p.q, p.gamma], [6.25, 3.74, 15.44], atol=1e-2)
    # E(M) for a customer with x = 2, m = 22.35 (customer 1): the paper's worked example shape
    spend = expected_spend(p, summary)
    assert spend[0] == pytest.approx(p.p * (p.gamma + 2 * 22.35) / (p.p * 2 + p.q - 1))


@pytest.mark.parametrize(
    ("survivors", "gamma", "delta"),
    [
        ([1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),
        ([1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),
    ],
    ids=["regular", "highend"],
)
def test_sbg_matches_fader_hardie_2007(survivors: list[int], gamma: float, delta: float) -> None:
    """Fader & Hardie (2007), "How to Project Customer Retention", J. Interactive Marketing
    21(1), the Berry & Linoff (2004) "regular" and "high end" cohorts, years 0-7: the published
    estimates are gamma = 0.704, delta = 1.182 (regular) and gamma = 0.668, delta = 3.806."""
    p = fit_sbg([survivors])
    assert p.fit is not None and p.fit.converged
    np.testing.assert_allclose([p.gamma, p.delta], [gamma, delta], atol=6e-4)
