"""The model math of ml/value/btyd.py, checked against independent computations.

- the closed-form log-likelihoods against numerical integration of the individual-level model over
  its mixing distributions (scipy.integrate, no shared code);
- maximum likelihood recovers the parameters customers were simulated from;
- future purchases by quadrature agree with the count distribution's mean and with the closed form
  (Fader, Hardie & Lee 2005, eq. 10) where that form is valid (a > 1).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from ml.value import btyd

from .value_fixtures import TRUE_PURCHASES, TRUE_SPEND, value_summaries

CASES = [(0, 0.0, 40.0), (1, 10.0, 60.0), (4, 80.0, 200.0), (12, 150.0, 160.0)]


def individual_likelihood(params: btyd.BetaGeo, x: int, t_x: float, T: float) -> float:
    """Integrate L(lambda, p | x, t_x, T) over Gamma(r, alpha) x Beta(a, b) numerically."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    gamma_norm = math.exp(r * math.log(alpha) - math.lgamma(r))
    beta_norm = math.exp(-(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)))

    def integrand(lam: float, p: float) -> float:
        if params.dropout_at_first:  # alive after x + 1 chances, or dead after the last purchase
            alive = (1 - p) ** (x + 1) * lam**x * math.exp(-lam * T)
            dead = p * (1 - p) ** x * lam**x * math.exp(-lam * t_x)
        else:
            alive = (1 - p) ** x * lam**x * math.exp(-lam * T)
            dead = p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * t_x) if x > 0 else 0.0
        lam_density = gamma_norm * lam ** (r - 1) * math.exp(-alpha * lam)
        p_density = beta_norm * p ** (a - 1) * (1 - p) ** (b - 1)
        return (alive + dead) * lam_density * p_density

    # Relative tolerance only (likelihoods are small); lambda's mass lies far below 1 per day here.
    value, _ = integrate.dblquad(integrand, 0, 1, 0, 1.0, epsabs=0, epsrel=1e-8)
    return value


@pytest.mark.parametrize("dropout_at_first", [False, True])
@pytest.mark.parametrize(("x", "t_x", "T"), CASES)
def test_purchase_log_likelihood_matches_numerical_integration(dropout_at_first, x, t_x, T) -> None:
    params = btyd.BetaGeo(1.6, 25.0, 1.3, 3.0, dropout_at_first)  # r, a > 1: densities without a pole
    closed = btyd.bgnbd_log_likelihood(params, np.array([x]), np.array([t_x]), np.array([T]))[0]
    numeric = individual_likelihood(params, x, t_x, T)
    assert closed == pytest.approx(np.log(numeric), rel=1e-5)


@pytest.mark.parametrize(("x", "mean_spend"), [(1, 20.0), (3, 55.0), (10, 8.0)])
def test_spend_log_likelihood_matches_numerical_integration(x, mean_spend) -> None:
    """The mean of x Gamma(p, nu) spends is Gamma(p x, nu x); integrate nu over Gamma(q, gamma)."""
    params = btyd.GammaGamma(p=4.0, q=3.0, gamma=20.0)

    def integrand(nu: float) -> float:
        return stats.gamma.pdf(mean_spend, params.p * x, scale=1 / (nu * x)) * stats.gamma.pdf(
            nu, params.q, scale=1 / params.gamma
        )

    numeric, _ = integrate.quad(integrand, 0, np.inf, epsabs=1e-16, limit=200)
    closed = btyd.gamma_gamma_log_likelihood(params, np.array([x]), np.array([mean_spend]))[0]
    assert closed == pytest.approx(np.log(numeric), rel=1e-6)


def test_maximum_likelihood_recovers_the_simulated_parameters() -> None:
    summary = value_summaries(customers=6000, seed=11)
    summary = summary[summary["cut_off_kind"] == "current"]
    fitted = btyd.fit_bgnbd(summary["frequency"], summary["recency_days"], summary["t_days"])
    for name, truth in TRUE_PURCHASES.as_dict().items():
        assert getattr(fitted, name) == pytest.approx(truth, rel=0.25), name
    repeat = summary[summary["frequency"] > 0]
    spend = btyd.fit_gamma_gamma(repeat["frequency"], repeat["mean_repeat_spend"])
    assert spend.population_mean == pytest.approx(TRUE_SPEND.population_mean, rel=0.15)
    for name, truth in TRUE_SPEND.as_dict().items():
        assert getattr(spend, name) == pytest.approx(truth, rel=0.35), name


def closed_form_expected_purchases(params: btyd.BetaGeo, x, t_x, T, t) -> np.ndarray:
    """Fader, Hardie & Lee 2005, eq. 10 (needs a > 1)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return numerator / denominator


def test_expected_purchases_match_the_closed_form_and_the_count_distribution() -> None:
    params = btyd.BetaGeo(0.7, 40.0, 2.5, 4.0)
    x = np.array([0.0, 1.0, 4.0, 12.0])
    t_x = np.array([0.0, 10.0, 80.0, 150.0])
    T = np.array([40.0, 60.0, 200.0, 160.0])
    quadrature = btyd.expected_purchases(params, x, t_x, T, 90.0)
    np.testing.assert_allclose(quadrature, closed_form_expected_purchases(params, x, t_x, T, 90.0), rtol=1e-8)
    for dropout_at_first in (False, True):
        variant = btyd.BetaGeo(0.7, 40.0, 0.3, 4.0, dropout_at_first)  # a < 1: no closed form
        probabilities = btyd.purchase_count_probabilities(variant, x, t_x, T, 90.0, 300)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)
        np.testing.assert_allclose(
            probabilities @ np.arange(301), btyd.expected_purchases(variant, x, t_x, T, 90.0), rtol=1e-7
        )


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_the_gap() -> None:
    params = btyd.BetaGeo(0.7, 40.0, 0.8, 2.0)
    alive = btyd.probability_alive(params, np.array([0.0, 5.0, 5.0]), np.array([0.0, 190.0, 40.0]), np.full(3, 200.0))
    assert alive[0] == 1.0
    assert 0 < alive[2] < alive[1] < 1


def test_discounting_and_spend_shrinkage() -> None:
    params = btyd.BetaGeo(0.7, 40.0, 0.8, 2.0)
    x, t_x, T = np.array([3.0]), np.array([100.0]), np.array([150.0])
    undiscounted = btyd.discounted_expected_purchases(params, x, t_x, T, 365, 0.0)
    np.testing.assert_allclose(undiscounted, btyd.expected_purchases(params, x, t_x, T, 365), rtol=1e-9)
    assert btyd.discounted_expected_purchases(params, x, t_x, T, 365, 0.1)[0] < undiscounted[0]
    spend = btyd.GammaGamma(p=4.0, q=3.0, gamma=20.0)
    shrunk = btyd.expected_spend_per_purchase(spend, np.array([0.0, 1.0, 50.0]), np.array([np.nan, 500.0, 500.0]))
    assert shrunk[0] == pytest.approx(spend.population_mean)
    assert spend.population_mean < shrunk[1] < shrunk[2] < 500.0 * 1.01


def test_almost_no_dropout_gives_the_nbd_forecast() -> None:
    """b in the hundreds of thousands (the fit's answer on small data): p ~ 0, so an active
    customer's expected count is the Gamma posterior rate x t, (r + x) / (alpha + T) x t."""
    params = btyd.BetaGeo(0.7, 40.0, 0.5, 2e5)
    x, T = np.array([0.0, 3.0, 40.0]), np.array([50.0, 120.0, 300.0])
    expected = btyd.expected_purchases_if_alive(params, x, T, 90.0)
    np.testing.assert_allclose(expected, (0.7 + x) / (40.0 + T) * 90.0, rtol=1e-3)


def test_forecasts_per_distinct_summary_equal_the_row_by_row_ones() -> None:
    """Customers sharing (frequency, recency, age) are computed once: every row still gets exactly
    the value it would get alone, in its own order."""
    params = btyd.BetaGeo(0.7, 40.0, 0.3, 4.0)
    x = np.array([3.0, 0.0, 3.0, 1.0, 0.0, 3.0])
    t_x = np.array([100.0, 0.0, 100.0, 10.0, 0.0, 90.0])
    T = np.array([150.0, 40.0, 150.0, 60.0, 40.0, 150.0])
    one_by_one = [
        btyd.expected_purchases(params, x[i : i + 1], t_x[i : i + 1], T[i : i + 1], 90.0)[0] for i in range(6)
    ]
    np.testing.assert_allclose(btyd.expected_purchases(params, x, t_x, T, 90.0), one_by_one, rtol=1e-12)
    discounted = btyd.discounted_expected_purchases(params, x, t_x, T, 365, 0.1)
    assert discounted[0] == discounted[2] != discounted[5]
    median = btyd.median_purchases(params, x, t_x, T, 365.0)
    assert median[0] == median[2] and median[1] == median[4]


def test_fits_weight_each_distinct_summary_by_its_customers() -> None:
    """A customer listed twice weighs twice: the weighted fit on distinct rows is the fit on all rows."""
    summary = value_summaries(customers=1500, seed=5)
    summary = summary[summary["cut_off_kind"] == "current"]
    doubled = pd.concat([summary, summary.iloc[: len(summary) // 3]])
    columns = [doubled[name].to_numpy(dtype=float) for name in ("frequency", "recency_days", "t_days")]
    fitted = btyd.fit_bgnbd(*columns)
    params = np.log(list(fitted.as_dict().values()))
    likelihood = lambda p: -btyd.bgnbd_log_likelihood(btyd.BetaGeo(*np.exp(p)), *columns).mean()  # noqa: E731
    # The fit on distinct rows is a maximum of the likelihood of every row: no direction improves it.
    for step in np.eye(4) * 1e-3:
        assert likelihood(params) <= min(likelihood(params + step), likelihood(params - step)) + 1e-9
