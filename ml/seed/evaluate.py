"""Metrics: the seed's report for its two models, cross-validated variants, the variant rule and the nested
CV of the whole procedure (the threshold rules are ml/thresholds.py)."""

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
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold

from ml.base.resampling import check_smote_feasible
from ml.seed import config
from ml.seed.thresholds import choose_threshold, threshold_for_target_recall, threshold_metrics
from ml.seed.train import (
    FittedModel,
    build_pipeline,
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


@dataclass
class CrossValidation:
    """Per-fold metrics, out-of-fold probabilities, and each fold's model with its (train, test) rows."""

    fold_metrics: pd.DataFrame
    oof_proba: np.ndarray
    models: list[Pipeline]
    folds: list[tuple[np.ndarray, np.ndarray]]


def cv_splits(X: pd.DataFrame, y: np.ndarray, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified, shuffled folds; fixed by RANDOM_STATE, so every variant (and a rerun) sees the same ones."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.RANDOM_STATE)
    return list(splitter.split(X, y))


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
    oof = np.full(len(y), np.nan)
    rows, models, splits = [], [], cv_splits(X, y, folds)
    for fold, (train_idx, test_idx) in enumerate(splits):
        if needs_smote:
            check_smote_feasible(y[train_idx], f"training part of CV fold {fold}", config.SMOTE_K_NEIGHBORS)
        model = make_pipeline().fit(X.iloc[train_idx], y[train_idx])
        models.append(model)
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
    return CrossValidation(pd.DataFrame(rows), oof, models, splits)


def cross_validate_variant(
    X: pd.DataFrame, y: np.ndarray, variant: str, folds: int = config.CV_FOLDS
) -> CrossValidation:
    """One pipeline variant on the standard folds."""
    return cross_validate(X, y, lambda: build_pipeline(variant), folds=folds, needs_smote=variant == "smote")


def cross_validate_variants(X: pd.DataFrame, y: np.ndarray, folds: int = config.CV_FOLDS) -> dict[str, CrossValidation]:
    """Same model, same folds: no rebalancing vs class weights vs SMOTE."""
    return {variant: cross_validate_variant(X, y, variant, folds) for variant in config.VARIANTS}


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


def select_variant(cvs: dict[str, CrossValidation]) -> dict:
    """The one-standard-error rule on mean fold PR-AUC; ties and near-ties go to the simplest variant.

    The standard error is the best variant's fold std (ddof=1) / sqrt(folds). config.VARIANTS is
    ordered simplest first.
    """
    metric = config.SELECTION_METRIC
    means = {v: float(cvs[v].fold_metrics[metric].mean()) for v in config.VARIANTS}
    best = max(config.VARIANTS, key=lambda v: means[v])  # max keeps the first (simplest) of equals
    values = cvs[best].fold_metrics[metric]
    standard_error = float(values.std(ddof=1) / np.sqrt(len(values)))
    bar = means[best] - standard_error
    candidates = [v for v in config.VARIANTS if means[v] >= bar]
    chosen = candidates[0]
    if chosen == best:
        reason = f"{chosen} has the best mean {metric} ({means[best]:.4f})"
        if len(candidates) > 1:
            reason += f"; {', '.join(candidates[1:])} within one standard error, but not simpler"
    else:
        reason = (
            f"{best} has the best mean {metric} ({means[best]:.4f}), but {chosen} ({means[chosen]:.4f}) is within "
            f"one standard error ({standard_error:.4f}) of it and simpler, so {chosen} ships"
        )
    return {
        "variant": chosen,
        "metric": metric,
        "rule": config.SELECTION_RULE,
        "simplicity_order": list(config.VARIANTS),
        "means": means,
        "best": best,
        "standard_error": standard_error,
        "bar": bar,
        "candidates": candidates,
        "reason": reason,
    }


@dataclass
class Selection:
    """The whole model-selection procedure's result on one data set."""

    cvs: dict[str, CrossValidation]
    summaries: dict[str, dict]
    choice: dict
    threshold: dict

    @property
    def variant(self) -> str:
        return self.choice["variant"]

    @property
    def oof_proba(self) -> np.ndarray:
        return self.cvs[self.variant].oof_proba


def select_model(
    X: pd.DataFrame,
    y: np.ndarray,
    business: config.BusinessValues,
    folds: int = config.CV_FOLDS,
    summarise: bool = True,
) -> Selection:
    """Cross-validate every variant, pick one by the stated rule, choose its threshold on its OOF probabilities.

    summarise=False skips the per-variant report (not needed inside nested CV).
    """
    cvs = cross_validate_variants(X, y, folds)
    summaries = {variant: summarise_cv(y, cv) for variant, cv in cvs.items()} if summarise else {}
    choice = select_variant(cvs)
    threshold = choose_threshold(y, cvs[choice["variant"]].oof_proba, choice["variant"], business)
    return Selection(cvs, summaries, choice, threshold)


def _counts(y_true: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    return confusion_matrix(y_true, flagged.astype(int), labels=[0, 1]).ravel()  # tn, fp, fn, tp


def _rates(tn: int, fp: int, fn: int, tp: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "flagged_share": float((tp + fp) / (tn + fp + fn + tp)),
        "confusion_matrix": [[int(tn), int(fp)], [int(fn), int(tp)]],
    }


def nested_holdout(
    X: pd.DataFrame,
    y: np.ndarray,
    business: config.BusinessValues,
    outer: int = config.OUTER_FOLDS,
    inner: int = config.CV_FOLDS,
) -> dict:
    """Nested CV: each outer fold reruns select_model on its training part and is judged on its held-out part.

    So variant choice and threshold are both made without the customers they are measured on; the
    pooled precision/recall (confusion counts summed over outer folds) is what to expect of the rule.
    """
    check_two_classes(y)
    totals = {rule: np.zeros(4, dtype=np.int64) for rule in ("target_recall", "expected_profit")}
    rows = []
    for fold, (train_idx, test_idx) in enumerate(cv_splits(X, y, outer)):
        X_train, y_train = X.iloc[train_idx], y[train_idx]
        selection = select_model(X_train, y_train, business, inner, summarise=False)
        if selection.variant == "smote":
            check_smote_feasible(y_train, f"training part of outer fold {fold}", config.SMOTE_K_NEIGHBORS)
        model = build_pipeline(selection.variant).fit(X_train, y_train)
        proba = model.predict_proba(X.iloc[test_idx])[:, 1]
        row: dict = {"fold": fold, "variant": selection.variant, "test_rows": len(test_idx)}
        for rule, spec in selection.threshold["rules"].items():
            counts = _counts(y[test_idx], proba >= spec["threshold"])
            totals[rule] += counts
            row[rule] = {
                "threshold": spec["threshold"],
                "selection_recall": spec["recall"],
                **_rates(*counts),
            }
        rows.append(row)
    rule = config.THRESHOLD_RULE
    per_fold = pd.DataFrame([{k: r[rule][k] for k in ("precision", "recall")} for r in rows])
    return {
        "measured_on": f"held-out parts of {outer}-fold nested CV (inner {inner}-fold: variant + threshold "
        "chosen on the outer training part only); counts pooled over outer folds",
        "rule": rule,
        **_rates(*totals[rule]),
        "recall_fold_mean": float(per_fold["recall"].mean()),
        "recall_fold_std": float(per_fold["recall"].std(ddof=0)),
        "precision_fold_mean": float(per_fold["precision"].mean()),
        "precision_fold_std": float(per_fold["precision"].std(ddof=0)),
        "variants_chosen": [r["variant"] for r in rows],
        "rules": {name: _rates(*counts) for name, counts in totals.items()},
        "folds": rows,
    }
