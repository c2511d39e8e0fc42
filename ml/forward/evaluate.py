"""Out-of-time evaluation: fit/calibrate/test per split, the backtest, the shipping rule, the ablation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.forward import config, ensemble, metrics, protocol
from ml.forward.data import Snapshots

Progress = Callable[[str], None]


@dataclass
class SplitData:
    """The rows of one split: a reader for its training as-ofs, and the test as-of's rows."""

    split: protocol.Split
    rows: ensemble.Rows
    test: tuple[pd.DataFrame, np.ndarray] | None

    def training_rows(self) -> int:
        return len(self.rows(self.split.training_as_ofs)[1])


def stratified_sample(training: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most about `limit` rows, the same share of every (as-of, label) cell (fixed seed)."""
    if len(training) <= limit:
        return training
    cells = training.groupby([config.AS_OF_COLUMN, config.LABEL_COLUMN], group_keys=False, observed=True)
    return cells.sample(frac=limit / len(training), random_state=config.RANDOM_STATE).sort_index()


def split_data(
    snapshots: Snapshots,
    split: protocol.Split,
    columns: tuple[str, ...],
    frame: pd.DataFrame | None = None,
    fit_frame: pd.DataFrame | None = None,
) -> SplitData:
    """`frame`: the labelled rows to fit and test on (default: all of them; choose() passes a sample);
    `fit_frame`: other rows to fit on (a sample where the data is large), the test rows still `frame`'s."""
    test_rows = ensemble.rows_reader(snapshots.training if frame is None else frame, columns)
    rows = test_rows if fit_frame is None else ensemble.rows_reader(fit_frame, columns)
    return SplitData(split, rows, test_rows((split.test_as_of,)) if split.test_as_of is not None else None)


def all_columns(snapshots: Snapshots) -> tuple[str, ...]:
    """Every column a candidate or baseline reads (features plus the baselines' own columns)."""
    return tuple(dict.fromkeys((*snapshots.features, *config.SEED_FEATURES, config.RECENCY_FEATURE)))


@dataclass
class Evaluated:
    """One model on one split: the fitted ensemble and its test scores (calibrated and raw)."""

    model: ensemble.Ensemble
    test_proba: np.ndarray
    test_uncalibrated: np.ndarray


def evaluate_models(
    data: SplitData, names: tuple[str, ...], features: tuple[str, ...], uncalibrated: bool = True
) -> dict[str, Evaluated]:
    """Fit, calibrate and score each named model on one split (the uncalibrated scores only when
    asked for: the reliability plot needs them, the shipping rule does not)."""
    X_test, _ = data.test
    result = {}
    for name in names:
        model = ensemble.fit(name, features, data.split, data.rows)
        raw = model.predict(X_test, calibrated=False) if uncalibrated else np.full(len(X_test), np.nan)
        result[name] = Evaluated(model, model.predict(X_test), raw)
    return result


@dataclass
class BacktestStep:
    """One test as-of of the rolling backtest: its split and every model's point metrics."""

    data: SplitData
    evaluated: dict[str, Evaluated]

    @property
    def y_test(self) -> np.ndarray:
        return self.data.test[1]

    def metrics(self) -> dict[str, dict[str, float]]:
        return {name: metrics.point_metrics(self.y_test, e.test_proba) for name, e in self.evaluated.items()}


def run_backtest(
    snapshots: Snapshots,
    splits: list[protocol.Split],
    names: tuple[str, ...],
    progress: Progress,
    frame: pd.DataFrame | None = None,
    uncalibrated: bool = True,
    fit_frame: pd.DataFrame | None = None,
) -> list[BacktestStep]:
    steps = []
    columns = all_columns(snapshots)
    for split in splits:
        data = split_data(snapshots, split, columns, frame, fit_frame)
        progress(
            f"  test as-of {split.test_as_of:%Y-%m-%d}: {split.describe()} ({data.training_rows():,} rows), "
            f"test {len(data.test[1]):,} customers"
        )
        steps.append(BacktestStep(data, evaluate_models(data, names, snapshots.features, uncalibrated)))
    return steps


def choose_shipped(
    steps_before_test: list[BacktestStep], candidates: tuple[str, ...] = config.SHIPPING_CANDIDATES
) -> dict:
    """The shipping rule (config.SHIPPING_*) among `candidates` (simplest first) on the backtest
    as-ofs before T."""
    metric = config.SHIPPING_METRIC
    if not steps_before_test:
        return {
            "shipped": config.DEFAULT_SHIPPED,
            "rule": "default: no backtest as-of before T to choose on",
            "reason": f"too little history for a choice, so the simplest candidate ({config.DEFAULT_SHIPPED}) ships",
        }
    per_as_of = [step.metrics() for step in steps_before_test]
    means = {c: float(np.mean([m[c][metric] for m in per_as_of])) for c in candidates}
    best = max(candidates, key=lambda c: means[c])  # max keeps the first (simplest) of equals
    errors = [
        metrics.auc_standard_error(step.y_test, m[best][metric])
        for step, m in zip(steps_before_test, per_as_of, strict=True)
    ]
    standard_error = float(np.sqrt(np.sum(np.square(errors))) / len(errors))
    bar = means[best] - standard_error
    shipped = next(c for c in candidates if means[c] >= bar)
    if shipped == best:
        reason = (
            f"{best} has the best mean {metric} ({means[best]:.4f}) and nothing simpler is within one standard error"
        )
    else:
        reason = (
            f"{best} has the best mean {metric} ({means[best]:.4f}), but {shipped} ({means[shipped]:.4f}) is "
            f"within one standard error ({standard_error:.4f}) of it and simpler, so {shipped} ships"
        )
    return {
        "shipped": shipped,
        "rule": config.SHIPPING_RULE,
        "metric": metric,
        "chosen_on_test_as_ofs": [f"{s.data.split.test_as_of:%Y-%m-%d}" for s in steps_before_test],
        "simplicity_order": list(candidates),
        "means": means,
        "best": best,
        "standard_error": standard_error,
        "bar": bar,
        "reason": reason,
    }


def backtest_table(steps: list[BacktestStep]) -> dict:
    """Per test as-of, every model's point metrics; plus the mean over the as-ofs."""
    table = {
        f"{s.data.split.test_as_of:%Y-%m-%d}": {"split": s.data.split.as_dict(), "models": s.metrics()} for s in steps
    }
    names = steps[0].evaluated.keys()
    mean = {name: {m: float(np.mean([s.metrics()[name][m] for s in steps])) for m in metrics.METRICS} for name in names}
    return {"test_as_ofs": table, "mean": mean}


def calibration_check(y: np.ndarray, proba: np.ndarray) -> dict:
    """Mean predicted probability against the observed churn rate, and the Brier score."""
    return {
        "mean_predicted": float(proba.mean()),
        "observed_churn_rate": float(y.mean()),
        "difference": float(proba.mean() - y.mean()),
        "brier": float(np.mean((proba - y) ** 2)),
    }


def ablation(data: SplitData, shipped: str, all_features: tuple[str, ...], progress: Progress) -> dict:
    """The shipped model with each feature group dropped, and with each group alone, on one split."""
    X_test, y_test = data.test
    rows: dict[str, dict] = {}

    def score(label: str, features: tuple[str, ...]) -> None:
        model = ensemble.fit(shipped, features, data.split, data.rows)
        point = metrics.point_metrics(y_test, model.predict(X_test))
        rows[label] = {"features": len(features), **{k: point[k] for k in ("roc_auc", "pr_auc", "top_decile_lift")}}

    score("all groups", all_features)
    groups = [g for g in config.MODEL_GROUPS if config.feature_columns(list(all_features), (g,))]
    for group in groups:
        kept = tuple(f for f in all_features if config.group_of(f) != group)
        alone = tuple(f for f in all_features if config.group_of(f) == group)
        score(f"without {group}", kept)
        score(f"{group} alone", alone)
    full = rows["all groups"]["roc_auc"]
    progress(f"  ablation ({shipped}, test as-of {data.split.test_as_of:%Y-%m-%d}): all groups ROC-AUC {full:.3f}")
    for group in groups:
        drop, alone = rows[f"without {group}"]["roc_auc"], rows[f"{group} alone"]["roc_auc"]
        progress(f"    {group:<10} adds {full - drop:+.4f} (without: {drop:.3f}); alone {alone:.3f}")
    return {
        "model": shipped,
        "test_as_of": f"{data.split.test_as_of:%Y-%m-%d}",
        "groups": {g: list(config.feature_columns(list(all_features), (g,))) for g in groups},
        "rows": rows,
        "adds_roc_auc": {g: full - rows[f"without {g}"]["roc_auc"] for g in groups},
    }
