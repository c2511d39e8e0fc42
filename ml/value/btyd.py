"""BG/NBD (purchases) and Gamma-Gamma (spend per purchase) fitted by maximum likelihood with scipy.

The closed-form log-likelihoods and conditional expectations of Fader, Hardie & Lee, "Counting your
customers the easy way: an alternative to the Pareto/NBD model" (Marketing Science, 2005) and
"RFM and CLV: using iso-value curves for customer base analysis" (JMR, 2005), as the `lifetimes`
package implements them. Time is in days; inputs are the BTYD summary columns of
marts.customer_value_summaries (frequency x, recency t_x, age T, mean repeat spend).

Future purchases of a customer alive at T are integrated over the posterior of the dropout
probability p (Beta(a, b + x)) by Gauss-Jacobi quadrature instead of the closed form's Gaussian
hypergeometric function: the closed form needs a > 1 (it divides by a - 1), and on this data the
fit drives a towards 0 (almost no dropout), where the quadrature stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from scipy import optimize, special, stats

from ml.value.distinct import distinct_rows, on_distinct_rows

QUADRATURE_NODES = 48


@dataclass(frozen=True)
class BetaGeo:
    """BG/NBD: purchase rate lambda ~ Gamma(r, alpha); after each purchase, dropout with p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    # MBG/NBD (Batislam, Denizel & Filiztekin 2007): the customer may also drop out right after the
    # first purchase, so a one-time buyer long ago can be inactive (in BG/NBD they never are).
    dropout_at_first: bool = False

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    @property
    def name(self) -> str:
        return "mbgnbd" if self.dropout_at_first else "bgnbd"


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma: each purchase's spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma) per customer."""

    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def population_mean(self) -> float:
        """E[spend per purchase] of a customer we know nothing about (p gamma / (q - 1); inf if q <= 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def bgnbd_log_likelihood(params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    if params.dropout_at_first:
        # Batislam et al. 2007, eq. 4: alive after x + 1 dropout chances, or dead after the last purchase.
        alive = special.betaln(a, b + x + 1) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
        dead = special.betaln(a + 1, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + t_x)
        return a1 + np.logaddexp(alive, dead)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full_like(x, -np.inf)
    a4[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    return a1 + a2 + np.logaddexp(a3, a4)


def probability_alive(params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still active at T | x, t_x, T); 1 for customers with no repeat purchase (BG/NBD's assumption)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if params.dropout_at_first:
        log_ratio = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return special.expit(-log_ratio)
    out = np.ones_like(x)
    repeat = x > 0
    log_ratio = (
        np.log(a)
        - np.log(b + x[repeat] - 1)
        + (r + x[repeat]) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    out[repeat] = special.expit(-log_ratio)
    return out


def expected_purchases_if_alive(
    params: BetaGeo, x: np.ndarray, T: np.ndarray, horizon: float | np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + horizon] | alive at T, x, T].

    Alive at T, lambda | data ~ Gamma(r + x, alpha + T) and p | data ~ Beta(a, b + x); given (lambda,
    p) the expected count is (1 - exp(-lambda p t)) / p. Averaging over lambda gives
    (1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p, averaged over p here by quadrature.
    """
    x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    horizon = np.broadcast_to(np.asarray(horizon, dtype=float), x.shape)
    return on_distinct_rows(partial(_expected_purchases_if_alive, params), x, T, horizon)


def _expected_purchases_if_alive(params: BetaGeo, x: np.ndarray, T: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for value in np.unique(x):
        rows = x == value
        # Alive at T after x (BG/NBD) or x + 1 (MBG/NBD) dropout chances: p | alive ~ Beta(a, b + chances).
        chances = value + 1 if params.dropout_at_first else value
        p, weights = _beta_nodes(params.a, params.b + chances)
        base = params.alpha + T[rows, None]
        shape = params.r + value
        # (1 - (base / (base + p t))^shape) / p, written to stay exact for tiny p (limit shape t / base).
        safe_p = np.where(p > 0, p, 1.0)[None, :]
        count = np.where(
            p[None, :] > 0,
            -np.expm1(-shape * np.log1p(p[None, :] * horizon[rows, None] / base)) / safe_p,
            shape * horizon[rows, None] / base,
        )
        out[rows] = count @ weights
    return out


@lru_cache(maxsize=4096)  # a run asks for the same (a, b) once per forecast, thousands of times
def _beta_nodes(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for E[f(p)], p ~ Beta(a, b): Gauss-Jacobi (exact for polynomials of degree
    < 2 x nodes), or, when its weights overflow (a + b in the hundreds, as when the fit finds almost no
    dropout), Gauss-Legendre on the Beta quantile function (relative error ~1e-6 at 128 nodes)."""
    with np.errstate(over="ignore", invalid="ignore"):
        nodes, weights = special.roots_jacobi(QUADRATURE_NODES, b - 1, a - 1)
        weights = weights / weights.sum()
    if np.all(np.isfinite(weights)) and np.all(np.isfinite(nodes)):
        return (nodes + 1) / 2, weights
    u, weights = np.polynomial.legendre.leggauss(2 * QUADRATURE_NODES + 32)
    return special.betaincinv(a, b, (u + 1) / 2), weights / 2


def expected_purchases(
    params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon: float | np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + horizon] | x, t_x, T] = P(alive) x E[purchases | alive]."""
    return probability_alive(params, x, t_x, T) * expected_purchases_if_alive(params, x, T, horizon)


def expected_rate_if_alive(params: BetaGeo, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Posterior mean purchase rate per day of a customer alive at T: (r + x) / (alpha + T)."""
    return (params.r + np.asarray(x, dtype=float)) / (params.alpha + np.asarray(T, dtype=float))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, dropout_at_first: bool = False) -> BetaGeo:
    """Maximum likelihood on log-parameters (all four must be positive), L-BFGS-B from a neutral start."""
    (x, t_x, T), customers, _ = distinct_rows(x, t_x, T)

    def negative(log_params: np.ndarray) -> float:
        params = BetaGeo(*np.exp(log_params), dropout_at_first=dropout_at_first)
        return -float(bgnbd_log_likelihood(params, x, t_x, T) @ customers) / customers.sum()

    start = np.log([1.0, max(float(T.mean()), 1.0), 1.0, 1.0])
    result = optimize.minimize(negative, start, method="L-BFGS-B", bounds=[(-12.0, 12.0)] * 4)
    return BetaGeo(*np.exp(result.x), dropout_at_first=dropout_at_first)


def gamma_gamma_log_likelihood(params: GammaGamma, x: np.ndarray, mean_spend: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood of the mean spend of x >= 1 purchases (Fader, Hardie & Lee 2005b).

    The mean of x Gamma(p, nu) spends is Gamma(p x, nu x); nu ~ Gamma(q, gamma) integrates out.
    """
    p, q, g = params.p, params.q, params.gamma
    x, m = np.asarray(x, dtype=float), np.asarray(mean_spend, dtype=float)
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(g)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + g)
    )


def fit_gamma_gamma(x: np.ndarray, mean_spend: np.ndarray) -> GammaGamma:
    """Maximum likelihood on the repeat buyers (x >= 1, mean repeat spend > 0)."""
    start = np.log([1.0, 2.0, max(float(np.median(mean_spend)), 1.0)])
    (x, m), customers, _ = distinct_rows(x, mean_spend)

    def negative(log_params: np.ndarray) -> float:
        return -float(gamma_gamma_log_likelihood(GammaGamma(*np.exp(log_params)), x, m) @ customers) / customers.sum()

    result = optimize.minimize(negative, start, method="L-BFGS-B", bounds=[(-12.0, 14.0)] * 3)
    return GammaGamma(*np.exp(result.x))


def expected_spend_per_purchase(params: GammaGamma, x: np.ndarray, mean_spend: np.ndarray) -> np.ndarray:
    """E[spend of a future purchase | x, mean spend]: (p (gamma + x m)) / (p x + q - 1).

    A weighted average of the population mean and the customer's own mean, the own mean weighing more
    the more purchases it rests on; customers with no repeat purchase get the population mean.
    """
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(mean_spend, dtype=float), nan=0.0)
    return params.p * (params.gamma + x * m) / (params.p * x + params.q - 1)


def purchase_count_probabilities(
    params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon: float, max_count: int
) -> np.ndarray:
    """P(k purchases in (T, T + horizon] | x, t_x, T) for k = 0..max_count (customers x counts).

    Alive at T: purchases N ~ NB(r + x, (alpha + T) / (alpha + T + t)) (Poisson over the Gamma
    posterior of lambda), and a customer who makes k >= 1 of them stayed through k - 1 dropout chances
    and then either dropped out after the k-th or made no more: (1 - p)^(k-1) (p P(N >= k) +
    (1 - p) P(N = k)); the Beta moments of p are closed-form. Dead customers buy nothing.
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    shape = params.r + x
    success = (params.alpha + T) / (params.alpha + T + horizon)
    counts = np.arange(max_count + 1, dtype=float)
    pmf = stats.nbinom.pmf(counts[None, :], shape[:, None], success[:, None])
    survival = stats.nbinom.sf(counts[None, :] - 1, shape[:, None], success[:, None])  # P(N >= k)
    b = params.b + x + (1 if params.dropout_at_first else 0)  # p | alive ~ Beta(a, b)
    k = counts[None, 1:]
    log_norm = special.betaln(params.a, b)[:, None]
    stay = np.exp(special.betaln(params.a, b[:, None] + k) - log_norm)  # E[(1 - p)^k]
    drop_last = np.exp(special.betaln(params.a + 1, b[:, None] + k - 1) - log_norm)  # E[p (1 - p)^(k-1)]
    alive = np.empty_like(pmf)
    alive[:, 0] = pmf[:, 0]
    alive[:, 1:] = drop_last * survival[:, 1:] + stay * pmf[:, 1:]
    p_alive = probability_alive(params, x, t_x, T)[:, None]
    probabilities = p_alive * alive
    probabilities[:, 0] += 1 - p_alive[:, 0]
    return probabilities


def median_purchases(params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon: float) -> np.ndarray:
    """The median of the predicted count: the point forecast that minimises expected absolute error.

    The count distribution is computed up to twice the largest expected count: by Markov's inequality
    P(Y >= 2 E[Y]) <= 1/2, so every customer's median lies below the cap.
    """
    return on_distinct_rows(partial(_median_purchases, params, horizon=horizon), x, t_x, T)


def _median_purchases(params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon: float) -> np.ndarray:
    expected = expected_purchases(params, x, t_x, T, horizon)
    max_count = int(np.ceil(2 * float(np.max(expected, initial=0.0)))) + 2
    cumulative = np.cumsum(purchase_count_probabilities(params, x, t_x, T, horizon, max_count), axis=1)
    return np.argmax(cumulative >= 0.5, axis=1).astype(float)


def discounted_expected_purchases(
    params: BetaGeo,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    horizon_days: int,
    annual_rate: float,
    steps: int = 52,
) -> np.ndarray:
    """Sum over `steps` equal periods of the horizon of expected purchases x (1 + rate)^-(mid-period years)."""
    discounted = partial(_discounted, params, horizon_days=horizon_days, annual_rate=annual_rate, steps=steps)
    return on_distinct_rows(discounted, x, t_x, T)


def _discounted(
    params: BetaGeo, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon_days: int, annual_rate: float, steps: int
) -> np.ndarray:
    edges = np.linspace(0.0, float(horizon_days), steps + 1)
    cumulative = np.column_stack(
        [np.zeros(len(np.asarray(x)))] + [expected_purchases(params, x, t_x, T, edge) for edge in edges[1:]]
    )
    per_period = np.diff(cumulative, axis=1)
    middles = (edges[:-1] + edges[1:]) / 2
    return per_period @ (1 + annual_rate) ** (-middles / 365.0)


def median_days_to_next_purchase_if_alive(params: BetaGeo, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Days t with P(no purchase in (T, T + t] | alive) = 1/2: ((a+T)/(a+T+t))^(r+x) = 1/2."""
    x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    return (params.alpha + T) * np.expm1(np.log(2.0) / (params.r + x))
