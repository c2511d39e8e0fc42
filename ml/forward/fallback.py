"""No labelled as-of: no forward model can be fitted, yet the at-risk list must still be built.

The seed mode's probability (ml.churn_scores: the backward label, a gap longer than the pooled
churn threshold) is the best estimate the data supports; the scores say so with validation
`none` and the model name config.FALLBACK_MODEL, and they carry no reasons."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.base.errors import NotEnoughHistoryError
from ml.base.warehouse import warehouse_io_error
from ml.forward import config


def seed_probabilities(path: Path, customer_ids: pd.Series, why: str) -> np.ndarray:
    """The seed mode's churn probability per customer, in customer_ids' order; `why` says why the
    forward model cannot be fitted, for the error when there is nothing to fall back on."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            seed = con.execute(f"select {config.ID_COLUMN}, churn_probability from {config.SEED_SCORES_TABLE}").df()
    except duckdb.CatalogException as error:
        raise NotEnoughHistoryError(
            f"{why}; {config.SEED_SCORES_TABLE}, the fallback, is missing: run the seed mode first "
            "(python -m ml run does)"
        ) from error
    except duckdb.Error as error:
        raise warehouse_io_error(path, "read", error) from error
    by_customer = seed.set_index(config.ID_COLUMN)["churn_probability"]
    proba = customer_ids.astype(str).map(by_customer).to_numpy(dtype="float64")
    # A customer the seed mode did not score (none in a consistent build) gets its mean.
    return np.where(np.isnan(proba), np.nanmean(proba) if np.isfinite(proba).any() else 0.5, proba)
