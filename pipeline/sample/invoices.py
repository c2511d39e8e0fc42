"""Invoice headers: every invoice's time, customer, country, kind and size.

Headers for the whole data set are small (one row per invoice, 2.6 M at scale 100), so
they are built at once and numbered in time order like the real invoice numbers; the lines,
which are 20 times more, are generated later chunk by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from pipeline.sample import profile
from pipeline.sample.customers import Customers, country_names, purchase_times
from pipeline.sample.timeline import MINUTES_PER_DAY, Timeline, minute_of_day

# Invoice kinds.
PURCHASE = 0  # ordinary order (with or without customer)
CANCELLATION = 1  # C-invoice reversing lines of an earlier purchase
SINGLE_LINE = 2  # one non-product or adjustment line (set by quirks.single_line_invoices)

NO_CUSTOMER = -1
NO_CODE = -1


@dataclass
class Headers:
    """One element per invoice; every field is a numpy array of the same length."""

    minute: np.ndarray  # minutes since START
    kind: np.ndarray
    customer: np.ndarray  # index into Customers, NO_CUSTOMER for guests
    country: np.ndarray
    n_lines: np.ndarray  # product lines of a purchase
    extra_code: np.ndarray  # non-product line (index into quirks.NON_PRODUCT_CODES)
    prefix: np.ndarray  # 0 none, 1 "C", 2 "A"
    target: np.ndarray  # purchase an invoice cancels (CANCELLATION only), else -1
    n_cancel: np.ndarray  # lines to cancel (CANCELLATION only)
    line_kind: np.ndarray  # SINGLE_LINE only: which special line (see quirks)

    def __len__(self) -> int:
        return len(self.minute)

    @classmethod
    def empty_like(cls, n: int, minute: np.ndarray, kind: int) -> Headers:
        return cls(
            minute=minute.astype(np.int64),
            kind=np.full(n, kind, dtype=np.int8),
            customer=np.full(n, NO_CUSTOMER, dtype=np.int64),
            country=np.zeros(n, dtype=np.int16),
            n_lines=np.zeros(n, dtype=np.int32),
            extra_code=np.full(n, NO_CODE, dtype=np.int8),
            prefix=np.zeros(n, dtype=np.int8),
            target=np.full(n, -1, dtype=np.int64),
            n_cancel=np.zeros(n, dtype=np.int32),
            line_kind=np.full(n, -1, dtype=np.int8),
        )

    @staticmethod
    def concat(parts: list[Headers]) -> Headers:
        return Headers(**{
            f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Headers)
        })

    def take(self, order: np.ndarray) -> Headers:
        return Headers(**{f.name: getattr(self, f.name)[order] for f in fields(Headers)})


def business_to_minute(
    rng: np.random.Generator, timeline: Timeline, business_time: np.ndarray
) -> np.ndarray:
    day = timeline.to_day(business_time)
    return day * MINUTES_PER_DAY + minute_of_day(rng, len(day))


def customer_purchases(
    rng: np.random.Generator, customers: Customers, timeline: Timeline
) -> Headers:
    cust, when = purchase_times(rng, customers, timeline)
    h = Headers.empty_like(len(cust), business_to_minute(rng, timeline, when), PURCHASE)
    h.customer = cust
    h.country = customers.country[cust].astype(np.int16)
    size = np.exp(rng.normal(customers.lines_mu[cust], profile.LINES_INVOICE_SIGMA))
    h.n_lines = np.clip(np.round(size), 1, profile.MAX_LINES).astype(np.int32)
    return h


def guest_purchases(rng: np.random.Generator, timeline: Timeline, scale: float) -> Headers:
    """Web-shop orders without a customer: few, but large (a quarter of all lines)."""
    n = rng.poisson(profile.N_GUEST_INVOICES * scale)
    when = rng.random(n) * timeline.length
    h = Headers.empty_like(n, business_to_minute(rng, timeline, when), PURCHASE)
    names = country_names()
    uk = names.index("United Kingdom")
    other = rng.integers(0, len(names), size=n)
    h.country = np.where(rng.random(n) < profile.GUEST_UK_SHARE, uk, other).astype(np.int16)
    size = np.exp(rng.normal(profile.GUEST_LINES_LOG_MEAN, profile.GUEST_LINES_SIGMA, n))
    h.n_lines = np.clip(np.round(size), 1, profile.MAX_LINES).astype(np.int32)
    return h


def number_in_time_order(headers: Headers) -> Headers:
    """Sort by time (ties: purchases first, so a same-minute cancellation follows its order)
    and remap cancellation targets to the new positions."""
    order = np.lexsort((headers.kind, headers.minute))
    out = headers.take(order)
    new_pos = np.empty(len(order), dtype=np.int64)
    new_pos[order] = np.arange(len(order))
    has_target = out.target >= 0
    out.target[has_target] = new_pos[out.target[has_target]]
    return out
