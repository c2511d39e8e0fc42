"""Trading calendar: when the shop sells, and how busy each day is.

Purchases are drawn in "business time", where one unit is one average trading day; mapping
back to calendar days through the cumulative daily intensity puts the November peak, the
Christmas closure and the missing Saturdays into every customer's history at no cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipeline.sample import profile

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Timeline:
    """Daily intensity over the trading span and its cumulative business time."""

    days: np.ndarray  # datetime64[D] of every calendar day
    weight: np.ndarray  # relative intensity of each day, mean 1, 0 when closed
    cumulative: np.ndarray  # business time at the start of each day (len days + 1)

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def length(self) -> float:
        """Total business time of the span."""
        return float(self.cumulative[-1])

    def to_day(self, business_time: np.ndarray) -> np.ndarray:
        """Calendar day index of business times (closed days have zero width, so never hit)."""
        idx = np.searchsorted(self.cumulative, business_time, side="right") - 1
        return np.clip(idx, 0, self.n_days - 1)

    def start_of(self, day: np.ndarray) -> np.ndarray:
        return self.cumulative[day]

    def month_index(self) -> np.ndarray:
        """Month number of every day, 0 = first month of the span."""
        months = self.days.astype("datetime64[M]")
        return (months - months[0]).astype(np.int64)


def build_timeline() -> Timeline:
    days = np.arange(
        np.datetime64(profile.START), np.datetime64(profile.END) + 1, dtype="datetime64[D]"
    )
    # numpy weekday: 1970-01-01 was a Thursday, so shift to Monday = 0.
    weekday = (days.astype(np.int64) + 3) % 7
    months = days.astype("datetime64[M]")
    month = (months - months[0]).astype(np.int64)
    weight = np.asarray(profile.WEEKDAY_WEIGHT)[weekday] * np.asarray(profile.MONTH_WEIGHT)[month]
    closed = np.isin(days, np.array(profile.CLOSED_DAYS, dtype="datetime64[D]"))
    weight = np.where(closed, 0.0, weight)
    weight = weight * (len(days) / weight.sum())
    cumulative = np.concatenate([[0.0], np.cumsum(weight)])
    return Timeline(days=days, weight=weight, cumulative=cumulative)


def minute_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minutes after midnight in office hours, peaking at noon like the real data."""
    hours = np.asarray(profile.HOUR_WEIGHT, dtype=float)
    hour = profile.FIRST_HOUR + rng.choice(len(hours), size=n, p=hours / hours.sum())
    return hour * 60 + rng.integers(0, 60, size=n)


def start_minute() -> np.datetime64:
    return np.datetime64(dt.datetime.combine(profile.START, dt.time()), "m")
