"""Customers: who they are and when they buy.

Each customer gets a purchase rate (how often), a basket size and a quantity level (how
much) and a chance of stopping after every purchase (how long they stay). Stopping after a
purchase (the BG/NBD story) makes lifetimes end early for some and run to the end of the
data for many, which is what a churn label has to find.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.sample import profile
from pipeline.sample.timeline import Timeline


@dataclass(frozen=True)
class Customers:
    """Behaviour profile of every customer, one array element per customer."""

    customer_id: np.ndarray  # float64, like the real CustomerID column
    country: np.ndarray  # index into country_names()
    first_time: np.ndarray  # business time of the first purchase
    rate: np.ndarray  # purchases per business day while active
    dropout: np.ndarray  # probability of stopping after each purchase
    end_time: np.ndarray  # business time when the customer stops in any case
    lines_mu: np.ndarray  # log-mean of lines per invoice
    quantity_shift: np.ndarray  # pack-size steps above the usual (fractional)

    def __len__(self) -> int:
        return len(self.customer_id)


def country_names() -> list[str]:
    return list(profile.COUNTRY_CUSTOMERS) + list(profile.GUEST_ONLY_COUNTRIES)


def _arrival_times(rng: np.random.Generator, timeline: Timeline, scale: float) -> np.ndarray:
    """Business time of first purchases, following the real monthly count of new customers."""
    per_month = np.asarray(profile.NEW_CUSTOMERS_BY_MONTH, dtype=float) * scale
    counts = np.floor(per_month).astype(np.int64)
    counts += rng.random(len(counts)) < (per_month - counts)
    month = timeline.month_index()
    times = []
    for m, n in enumerate(counts):
        day_idx = np.flatnonzero(month == m)
        w = timeline.weight[day_idx]
        day = rng.choice(day_idx, size=n, p=w / w.sum())
        times.append(timeline.start_of(day) + rng.random(n) * timeline.weight[day])
    return np.sort(np.concatenate(times))


def draw_customers(rng: np.random.Generator, timeline: Timeline, scale: float) -> Customers:
    first = _arrival_times(rng, timeline, scale)
    n = len(first)
    weights = np.asarray(list(profile.COUNTRY_CUSTOMERS.values()), dtype=float)
    country = rng.choice(len(weights), size=n, p=weights / weights.sum())
    # The first month's backlog are established customers who had bought before the data
    # starts: survivors, so they buy more often and stop less than newcomers.
    backlog = first < timeline.cumulative[np.argmax(timeline.month_index() == 1)]
    # Customers seen buying in a given month are picked in proportion to their rate, so
    # the backlog's rates follow the size-biased gamma (shape + 1).
    shape = np.where(backlog, profile.RATE_SHAPE + 1.0, profile.RATE_SHAPE)
    rate = rng.gamma(shape, profile.RATE_SCALE) * np.where(
        backlog, profile.BACKLOG_RATE_FACTOR, 1.0)
    dropout = rng.beta(profile.DROPOUT_A, profile.DROPOUT_B, size=n)
    dropout = np.where(backlog, dropout * profile.BACKLOG_DROPOUT_FACTOR, dropout)
    # Engagement: committed customers place bigger orders (more lines, bigger packs) and
    # stop less often, so at the same number of orders churners spend less per order and
    # buy fewer products (real: about a quarter less of both).
    engagement = rng.standard_normal(n)
    dropout = np.minimum(dropout * np.exp(-profile.ENGAGEMENT_DROPOUT * engagement), 0.95)
    # Lifetimes end with a constant hazard in time as well (moved on, went out of business).
    life = rng.exponential(profile.MEAN_LIFETIME_DAYS, size=n)
    life = np.where(backlog, life * profile.BACKLOG_LIFETIME_FACTOR, life)
    lines_mu = (profile.LINES_LOG_MEAN + profile.ENGAGEMENT_LINES * engagement
                + rng.normal(0, profile.LINES_CUSTOMER_SIGMA, size=n))
    # Pack-size level: customers who buy often trade in bigger packs (real median quantity
    # per line 8 for one-off buyers, 10 for those with ten or more orders); a few in bulk.
    z_rate = np.log(rate)
    z_rate = (z_rate - z_rate.mean()) / max(z_rate.std(), 1e-9)
    quantity_shift = (profile.CUSTOMER_QUANTITY_STEPS + profile.QUANTITY_RATE_STEPS * z_rate
                      + profile.ENGAGEMENT_QUANTITY_STEPS * engagement
                      + rng.normal(0, profile.CUSTOMER_QUANTITY_SIGMA, size=n)
                      + rng.choice(4, size=n, p=[0.85, 0.09, 0.045, 0.015]))
    # Real IDs are 5-digit numbers with gaps; shuffle so IDs do not reveal arrival order.
    ids = profile.FIRST_CUSTOMER_ID + rng.permutation(np.arange(n) * 2 + rng.integers(0, 2, n))
    return Customers(
        customer_id=ids.astype(np.float64),
        country=country,
        first_time=first,
        rate=rate,
        dropout=dropout,
        end_time=first + life,
        lines_mu=lines_mu,
        quantity_shift=quantity_shift,
    )


def purchase_times(
    rng: np.random.Generator, customers: Customers, timeline: Timeline
) -> tuple[np.ndarray, np.ndarray]:
    """(customer index, business time) of every purchase until the customer stops.

    Vectorised over customers: each round draws the next purchase of everyone still active.
    """
    idx = np.arange(len(customers))
    t = customers.first_time.copy()
    out_c, out_t = [idx], [t.copy()]
    active = rng.random(len(idx)) >= customers.dropout
    while active.any():
        idx, t = idx[active], t[active]
        # Gamma gaps (shape > 1) are more regular than exponential ones: people reorder
        # when stock runs low, rarely twice in a row within days.
        gap = rng.gamma(profile.GAP_SHAPE, 1.0 / profile.GAP_SHAPE, size=len(idx))
        # Now and then a customer pauses for a season and comes back (long gaps).
        gap = np.where(rng.random(len(idx)) < profile.PAUSE_RATE, gap * profile.PAUSE_FACTOR, gap)
        t = t + gap / customers.rate[idx]
        inside = (t < timeline.length) & (t < customers.end_time[idx])
        idx, t = idx[inside], t[inside]
        out_c.append(idx)
        out_t.append(t)
        active = rng.random(len(idx)) >= customers.dropout[idx]
    return np.concatenate(out_c), np.concatenate(out_t)
