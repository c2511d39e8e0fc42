"""The untidy parts of real shop data that the warehouse has to cope with.

Cancellations (C-invoices) reversing earlier purchases, guest orders without a customer,
non-product codes (postage, manual corrections, discounts, fees), zero-price stock
adjustments, "Adjust bad debt" A-invoices with negative prices and exact duplicate rows.
"""

from __future__ import annotations

import numpy as np

from pipeline.sample import profile
from pipeline.sample.customers import Customers
from pipeline.sample.invoices import (
    CANCELLATION,
    NO_CUSTOMER,
    SINGLE_LINE,
    Headers,
    business_to_minute,
)
from pipeline.sample.timeline import MINUTES_PER_DAY, Timeline

NON_PRODUCT_CODES = list(profile.NON_PRODUCT)
# line_kind values of SINGLE_LINE invoices beyond the non-product code indices.
ADJUSTMENT = 100
BAD_DEBT = 101  # + position in the write-off triple (0, 1, 2)
BAD_DEBT_CODE = "B"
BAD_DEBT_DESCRIPTION = "Adjust bad debt"
PREFIX_C = 1
PREFIX_A = 2
CLOSING_MINUTE = 20 * 60 + 59


def _code(name: str) -> int:
    return NON_PRODUCT_CODES.index(name)


def _expected(name: str, scale: float) -> float:
    return profile.NON_PRODUCT[name][1] * scale


def attach_extra_lines(
    rng: np.random.Generator, purchases: Headers, customers: Customers, scale: float
) -> None:
    """Add one postage, carriage or manual line to some purchases (in place).

    Postage is charged to foreign customers, dotcom postage to web-shop guests; the
    counts follow the real data at scale 1.
    """
    uk = list(profile.COUNTRY_CUSTOMERS).index("United Kingdom")
    is_guest = purchases.customer == NO_CUSTOMER
    foreign = ~is_guest & (customers.country[np.maximum(purchases.customer, 0)] != uk)
    extra = purchases.extra_code

    def assign(candidates: np.ndarray, name: str, count: float) -> None:
        free = candidates & (extra < 0)
        p = min(1.0, count / max(free.sum(), 1))
        extra[free & (rng.random(len(extra)) < p)] = _code(name)

    assign(foreign, "POST", _expected("POST", scale))
    assign(is_guest, "DOT", _expected("DOT", scale))
    assign(~is_guest, "C2", _expected("C2", scale))
    # A bit over half of the manual lines sit in ordinary orders, the rest are C-invoices.
    assign(np.ones(len(extra), bool), "M", 0.57 * _expected("M", scale))


def cancellations(
    rng: np.random.Generator, purchases: Headers, timeline: Timeline
) -> Headers:
    """C-invoices reversing lines of earlier customer purchases (same customer, later time)."""
    candidates = np.flatnonzero(purchases.customer != NO_CUSTOMER)
    chosen = candidates[rng.random(len(candidates)) < profile.CANCEL_INVOICE_RATE]
    orig_minute = purchases.minute[chosen]
    orig_day = orig_minute // MINUTES_PER_DAY
    when = timeline.start_of(orig_day) + rng.exponential(profile.CANCEL_DELAY_DAYS, len(chosen))
    keep = when < timeline.length
    chosen, orig_minute, orig_day, when = chosen[keep], orig_minute[keep], orig_day[keep], when[keep]
    minute = business_to_minute(rng, timeline, when)
    # A cancellation on the day of the order comes shortly after it, never before.
    later = orig_minute + rng.integers(1, 120, size=len(chosen))
    closing = orig_day * MINUTES_PER_DAY + CLOSING_MINUTE
    later = np.maximum(np.minimum(later, closing), orig_minute + 1)
    minute = np.where(minute // MINUTES_PER_DAY == orig_day, later, np.maximum(minute, later))
    h = Headers.empty_like(len(chosen), minute, CANCELLATION)
    h.customer = purchases.customer[chosen]
    h.country = purchases.country[chosen]
    h.prefix[:] = PREFIX_C
    h.target = chosen
    h.n_cancel = rng.geometric(profile.CANCEL_LINES_P, len(chosen)).astype(np.int32)
    return h


def _after(rng: np.random.Generator, purchases: Headers, idx: np.ndarray) -> np.ndarray:
    """A while after the given orders, on the same day (credits follow an order)."""
    minute = purchases.minute[idx] + rng.integers(1, 180, size=len(idx))
    closing = purchases.minute[idx] // MINUTES_PER_DAY * MINUTES_PER_DAY + CLOSING_MINUTE
    return np.maximum(np.minimum(minute, closing), purchases.minute[idx] + 1)


def single_line_invoices(
    rng: np.random.Generator, purchases: Headers, timeline: Timeline, scale: float
) -> Headers:
    """One-line invoices: discounts, fees, manual credits, stock adjustments, bad debt."""
    parts = []
    customer_orders = np.flatnonzero(purchases.customer != NO_CUSTOMER)
    guest_orders = np.flatnonzero(purchases.customer == NO_CUSTOMER)
    credits = {"D": 1.0, "CRUK": 1.0, "M": 0.43}
    for name, share in credits.items():
        n = rng.poisson(share * _expected(name, scale))
        idx = rng.choice(customer_orders, size=n)
        h = Headers.empty_like(n, _after(rng, purchases, idx), SINGLE_LINE)
        h.customer, h.country = purchases.customer[idx], purchases.country[idx]
        h.prefix[:] = PREFIX_C
        h.line_kind[:] = _code(name)
        parts.append(h)
    for name in ("S", "BANK CHARGES", "AMAZONFEE"):
        n = rng.poisson(_expected(name, scale))
        idx = rng.choice(guest_orders, size=n)
        h = Headers.empty_like(n, _after(rng, purchases, idx), SINGLE_LINE)
        h.country = purchases.country[idx]
        h.prefix[:] = PREFIX_C
        h.line_kind[:] = _code(name)
        parts.append(h)

    n = rng.poisson(profile.N_STOCK_ADJUSTMENTS * scale)
    minute = business_to_minute(rng, timeline, rng.random(n) * timeline.length)
    h = Headers.empty_like(n, minute, SINGLE_LINE)
    h.line_kind[:] = ADJUSTMENT
    parts.append(h)

    # Each write-off is a triple of A-invoices a minute apart (+, -, -), as in August 2011.
    n = max(1, round(scale))
    start = business_to_minute(rng, timeline, rng.random(n) * timeline.length)
    h = Headers.empty_like(3 * n, (start[:, None] + np.arange(3)).ravel(), SINGLE_LINE)
    h.prefix[:] = PREFIX_A
    h.line_kind = (BAD_DEBT + np.tile(np.arange(3), n)).astype(np.int8)
    parts.append(h)
    return Headers.concat(parts)


def duplicate_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    """How often each line is written (1, or 2 for an exact duplicate row)."""
    return 1 + (rng.random(n) < profile.DUPLICATE_RATE)


def cancelled_quantity(rng: np.random.Generator, quantity: np.ndarray) -> np.ndarray:
    """Negative quantity of a cancellation line: usually all of the ordered quantity."""
    partial = rng.random(len(quantity)) < profile.CANCEL_PARTIAL_SHARE
    part = np.maximum(1, np.ceil(quantity * rng.random(len(quantity)))).astype(np.int64)
    return -np.where(partial, part, quantity)
