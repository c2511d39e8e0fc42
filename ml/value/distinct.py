"""Work per distinct customer summary instead of per customer.

Every BTYD quantity of a customer is a function of a few summary columns (frequency, recency and age
in whole days, a mean spend), and many customers share them: on the real data 4,334 current
customers have 3,032 distinct (frequency, recency, age) triples, and since frequency and the day
spans are small integers the count of triples is bounded by the data's span, not by the customers.
So the likelihoods are summed once per distinct row, weighted by how many customers have it, and the
forecasts computed once per distinct row and spread back: the same numbers, less work."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike


def distinct_rows(*columns: ArrayLike) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The distinct rows of the columns (as float columns), how many input rows each stands for, and
    for every input row the index of its distinct row."""
    values = [np.asarray(column, dtype=float).reshape(-1) for column in columns]
    # A sort on the columns and a cut wherever a row differs from the one before: np.unique(axis=0)
    # does the same through a byte-string view, several times slower.
    order = np.lexsort(values[::-1])
    ordered = [column[order] for column in values]
    starts = np.ones(len(order), dtype=bool)
    for column in ordered:
        starts[1:] &= column[1:] == column[:-1]
    starts = ~starts
    starts[:1] = True
    group = np.cumsum(starts) - 1
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[order] = group
    counts = np.bincount(group, minlength=int(starts.sum())).astype(float)
    return [column[starts] for column in ordered], counts, inverse


def on_distinct_rows(compute: Callable[..., np.ndarray], *columns: ArrayLike) -> np.ndarray:
    """compute(*columns) evaluated once per distinct row and spread back to every row (compute must
    work row by row: row i of its result depends on row i of its inputs only)."""
    distinct, _, inverse = distinct_rows(*columns)
    return np.asarray(compute(*distinct))[inverse]
