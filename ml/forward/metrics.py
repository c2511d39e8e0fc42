"""Ranking and probability metrics on one test as-of, with bootstrap intervals over its customers."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from ml.forward import config

METRICS = ("roc_auc", "pr_auc", "top_decile_lift", "brier")


def top_share_lift(y: np.ndarray, score: np.ndarray, share: float = config.TOP_SHARE) -> float:
    """Churn rate among the `share` highest scores over the overall churn rate.

    Ties at the cut are broken by a stable sort on the score, so the result is deterministic.
    """
    count = max(1, round(share * len(y)))
    top = np.argsort(-score, kind="stable")[:count]
    base = y.mean()
    return float(y[top].mean() / base) if base > 0 else float("nan")


def point_metrics(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(y, score)),
        "pr_auc": float(average_precision_score(y, score)),
        "top_decile_lift": top_share_lift(y, score),
        "brier": float(brier_score_loss(y, score)),
    }


def fast_point_metrics(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """point_metrics without sklearn's input checks (same values, ties handled the same way).

    The bootstrap calls this thousands of times, where the checks would dominate the run time.
    """
    positives = y.sum()
    negatives = len(y) - positives
    ranks = rankdata(score)  # average ranks for ties, as ROC-AUC's trapezoids count them
    roc_auc = (ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    order = np.argsort(-score, kind="stable")
    sorted_score, hits = score[order], np.cumsum(y[order])
    last_of_tie = np.r_[sorted_score[1:] != sorted_score[:-1], True]
    true_pos = hits[last_of_tie]
    flagged = np.flatnonzero(last_of_tie) + 1
    recall_steps = np.diff(np.r_[0, true_pos]) / positives
    pr_auc = float(np.sum(recall_steps * true_pos / flagged))
    return {
        "roc_auc": float(roc_auc),
        "pr_auc": pr_auc,
        "top_decile_lift": top_share_lift(y, score),
        "brier": float(np.mean((score - y) ** 2)),
    }


def bootstrap_intervals(
    y: np.ndarray, score: np.ndarray, resamples: int = config.BOOTSTRAP_RESAMPLES, seed: int = config.RANDOM_STATE
) -> dict[str, list[float]]:
    """Percentile intervals from resampling the test customers with replacement (fixed seed).

    Every model is resampled with the same draws (same seed, same length), so their intervals are
    comparable; a draw with one class only is skipped (ROC-AUC is undefined there).
    """
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {m: [] for m in METRICS}
    for _ in range(resamples):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() == y[idx].max():
            continue
        for name, value in fast_point_metrics(y[idx], score[idx]).items():
            draws[name].append(value)
    tail = (1 - config.CONFIDENCE) / 2 * 100
    return {name: [float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))] for name, v in draws.items()}


def with_intervals(y: np.ndarray, score: np.ndarray, resamples: int = config.BOOTSTRAP_RESAMPLES) -> dict:
    """Point metrics, their 95 % intervals (`<metric>_ci`), and the test as-of's size."""
    point = point_metrics(y, score)
    intervals = bootstrap_intervals(y, score, resamples)
    return {
        **{k: v for name in METRICS for k, v in ((name, point[name]), (f"{name}_ci", intervals[name]))},
        "customers": len(y),
        "churn_rate": float(y.mean()),
        "mean_predicted": float(score.mean()),
    }


def auc_standard_error(y: np.ndarray, auc: float) -> float:
    """Hanley & McNeil (1982): the standard error of a ROC-AUC from its value and the class sizes.

    Cheap enough for the fast path's shipping rule, where bootstrapping every candidate would not be.
    """
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)) / (
        positives * negatives
    )
    return float(np.sqrt(max(variance, 0.0)))
