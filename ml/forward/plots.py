"""Figures of the forward evaluation, with stable names (Agg backend set by ml.plots)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, roc_curve

from ml.base.figures import plt, save_figure


def reliability(y: np.ndarray, curves: dict[str, np.ndarray], title: str, path: Path) -> Path:
    """Observed churn rate per decile of predicted probability; the diagonal is perfect calibration."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, proba in curves.items():
        observed, predicted = calibration_curve(y, proba, n_bins=10, strategy="quantile")
        ax.plot(predicted, observed, marker="o", label=f"{name} (mean {proba.mean():.3f})")
    ax.axhline(y.mean(), linestyle=":", color="grey", linewidth=1, label=f"observed rate {y.mean():.3f}")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set(xlabel="Mean predicted probability", ylabel="Observed churn rate", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return save_figure(fig, path)


def ranking_curves(y: np.ndarray, scores: dict[str, np.ndarray], title: str, path: Path) -> Path:
    """ROC, precision-recall and cumulative lift of every model on the test as-of, side by side."""
    fig, (roc_ax, pr_ax, lift_ax) = plt.subplots(1, 3, figsize=(16, 5))
    shares = np.arange(1, len(y) + 1) / len(y)
    for name, score in scores.items():
        fpr, tpr, _ = roc_curve(y, score)
        roc_ax.plot(fpr, tpr, label=name, linewidth=1)
        precision, recall, _ = precision_recall_curve(y, score)
        pr_ax.plot(recall, precision, linewidth=1)
        ordered = y[np.argsort(-score, kind="stable")]
        lift_ax.plot(shares, np.cumsum(ordered) / np.arange(1, len(y) + 1) / y.mean(), linewidth=1)
    roc_ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    roc_ax.set(xlabel="False positive rate", ylabel="True positive rate", title="ROC")
    roc_ax.legend(loc="lower right", fontsize=8)
    pr_ax.axhline(y.mean(), linestyle="--", color="grey", linewidth=1)
    pr_ax.set(xlabel="Recall", ylabel="Precision", title="Precision-recall")
    lift_ax.axvline(0.1, linestyle=":", color="grey", linewidth=1)
    lift_ax.axhline(1, linestyle="--", color="grey", linewidth=1)
    lift_ax.set(xlabel="Share of customers contacted (highest scores first)", ylabel="Lift", title="Cumulative lift")
    fig.suptitle(title)
    return save_figure(fig, path)


def backtest(table: dict, metric: str, path: Path) -> Path:
    """One line per model: the metric at each rolling test as-of."""
    dates = list(table)
    models = list(table[dates[0]]["models"])
    fig, ax = plt.subplots(figsize=(8, 5))
    for name in models:
        ax.plot(dates, [table[d]["models"][name][metric] for d in dates], marker="o", label=name)
    ax.set(xlabel="Test as-of", ylabel=metric, title=f"Rolling backtest: {metric} per test as-of")
    ax.legend(loc="best", fontsize=8)
    return save_figure(fig, path)


def ablation(rows: dict, path: Path) -> Path:
    """ROC-AUC of the shipped model with each group dropped and with each group alone."""
    labels = list(rows)
    values = [rows[label]["roc_auc"] for label in labels]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(labels) + 1.5))
    colours = [
        "black" if label == "all groups" else "tab:red" if label.startswith("without") else "tab:blue"
        for label in labels
    ]
    ax.barh(labels, values, color=colours)
    ax.axvline(rows["all groups"]["roc_auc"], linestyle="--", color="grey", linewidth=1)
    ax.set_xlim(0.5, max(values) + 0.02)
    ax.invert_yaxis()
    ax.set(xlabel="ROC-AUC on the test as-of", title="Feature-group ablation (red: group dropped, blue: group alone)")
    return save_figure(fig, path)
