"""The customers a production run chooses the variant on: all of them, or a stated stratified sample."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from ml.seed import config


def selection_sample(y: np.ndarray, size: int | None = None) -> np.ndarray:
    """Positions of the customers a production run chooses the variant on, in mart order.

    Every customer when there are at most `size`; otherwise a random sample of `size` stratified on
    the label (the mart's churn share), fixed by RANDOM_STATE so a rerun chooses on the same rows.
    `size` defaults to config.SELECTION_SAMPLE_SIZE, read at call time.
    """
    size = config.SELECTION_SAMPLE_SIZE if size is None else size
    positions = np.arange(len(y))
    if len(y) <= size:
        return positions
    sample, _ = train_test_split(positions, train_size=size, stratify=y, random_state=config.RANDOM_STATE)
    return np.sort(sample)


def describe_sample(y: np.ndarray, rows: np.ndarray | range) -> dict:
    """The selection sample as metrics.json states it: size, churners, and how it was drawn."""
    rows = np.asarray(rows)
    everyone = len(rows) == len(y)
    churned = int(y[rows].sum())
    return {
        "customers": len(rows),
        "churned": churned,
        "of_customers": len(y),
        "stratified_on": None if everyone else config.LABEL_COLUMN,
        "random_state": None if everyone else config.RANDOM_STATE,
        "description": f"all {len(y):,} customers"
        if everyone
        else f"a random sample of {len(rows):,} of the {len(y):,} customers, stratified on the label "
        f"({churned:,} churned)",
    }
