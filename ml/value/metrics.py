"""Holdout figures of a forecast against the actual purchases and spend of the same customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ml.value import config


def top_share(predicted: np.ndarray, actual: np.ndarray, share: float = config.TOP_SHARE) -> float:
    """Share of the actual total held by the customers the forecast ranks in its top `share`.

    Ties in the forecast are broken by the stable order of the rows (customer id), not by the actual.
    """
    total = float(actual.sum())
    if total <= 0:
        return float("nan")
    count = int(np.ceil(share * len(actual)))
    order = np.argsort(-predicted, kind="stable")[:count]
    return float(actual[order].sum() / total)


def spearman(predicted: np.ndarray, actual: np.ndarray) -> float:
    if np.ptp(predicted) == 0 or np.ptp(actual) == 0:
        return float("nan")
    return float(stats.spearmanr(predicted, actual).statistic)


def figures(purchases: np.ndarray, spend: np.ndarray, actual_purchases: np.ndarray, actual_spend: np.ndarray) -> dict:
    return {
        "purchases_mae": float(np.abs(purchases - actual_purchases).mean()),
        "purchases_rmse": float(np.sqrt(((purchases - actual_purchases) ** 2).mean())),
        "purchases_total_predicted": float(purchases.sum()),
        "purchases_total_actual": float(actual_purchases.sum()),
        "purchases_total_error": float(purchases.sum() / actual_purchases.sum() - 1)
        if actual_purchases.sum()
        else None,
        "spend_mae": float(np.abs(spend - actual_spend).mean()),
        "spend_total_predicted": float(spend.sum()),
        "spend_total_actual": float(actual_spend.sum()),
        "spend_total_error": float(spend.sum() / actual_spend.sum() - 1) if actual_spend.sum() else None,
        "spend_spearman": spearman(spend, actual_spend),
        "spend_top10_share": top_share(spend, actual_spend),
    }


def frequency_buckets(summary: pd.DataFrame, predicted: dict[str, np.ndarray]) -> pd.DataFrame:
    """Mean actual and predicted holdout purchases per calibration frequency bucket (0..6, 7+)."""
    cap = config.FREQUENCY_BUCKET_CAP
    bucket = np.minimum(summary["frequency"].to_numpy(), cap)
    frame = pd.DataFrame({"bucket": bucket, "actual": summary["holdout_purchase_days"].to_numpy(dtype=float)})
    for name, values in predicted.items():
        frame[name] = values
    table = frame.groupby("bucket").agg(
        customers=("actual", "size"), **{column: (column, "mean") for column in ("actual", *predicted)}
    )
    table.index = [f"{cap}+" if b == cap else str(b) for b in table.index]
    return table
