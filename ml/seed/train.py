"""Fit the seed's two models (faithfully) and the leak-free imblearn pipeline (properly)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ml.base.errors import SingleClassLabelError
from ml.base.impute import MedianImputer
from ml.base.resampling import check_smote_feasible
from ml.seed import config


def check_two_classes(y: np.ndarray) -> None:
    """A classifier needs churned and active customers both."""
    classes = np.unique(y)
    if classes.size < 2:
        only = "churned" if classes.size and classes[0] == 1 else "active"
        raise SingleClassLabelError(
            f"label {config.LABEL_COLUMN} has a single class (every customer is {only}): "
            "check the snapshot date and churn threshold of the mart"
        )


@dataclass
class FittedModel:
    """A fitted seed-protocol model with its test predictions and any convergence warning."""

    model: LogisticRegression
    y_pred: np.ndarray
    y_proba: np.ndarray
    convergence_warnings: list[str] = field(default_factory=list)


@dataclass
class SeedProtocolResult:
    """Both seed models, trained on one split, evaluated on the same untouched test part."""

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    baseline: FittedModel
    smote: FittedModel
    smote_train_rows: int


def _fit_logistic_recording_warnings(X: pd.DataFrame, y: np.ndarray) -> tuple[LogisticRegression, list[str]]:
    """Default LogisticRegression, as the seed; lbfgs may not converge on unscaled features.

    That warning is part of reproducing the seed, so it is kept and reported, not silenced.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model = LogisticRegression().fit(X, y)
    messages = [str(w.message).splitlines()[0] for w in caught if issubclass(w.category, ConvergenceWarning)]
    return model, messages


def fit_seed_protocol(X: pd.DataFrame, y: np.ndarray) -> SeedProtocolResult:
    """The seed: 70/30 split (random_state 42, unstratified), baseline LR, then LR after SMOTE."""
    check_two_classes(y)
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        test_size=config.SEED_TEST_SIZE,
        random_state=config.RANDOM_STATE,
        stratify=y if config.SEED_STRATIFY else None,
    )
    check_two_classes(y_train)
    check_smote_feasible(y_train, "seed-protocol training part", config.SMOTE_K_NEIGHBORS)

    baseline, baseline_warnings = _fit_logistic_recording_warnings(X_train, y_train)
    X_res, y_res = SMOTE(random_state=config.RANDOM_STATE, k_neighbors=config.SMOTE_K_NEIGHBORS).fit_resample(
        X_train, y_train
    )
    smote, smote_warnings = _fit_logistic_recording_warnings(X_res, y_res)

    def evaluated(model: LogisticRegression, caught: list[str]) -> FittedModel:
        return FittedModel(model, model.predict(X_test), model.predict_proba(X_test)[:, 1], caught)

    return SeedProtocolResult(
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        baseline=evaluated(baseline, baseline_warnings),
        smote=evaluated(smote, smote_warnings),
        smote_train_rows=len(y_res),
    )


def log1p_step() -> ColumnTransformer:
    """log1p of the heavy-tailed columns (config.LOG1P_FEATURES), the other columns passed through.

    Columns are selected by mart name, so the pipeline must be fed a DataFrame; output names stay
    the mart's names (no "log1p__" prefix) so SHAP and the scores table can name the drivers.
    The output order is LOG1P_FEATURES first, then the rest: read names with get_feature_names_out.
    """
    return ColumnTransformer(
        [
            (
                "log1p",
                FunctionTransformer(np.log1p, feature_names_out="one-to-one"),
                list(config.LOG1P_FEATURES),
            )
        ],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )


def build_pipeline(variant: str) -> Pipeline:
    """log1p → impute → scale → (SMOTE) → logistic regression, one object so resampling only sees fit data.

    log1p tames the heavy tails before scaling (otherwise a few customers get contributions of
    dozens of log-odds); it keeps NULLs NULL, and a median commutes with a monotone transform (up
    to averaging the two middle values), so imputing after it is as good as before. Scaling comes
    before SMOTE because SMOTE's neighbours are found by Euclidean distance. imblearn skips
    samplers at predict time, so test rows are never resampled.
    """
    # No current feature is NULL-able (mean_purchase_gap_days is excluded as leaky); the imputer
    # stays so a NULL-able mart column can be added without touching the pipeline.
    steps: list[tuple[str, object]] = [
        ("log", log1p_step()),
        ("impute", MedianImputer()),
        ("scale", StandardScaler()),
    ]
    class_weight = None
    if variant == "smote":
        steps.append(
            (
                "smote",
                SMOTE(
                    random_state=config.RANDOM_STATE,
                    k_neighbors=config.SMOTE_K_NEIGHBORS,
                ),
            )
        )
    elif variant == "class_weight":
        class_weight = "balanced"
    elif variant != "unweighted":
        raise ValueError(f"unknown pipeline variant {variant!r}; expected one of {config.VARIANTS}")
    steps.append(
        (
            "model",
            LogisticRegression(
                class_weight=class_weight,
                solver=config.PIPELINE_SOLVER,
                max_iter=config.PIPELINE_MAX_ITER,
                random_state=config.RANDOM_STATE,
            ),
        )
    )
    return Pipeline(steps)


def fit_final_pipeline(X: pd.DataFrame, y: np.ndarray, variant: str) -> Pipeline:
    """The chosen variant fitted on all labelled rows: the saved model, for new data and for explaining.

    It does not write the labelled customers' probabilities (it trained on them, so they would be
    sharper than the out-of-fold ones the threshold was chosen on).
    """
    check_two_classes(y)
    if variant == "smote":
        check_smote_feasible(y, "full data set", config.SMOTE_K_NEIGHBORS)
    return build_pipeline(variant).fit(X, y)
