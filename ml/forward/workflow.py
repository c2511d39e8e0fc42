"""The forward mode's two commands: the fast path (choose, fit, calibrate, score) and the heavy evaluation."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ml import config as ml_config
from ml.forward import config, evaluate, explain, metrics, models, plots, protocol, score
from ml.forward.data import Snapshots, feature_matrix, load_snapshots
from ml.workflow import library_versions, log, prepared_output_dir


@dataclass
class Plan:
    """The snapshots and every split the protocol makes of them."""

    snapshots: Snapshots
    as_ofs: pd.DataFrame  # labelled as-ofs with their label window ends, oldest first
    backtest: list[protocol.Split]  # oldest first; the last one tests on T

    @property
    def out_of_time(self) -> protocol.Split:
        return self.backtest[-1]


def load_plan() -> Plan:
    path = ml_config.warehouse_path()
    log(f"forward: reading {config.TRAINING_TABLE} and {config.SCORING_TABLE} from {path}")
    snapshots = load_snapshots(path)
    as_ofs = protocol.labelled_as_ofs(snapshots.training)
    backtest = protocol.backtest_splits(as_ofs, snapshots.span)
    training = snapshots.training
    log(
        f"  {len(as_ofs)} labelled as-of(s), {len(training)} customer-snapshots "
        f"({training[config.LABEL_COLUMN].mean():.1%} churned in {snapshots.span.horizon_days} days), "
        f"{len(snapshots.scoring)} customers to score, {len(snapshots.features)} features; "
        f"test as-of T = {backtest[-1].test_as_of:%Y-%m-%d}, data sha256 {snapshots.fingerprint[:12]}"
    )
    return Plan(snapshots, as_ofs, backtest)


def data_section(plan: Plan) -> dict:
    training = plan.snapshots.training
    return {
        "training_table": config.TRAINING_TABLE,
        "scoring_table": config.SCORING_TABLE,
        "labelled_as_ofs": [f"{t:%Y-%m-%d %H:%M}" for t in plan.as_ofs[config.AS_OF_COLUMN]],
        "customer_snapshots": len(training),
        "churn_rate": float(training[config.LABEL_COLUMN].mean()),
        "horizon_days": plan.snapshots.span.horizon_days,
        "customers_scored": len(plan.snapshots.scoring),
        "features": list(plan.snapshots.features),
        "fingerprint_sha256": plan.snapshots.fingerprint,
    }


def update_metrics(out_dir: Path, plan: Plan, sections: dict) -> Path:
    """Merge into metrics.json under "forward", leaving the seed mode's sections as they are.

    The forward section is started afresh when it described other snapshot data.
    """
    path = out_dir / ml_config.METRICS_FILE
    whole = json.loads(path.read_text()) if path.is_file() else {}
    forward = whole.get(config.METRICS_SECTION, {})
    if forward.get("data", {}).get("fingerprint_sha256") != plan.snapshots.fingerprint:
        forward = {}
    forward.update({"data": data_section(plan), **sections})
    whole[config.METRICS_SECTION] = forward
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(whole, indent=2) + "\n")
    partial.replace(path)
    return path


def model_version(name: str, fingerprint: str) -> str:
    return f"forward-{name}-{fingerprint[:12]}"


def choose(plan: Plan) -> dict:
    """The shipping rule on the backtest as-ofs before T (T itself is never used to choose)."""
    before = plan.backtest[:-1]
    log(f"forward: comparing {len(config.CANDIDATES)} candidates on {len(before)} backtest as-of(s) before T")
    steps = evaluate.run_backtest(plan.snapshots, before, config.CANDIDATES, log)
    choice = evaluate.choose_shipped(steps)
    log(f"  shipping rule: {choice['reason']}")
    return choice


def shipped_on_test(plan: Plan, shipped: str) -> dict:
    """T's figures for the shipped model (point metrics; intervals come from forward-evaluate)."""
    data = evaluate.split_data(plan.snapshots, plan.out_of_time, evaluate.all_columns(plan.snapshots))
    result = evaluate.evaluate_models(data, (shipped,), plan.snapshots.features)[shipped]
    y = data.test[1]
    figures = {
        "model": shipped,
        "split": plan.out_of_time.as_dict(),
        **metrics.point_metrics(y, result.test_proba),
        "calibration": evaluate.calibration_check(y, result.test_proba),
    }
    calibration = figures["calibration"]
    log(
        f"  {shipped} on T: ROC-AUC {figures['roc_auc']:.3f} PR-AUC {figures['pr_auc']:.3f} "
        f"lift@10% {figures['top_decile_lift']:.2f} Brier {figures['brier']:.3f}; mean predicted "
        f"{calibration['mean_predicted']:.3f} vs observed {calibration['observed_churn_rate']:.3f}"
    )
    return figures


def score_current(plan: Plan, shipped: str, out_dir: Path) -> dict:
    """Fit the shipped model on every labelled as-of but the latest, calibrate on the latest, score now."""
    snapshots = plan.snapshots
    split = protocol.scoring_split(plan.as_ofs, snapshots.span)
    data = evaluate.split_data(snapshots, split, evaluate.all_columns(snapshots))
    log(
        f"forward: fitting {shipped} on {len(split.fit_as_ofs)} as-of(s) ({len(data.fit[1])} rows), calibrating on "
        f"{split.calibration_as_of:%Y-%m-%d} ({len(data.calibration[1])} customers)"
    )
    model = models.fit_calibrated(shipped, snapshots.features, data.fit, data.calibration)
    X_now = feature_matrix(snapshots.scoring, evaluate.all_columns(snapshots))
    proba = models.predict(model, X_now)
    pipeline = models.inner_pipeline(model)
    used = list(pipeline.feature_names_in_)
    explanation = explain.pipeline_shap(pipeline, data.fit[0][used], X_now[used])
    version = model_version(shipped, snapshots.fingerprint)
    frame = score.build_scores(snapshots.scoring, proba, shipped, version, datetime.now(UTC))
    contributions = score.build_contributions(snapshots.scoring, explain.contributions(explanation))
    path = ml_config.warehouse_path()
    rows, contribution_rows = score.write_scores(path, frame, contributions)
    files = score.export_scores(path, out_dir)
    log(
        f"  wrote {rows:,} rows to {config.SCORES_TABLE} (mean churn probability {proba.mean():.3f}) and "
        f"{contribution_rows:,} to {score.CONTRIBUTIONS_TABLE}; exported {', '.join(p.name for p in files)}"
    )
    joblib.dump(model, out_dir / config.MODEL_FILE)
    metadata = {
        "model_name": shipped,
        "model_version": version,
        "features": used,
        "split": split.as_dict(),
        "calibration": config.CALIBRATION_METHOD,
        "library_versions": library_versions(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / config.MODEL_METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    importance = np.abs(np.asarray(explanation.values)).mean(axis=0)
    ranked = sorted(zip(explanation.feature_names, importance, strict=True), key=lambda item: -item[1])
    return {
        "rows": rows,
        "model_name": shipped,
        "model_version": version,
        "split": split.as_dict(),
        "mean_churn_probability": float(proba.mean()),
        "mean_abs_shap_top10": {name: float(value) for name, value in ranked[:10]},
    }


def command_forward() -> Path:
    """The fast path: choose by the shipping rule, report T's figures, fit, calibrate, score, write back."""
    with threadpool_limits(config.NATIVE_THREADS):
        return _forward()


def command_forward_evaluate() -> Path:
    """Every candidate and baseline on every backtest as-of, intervals on T, the ablation, the plots."""
    with threadpool_limits(config.NATIVE_THREADS):
        return _forward_evaluate()


def _forward() -> Path:
    started = time.perf_counter()
    out_dir, plan = prepared_output_dir(), load_plan()
    choice = choose(plan)
    test_figures = shipped_on_test(plan, choice["shipped"])
    scores = score_current(plan, choice["shipped"], out_dir)
    # The wall time is printed, not stored: metrics.json holds results, equal for equal data and code.
    log(f"forward: done in {time.perf_counter() - started:.1f} s")
    return update_metrics(
        out_dir,
        plan,
        {"shipping": choice, "shipped_on_test": test_figures, "scores": scores},
    )


def _forward_evaluate() -> Path:
    out_dir, plan = prepared_output_dir(), load_plan()
    names = (*config.CANDIDATES, *config.BASELINES)
    log(f"forward-evaluate: {len(names)} models on {len(plan.backtest)} rolling test as-of(s)")
    steps = evaluate.run_backtest(plan.snapshots, plan.backtest, names, log)
    choice = evaluate.choose_shipped(steps[:-1])
    shipped = choice["shipped"]
    log(f"  shipping rule: {choice['reason']}")
    test_step = steps[-1]
    y = test_step.y_test
    log(f"bootstrap 95 % intervals on T ({config.BOOTSTRAP_RESAMPLES} resamples of {len(y)} customers)")
    out_of_time = {}
    for name in names:
        figures = metrics.with_intervals(y, test_step.evaluated[name].test_proba)
        out_of_time[name] = figures
        log(
            f"  {name:<22} ROC-AUC {figures['roc_auc']:.3f} "
            f"[{figures['roc_auc_ci'][0]:.3f}, {figures['roc_auc_ci'][1]:.3f}]"
            f"  PR-AUC {figures['pr_auc']:.3f}  lift {figures['top_decile_lift']:.2f}  Brier {figures['brier']:.3f}"
        )
    shipped_eval = test_step.evaluated[shipped]
    calibration = {
        "model": shipped,
        "calibrated": evaluate.calibration_check(y, shipped_eval.test_proba),
        "uncalibrated": evaluate.calibration_check(y, shipped_eval.test_uncalibrated),
    }
    table = evaluate.backtest_table(steps)
    log("feature-group ablation of the shipped model on T")
    ablation = evaluate.ablation(test_step.data, shipped, plan.snapshots.features, log)
    title = f"test as-of {plan.out_of_time.test_as_of:%Y-%m-%d}"
    plots.reliability(
        y,
        {f"{shipped} calibrated": shipped_eval.test_proba, f"{shipped} uncalibrated": shipped_eval.test_uncalibrated},
        f"Reliability on T ({title})",
        out_dir / "forward_reliability.png",
    )
    plots.ranking_curves(
        y, {n: e.test_proba for n, e in test_step.evaluated.items()}, title, out_dir / "forward_roc_pr_lift.png"
    )
    plots.backtest(table["test_as_ofs"], "roc_auc", out_dir / "forward_backtest.png")
    plots.ablation(ablation["rows"], out_dir / "forward_ablation.png")
    return update_metrics(
        out_dir,
        plan,
        {
            "out_of_time": {"split": plan.out_of_time.as_dict(), **out_of_time},
            "evaluated_shipping": choice,
            "calibration_on_test": calibration,
            "backtest": table,
            "ablation": ablation,
            "bootstrap": {
                "resamples": config.BOOTSTRAP_RESAMPLES,
                "confidence": config.CONFIDENCE,
                "seed": config.RANDOM_STATE,
            },
        },
    )
