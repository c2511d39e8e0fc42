"""The seed mode's figures, with stable names (saved by ml.base.figures, on the Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import ConfusionMatrixDisplay, precision_recall_curve, roc_curve

from ml.base.explain import shap
from ml.base.figures import plt, save_figure

CLASS_NAMES = ["active", "churned"]


def confusion_matrices(matrices: dict[str, list[list[int]]], path: Path) -> Path:
    """The seed's confusion_matrix.png, one panel per model so the SMOTE effect is visible."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(5 * len(matrices), 4.2))
    for ax, (title, matrix) in zip(np.atleast_1d(axes), matrices.items(), strict=True):
        ConfusionMatrixDisplay(np.asarray(matrix), display_labels=CLASS_NAMES).plot(
            ax=ax, cmap="Blues", colorbar=False, values_format="d"
        )
        ax.set_title(title)
    return save_figure(fig, path)


def _against_diagonal(curves: dict[str, tuple], path: Path, labels: dict, legend: str, **line) -> Path:
    """One line per variant over the grey diagonal (a random ranking for ROC, perfect calibration)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, (x, y) in curves.items():
        ax.plot(x, y, label=name, **line)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set(**labels)
    ax.legend(loc=legend)
    return save_figure(fig, path)


def roc_curves(y: np.ndarray, oof: dict[str, np.ndarray], path: Path) -> Path:
    """Out-of-fold ROC curve per pipeline variant."""
    curves = {name: roc_curve(y, proba)[:2] for name, proba in oof.items()}
    labels = {"xlabel": "False positive rate", "ylabel": "True positive rate", "title": "ROC (out-of-fold)"}
    return _against_diagonal(curves, path, labels, "lower right")


def pr_curves(y: np.ndarray, oof: dict[str, np.ndarray], threshold: float, chosen: str, path: Path) -> Path:
    """Out-of-fold precision-recall per variant, with the chosen operating point marked."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, proba in oof.items():
        precision, recall, _ = precision_recall_curve(y, proba)
        ax.plot(recall, precision, label=name)
    flagged = oof[chosen] >= threshold
    point_recall = (flagged & (y == 1)).sum() / max((y == 1).sum(), 1)
    point_precision = (flagged & (y == 1)).sum() / max(flagged.sum(), 1)
    ax.scatter(
        [point_recall],
        [point_precision],
        color="black",
        zorder=3,
        label=f"{chosen} @ {threshold:.3f}",
    )
    ax.axhline(y.mean(), linestyle="--", color="grey", linewidth=1)
    ax.set(xlabel="Recall", ylabel="Precision", title="Precision-recall (out-of-fold)")
    ax.legend(loc="upper right")
    return save_figure(fig, path)


def calibration_curves(y: np.ndarray, oof: dict[str, np.ndarray], path: Path) -> Path:
    """Reliability diagram: rebalanced variants over-predict churn, which the diagonal exposes."""
    curves = {}
    for name, proba in oof.items():
        observed, predicted = calibration_curve(y, proba, n_bins=10, strategy="quantile")
        curves[name] = (predicted, observed)
    labels = {"xlabel": "Mean predicted probability", "ylabel": "Observed churn rate"}
    return _against_diagonal(curves, path, {**labels, "title": "Calibration (out-of-fold)"}, "upper left", marker="o")


def shap_beeswarm(explanation: shap.Explanation, path: Path, title: str) -> Path:
    """Beeswarm summary: per customer and feature, the direction and size of the push towards churn."""
    fig = plt.figure(figsize=(8, 5.5))
    shap.plots.beeswarm(
        explanation,
        max_display=len(explanation.feature_names),
        show=False,
        plot_size=None,
    )
    plt.title(title)
    return save_figure(fig, path)


def shap_bar(explanation: shap.Explanation, path: Path, title: str) -> Path:
    """Mean |SHAP| per feature: the global importance ranking."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    shap.plots.bar(explanation, max_display=len(explanation.feature_names), ax=ax, show=False)
    ax.set_title(title)
    return save_figure(fig, path)
