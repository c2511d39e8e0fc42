"""Metrics: the seed's report for its two models, cross-validated variants, and the threshold rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    classification_report,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold

from ml import config
from ml.train import (
    FittedModel,
    build_pipeline,
    check_smote_feasible,
    check_two_classes,
)

CLASS_NAMES = ["active", "churned"]


def classifier_report(y_true: np.ndarray, fitted: FittedModel) -> dict:
    """What the seed printed (classification report, confusion matrix) plus the headline numbers."""
    y_pred = fitted.y_pred
    return {
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
        "f1": float(f1_score(y_true, y_pred, zero_division=0)),
        "roc_auc": float(roc_auc_score(y_true, fitted.y_proba)),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=[0, 1]).tolist(),
        "classification_report": classification_report(
            y_true,
            y_pred,
            labels=[0, 1],
            target_names=CLASS_NAMES,
            output_dict=True,
            zero_division=0,
        ),
        "convergence_warnings": fitted.convergence_warnings,
    }


def threshold_metrics(y_true: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 when customers with probability ≥ threshold are flagged."""
    y_pred = (proba >= threshold).astype(int)
    return {
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
        "f1": float(f1_score(y_true, y_pred, zero_division=0)),
        "flagged_share": float(y_pred.mean()),
    }


def threshold_for_target_recall(y_true: np.ndarray, proba: np.ndarray, target: float) -> float:
    """The highest threshold whose recall still reaches `target`: fewest contacts for that recall."""
    _, recall, thresholds = precision_recall_curve(y_true, proba)
    # recall[i] belongs to thresholds[i]; the last recall value (0) has no threshold.
    reaching = thresholds[recall[:-1] >= target]
    return float(reaching.max()) if reaching.size else float(thresholds.min())


def threshold_for_expected_profit(
    y_true: np.ndarray, proba: np.ndarray, profit_per_saved: float, contact_cost: float
) -> tuple[float, float]:
    """Threshold maximising profit_per_saved * TP - contact_cost * (TP + FP); returns (threshold, profit)."""
    order = np.argsort(-proba, kind="stable")
    sorted_proba, sorted_true = proba[order], y_true[order]
    profit = np.cumsum(sorted_true * profit_per_saved - contact_cost)
    # Only cut where the probability changes, so tied customers are flagged together.
    last_of_tie = np.r_[sorted_proba[1:] != sorted_proba[:-1], True]
    candidates = np.flatnonzero(last_of_tie)
    best = candidates[np.argmax(profit[candidates])]
    return float(sorted_proba[best]), float(profit[best])


@dataclass
class CrossValidation:
    """Per-fold metrics and out-of-fold probabilities of one pipeline variant."""

    fold_metrics: pd.DataFrame
    oof_proba: np.ndarray


def cross_validate(
    X: pd.DataFrame,
    y: np.ndarray,
    make_pipeline: Callable[[], Pipeline],
    folds: int = config.CV_FOLDS,
    needs_smote: bool = False,
) -> CrossValidation:
    """Stratified, shuffled k-fold; each fold's model is fitted on its training rows only.

    Scores come from the untouched test fold (the pipeline's sampler runs only inside `fit`).
    Fold metrics at 0.5 show what the variant does by default; ranking metrics need no threshold.
    """
    check_two_classes(y)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.RANDOM_STATE)
    oof = np.full(len(y), np.nan)
    rows = []
    for fold, (train_idx, test_idx) in enumerate(splitter.split(X, y)):
        if needs_smote:
            check_smote_feasible(y[train_idx], f"training part of CV fold {fold}")
        model = make_pipeline().fit(X.iloc[train_idx], y[train_idx])
        proba = model.predict_proba(X.iloc[test_idx])[:, 1]
        oof[test_idx] = proba
        y_test = y[test_idx]
        rows.append(
            {
                "fold": fold,
                "roc_auc": roc_auc_score(y_test, proba),
                "pr_auc": average_precision_score(y_test, proba),
                "brier": brier_score_loss(y_test, proba),
                **{k: v for k, v in threshold_metrics(y_test, proba, 0.5).items() if k != "flagged_share"},
            }
        )
    return CrossValidation(pd.DataFrame(rows), oof)


def cross_validate_variants(X: pd.DataFrame, y: np.ndarray) -> dict[str, CrossValidation]:
    """Same model, same folds: no rebalancing vs class weights vs SMOTE."""
    return {
        variant: cross_validate(X, y, lambda v=variant: build_pipeline(v), needs_smote=variant == "smote")
        for variant in config.VARIANTS
    }


def summarise_cv(y: np.ndarray, cv: CrossValidation) -> dict:
    """Mean and std over folds, plus this variant at its own target-recall threshold (fair comparison)."""
    summary: dict = {}
    for metric in ("roc_auc", "pr_auc", "precision", "recall", "f1", "brier"):
        values = cv.fold_metrics[metric]
        summary[metric] = float(values.mean())
        summary[f"{metric}_std"] = float(values.std(ddof=0))
    summary["fold_metrics_threshold"] = 0.5
    summary["folds"] = cv.fold_metrics.round(6).to_dict(orient="records")
    own_threshold = threshold_for_target_recall(y, cv.oof_proba, config.TARGET_RECALL)
    summary["at_target_recall"] = {
        "threshold": own_threshold,
        **threshold_metrics(y, cv.oof_proba, own_threshold),
    }
    summary["oof_brier"] = float(brier_score_loss(y, cv.oof_proba))
    summary["oof_mean_probability"] = float(cv.oof_proba.mean())
    return summary


def choose_threshold(y: np.ndarray, oof_proba: np.ndarray) -> dict:
    """Apply both stated rules to out-of-fold probabilities; config.THRESHOLD_RULE picks the one used."""
    recall_threshold = threshold_for_target_recall(y, oof_proba, config.TARGET_RECALL)
    profit_threshold, profit = threshold_for_expected_profit(
        y, oof_proba, config.PROFIT_PER_SAVED_CHURNER, config.CONTACT_COST
    )
    rules = {
        "target_recall": {
            "target_recall": config.TARGET_RECALL,
            "threshold": recall_threshold,
            **threshold_metrics(y, oof_proba, recall_threshold),
        },
        "expected_profit": {
            "profit_per_saved_churner": config.PROFIT_PER_SAVED_CHURNER,
            "contact_cost": config.CONTACT_COST,
            "threshold": profit_threshold,
            "expected_profit_oof": profit,
            **threshold_metrics(y, oof_proba, profit_threshold),
        },
    }
    return {
        "rule": config.THRESHOLD_RULE,
        "variant": config.FINAL_VARIANT,
        "value": rules[config.THRESHOLD_RULE]["threshold"],
        "chosen_on": "out-of-fold probabilities of the final variant",
        "rules": rules,
    }
