"""Candidate pipelines and baselines, each fitted on the fit as-ofs and Platt-calibrated on a later one."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ml.base.errors import SingleClassLabelError
from ml.base.impute import MedianImputer
from ml.base.resampling import check_smote_feasible
from ml.base.threads import native_thread_limit
from ml.forward import config
from ml.forward.collinear import CollinearFeatureDropper


def check_two_classes(y: np.ndarray, part: str) -> None:
    """Fitting and Platt scaling both need churners and non-churners."""
    if np.unique(y).size < 2:
        only = "churned" if y.size and y[0] == 1 else "bought again"
        raise SingleClassLabelError(
            f"{config.LABEL_COLUMN} has a single class in the {part} (every customer {only}): "
            "check the snapshot cadence and churn_horizon_days"
        )


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """sign(x) * log1p(|x|): log-like for large amounts, finite and ordered for negative ones."""
    return np.sign(values) * np.log1p(np.abs(values))


def linear_log_step(features: tuple[str, ...]) -> ColumnTransformer:
    """Signed log1p of the heavy-tailed features, the rest passed through; output keeps mart names."""
    logged = [f for f in features if config.is_linear_logged(f)]
    return ColumnTransformer(
        [("log", FunctionTransformer(signed_log1p, feature_names_out="one-to-one"), logged)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )


def _smote() -> SMOTE:
    return SMOTE(random_state=config.RANDOM_STATE, k_neighbors=config.SMOTE_K_NEIGHBORS)


def family_and_rebalancing(name: str) -> tuple[str, str]:
    family, _, rebalancing = name.partition("_")
    if family not in config.FAMILIES or rebalancing not in config.REBALANCING:
        raise ValueError(f"unknown candidate {name!r}; expected one of {config.CANDIDATES}")
    return family, rebalancing


def build_candidate(name: str, features: tuple[str, ...]) -> Pipeline:
    """`logreg_*`: signed log1p -> drop near-duplicates -> impute -> scale -> (SMOTE) -> L2 logistic
    regression. `hgb_*`: drop near-duplicates -> (impute -> SMOTE) -> histogram gradient boosting,
    which handles NULLs itself; SMOTE needs complete rows, so only that variant imputes. Samplers
    run at fit time only. The log step comes first because it names its output columns; Spearman's
    rho, which the dropper reads, does not change under it.
    """
    family, rebalancing = family_and_rebalancing(name)
    class_weight = "balanced" if rebalancing == "class_weight" else None
    steps: list[tuple[str, object]] = []
    if family == "logreg":
        steps += [
            ("log", linear_log_step(features)),
            ("collinear", CollinearFeatureDropper()),
            ("impute", MedianImputer()),
            ("scale", StandardScaler()),
        ]
    else:
        steps.append(("collinear", CollinearFeatureDropper()))
    if family == "hgb" and rebalancing == "smote":
        steps.append(("impute", MedianImputer()))
    if rebalancing == "smote":
        steps.append(("smote", _smote()))
    if family == "logreg":
        model = LogisticRegression(
            C=config.LOGREG_C,
            class_weight=class_weight,
            solver=config.LOGREG_SOLVER,
            max_iter=config.LOGREG_MAX_ITER,
        )
    else:
        model = HistGradientBoostingClassifier(
            **config.HGB_PARAMS, class_weight=class_weight, random_state=config.RANDOM_STATE
        )
    steps.append(("model", model))
    return Pipeline(steps)


def baseline_features(name: str) -> tuple[str, ...]:
    if name == "recency_only":
        return (config.RECENCY_FEATURE,)
    if name == "seed_features_logreg":
        return config.SEED_FEATURES
    raise ValueError(f"unknown baseline {name!r}; expected one of {config.BASELINES}")


def build_baseline(name: str) -> Pipeline:
    """recency_only: a one-feature logistic regression on recency_days, monotone in it, so its ranking
    is recency's rank (ROC/PR/lift are those of the rank) and calibration makes it a probability.
    seed_features_logreg: the seed's five features through the linear candidate's pipeline.
    """
    features = baseline_features(name)
    if name == "recency_only":
        return Pipeline(
            [
                ("impute", MedianImputer()),
                ("model", LogisticRegression(C=1e6, max_iter=config.LOGREG_MAX_ITER)),
            ]
        )
    return build_candidate("logreg_none", features)


def model_features(name: str, features: tuple[str, ...]) -> tuple[str, ...]:
    """The columns a named model (candidate or baseline) reads."""
    return baseline_features(name) if name in config.BASELINES else features


def build(name: str, features: tuple[str, ...]) -> Pipeline:
    return build_baseline(name) if name in config.BASELINES else build_candidate(name, features)


def fit_calibrated(
    name: str,
    features: tuple[str, ...],
    fit: tuple[pd.DataFrame, np.ndarray],
    calibration: tuple[pd.DataFrame, np.ndarray],
) -> CalibratedClassifierCV:
    """Fit on the fit as-ofs, then Platt-scale the frozen model on the (later) calibration as-of."""
    X_fit, y_fit = fit
    X_cal, y_cal = calibration
    check_two_classes(y_fit, "fit as-ofs")
    check_two_classes(y_cal, "calibration as-of")
    if name.endswith("_smote"):
        check_smote_feasible(y_fit, "fit as-ofs", config.SMOTE_K_NEIGHBORS)
    used = list(model_features(name, features))
    with native_thread_limit():  # whoever calls: see ml.base.threads
        fitted = build(name, features).fit(X_fit[used], y_fit)
        calibrated = CalibratedClassifierCV(FrozenEstimator(fitted), method=config.CALIBRATION_METHOD)
        return calibrated.fit(X_cal[used], y_cal)


def fit_cross_validated(
    name: str, features: tuple[str, ...], data: tuple[pd.DataFrame, np.ndarray]
) -> CalibratedClassifierCV:
    """A single labelled as-of: fit on k-1 folds, Platt-scale on the k-th, and average the k fold
    models (sklearn's ensemble calibration). Nothing later exists to calibrate on."""
    X, y = data
    check_two_classes(y, "only labelled as-of")
    if name.endswith("_smote"):
        check_smote_feasible(y, "only labelled as-of", config.SMOTE_K_NEIGHBORS)
    used = list(model_features(name, features))
    folds = StratifiedKFold(config.SINGLE_AS_OF_FOLDS, shuffle=True, random_state=config.RANDOM_STATE)
    with native_thread_limit():
        calibrated = CalibratedClassifierCV(build(name, features), method=config.CALIBRATION_METHOD, cv=folds)
        return calibrated.fit(X[used], y)


def inner_pipelines(calibrated: CalibratedClassifierCV) -> list[Pipeline]:
    """The fitted pipelines inside a calibrated model (one, or one per fold when cross-validated)."""
    inner = [c.estimator for c in calibrated.calibrated_classifiers_]
    return [e.estimator if isinstance(e, FrozenEstimator) else e for e in inner]


def used_columns(calibrated: CalibratedClassifierCV) -> list[str]:
    return list(inner_pipelines(calibrated)[0].feature_names_in_)


def predict(calibrated: CalibratedClassifierCV, X: pd.DataFrame, calibrated_output: bool = True) -> np.ndarray:
    used = used_columns(calibrated)
    if calibrated_output:
        return calibrated.predict_proba(X[used])[:, 1]
    return np.mean([p.predict_proba(X[used])[:, 1] for p in inner_pipelines(calibrated)], axis=0)
