"""The forward mode's two commands: the fast path (choose, fit, calibrate, score) and the heavy evaluation."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from ml.base.log import log
from ml.base.outputs import library_versions, prepared_output_dir, warehouse_path
from ml.base.threads import native_thread_limit
from ml.forward import config, ensemble, evaluate, fallback, metrics, protocol, score
from ml.forward.data import feature_matrix
from ml.forward.plan import Plan, load_plan, update_metrics


def model_version(name: str, fingerprint: str) -> str:
    return f"forward-{name}-{fingerprint[:12]}"


def choose(plan: Plan) -> tuple[dict, list[evaluate.BacktestStep]]:
    """The shipping rule on the backtest as-ofs before T (T itself is never used to choose), each
    candidate fitted on a sample stratified by as-of and label where the data is large."""
    before = plan.backtest[:-1]
    if not before:
        return evaluate.choose_shipped([]), []
    training = evaluate.stratified_sample(plan.snapshots.training, config.CHOICE_SAMPLE_ROWS)
    sampled = (
        f" (a stratified sample of {len(training):,} rows)" if len(training) < len(plan.snapshots.training) else ""
    )
    candidates = config.SHIPPING_CANDIDATES
    log(f"forward: comparing {len(candidates)} candidates on {len(before)} backtest as-of(s) before T{sampled}")
    steps = evaluate.run_backtest(plan.snapshots, before, candidates, log, training, uncalibrated=False)
    choice = evaluate.choose_shipped(steps)
    log(f"  shipping rule: {choice['reason']}")
    return choice, steps


def level_by_as_of(steps: list[evaluate.BacktestStep], shipped: str) -> dict:
    """Mean predicted against observed churn of the shipped model on each backtest test as-of."""
    return {
        f"{s.data.split.test_as_of:%Y-%m-%d}": evaluate.calibration_check(s.y_test, s.evaluated[shipped].test_proba)
        for s in steps
    }


def beyond_range_check(step: evaluate.BacktestStep, shipped: str) -> dict:
    """On the test as-of: the customers gone longer than every training row, predicted and observed."""
    model = step.evaluated[shipped].model
    beyond = model.beyond_range(step.data.test[0])
    y, proba = step.y_test[beyond], step.evaluated[shipped].test_proba[beyond]
    return {
        "recency_limit_days": model.recency_limit,
        "floor": model.beyond_range_floor,
        "customers": int(beyond.sum()),
        "mean_predicted": float(proba.mean()) if beyond.any() else None,
        "observed_churn_rate": float(y.mean()) if beyond.any() else None,
    }


def fit_sample(plan: Plan) -> pd.DataFrame:
    """The labelled rows the shipped model is fitted on: every one, or a stratified sample of
    config.FIT_SAMPLE_ROWS where the data is large."""
    training = plan.snapshots.training
    sample = evaluate.stratified_sample(training, config.FIT_SAMPLE_ROWS)
    if len(sample) < len(training):
        log(f"forward: the shipped model is fitted on a stratified sample of {len(sample):,} of {len(training):,} rows")
    return sample


def shipped_on_test(plan: Plan, shipped: str, fit_rows: pd.DataFrame) -> tuple[dict, evaluate.BacktestStep]:
    """T's figures for the shipped model fitted on `fit_rows`' as-ofs before T, tested on every
    customer of T (point metrics; intervals come from forward-evaluate)."""
    step = evaluate.run_backtest(
        plan.snapshots, [plan.out_of_time], (shipped,), lambda _: None, uncalibrated=False, fit_frame=fit_rows
    )[0]
    y, proba = step.y_test, step.evaluated[shipped].test_proba
    figures = {
        "model": shipped,
        "split": plan.out_of_time.as_dict(),
        **metrics.point_metrics(y, proba),
        "calibration": evaluate.calibration_check(y, proba),
        "beyond_training_recency": beyond_range_check(step, shipped),
    }
    calibration = figures["calibration"]
    log(
        f"  {shipped} on T: ROC-AUC {figures['roc_auc']:.3f} PR-AUC {figures['pr_auc']:.3f} "
        f"lift@10% {figures['top_decile_lift']:.2f} Brier {figures['brier']:.3f}; mean predicted "
        f"{calibration['mean_predicted']:.3f} vs observed {calibration['observed_churn_rate']:.3f}"
    )
    return figures, step


def score_current(plan: Plan, shipped: str, out_dir: Path, fit_rows: pd.DataFrame) -> dict:
    """Fit the shipped ensemble on every labelled as-of (`fit_rows`), score every current customer,
    explain, write."""
    snapshots = plan.snapshots
    split = protocol.scoring_split(plan.as_ofs, snapshots.span)
    columns = evaluate.all_columns(snapshots)
    rows = ensemble.rows_reader(fit_rows, columns)
    X_fit = rows(split.training_as_ofs)[0]
    log(
        f"forward: fitting {shipped} on {len(split.training_as_ofs)} as-of(s) ({len(X_fit):,} rows), {split.describe()}"
    )
    model = ensemble.fit(shipped, snapshots.features, split, rows)
    X_now = feature_matrix(snapshots.scoring, columns)
    proba = model.predict(X_now)
    by_feature = ensemble.contributions(model, X_fit, X_now)
    version = model_version(shipped, snapshots.fingerprint)
    frame = score.build_scores(snapshots.scoring, proba, shipped, version, plan.validation, datetime.now(UTC))
    contributions = score.build_contributions(snapshots.scoring, by_feature)
    written = write_back(frame, contributions, out_dir, proba)
    joblib.dump(model, out_dir / config.MODEL_FILE)
    metadata = {
        "model_name": shipped,
        "model_version": version,
        "validation": plan.validation,
        "features": list(by_feature.columns),
        "split": split.as_dict(),
        "calibration": f"{config.CALIBRATION_METHOD}, averaged over {len(split.members)} member(s)",
        "library_versions": library_versions(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / config.MODEL_METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    ranked = by_feature.abs().mean().sort_values(ascending=False, kind="stable")
    return {
        **written,
        "model_name": shipped,
        "model_version": version,
        "split": split.as_dict(),
        "fitted_on_rows": len(fit_rows),
        "features_used": list(by_feature.columns),
        "customers_beyond_training_recency": int(model.beyond_range(X_now).sum()),
        "mean_abs_shap_top10": {name: float(value) for name, value in ranked.head(10).items()},
    }


def score_fallback(plan: Plan, out_dir: Path) -> dict:
    """No labelled as-of: the seed mode's probability, no reasons, validation `none`."""
    snapshots = plan.snapshots
    proba = fallback.seed_probabilities(warehouse_path(), snapshots.scoring[config.ID_COLUMN], plan.no_labelled_as_of())
    version = model_version(config.FALLBACK_MODEL, snapshots.fingerprint)
    frame = score.build_scores(
        snapshots.scoring, proba, config.FALLBACK_MODEL, version, plan.validation, datetime.now(UTC)
    )
    no_contributions = score.build_contributions(snapshots.scoring, pd.DataFrame(index=snapshots.scoring.index))
    written = write_back(frame, no_contributions, out_dir, proba)
    return {**written, "model_name": config.FALLBACK_MODEL, "model_version": version}


def write_back(frame: pd.DataFrame, contributions: pd.DataFrame, out_dir: Path, proba: np.ndarray) -> dict:
    path = warehouse_path()
    rows, contribution_rows = score.write_scores(path, frame, contributions)
    files = score.export_scores(path, out_dir)
    log(
        f"  wrote {rows:,} rows to {config.SCORES_TABLE} (mean churn probability {proba.mean():.3f}) and "
        f"{contribution_rows:,} to {score.CONTRIBUTIONS_TABLE}; exported {', '.join(p.name for p in files)}"
    )
    return {"rows": rows, "mean_churn_probability": float(proba.mean()) if len(proba) else None}


def command_forward() -> Path:
    """The fast path: choose by the shipping rule, report T's figures, fit, calibrate, score, write back."""
    with native_thread_limit():
        return _forward()


def command_forward_evaluate() -> Path:
    """Every candidate and baseline on every backtest as-of, intervals on T, the ablation, the plots."""
    with native_thread_limit():
        return _forward_evaluate()


def _forward() -> Path:
    started = time.perf_counter()
    out_dir, plan = prepared_output_dir(), load_plan()
    if plan.validation == config.VALIDATION_NONE:
        log(f"forward: {plan.validation_section()['reason']}")
        scores = score_fallback(plan, out_dir)
        log(
            f"forward mode: {scores['rows']:,} customers given the seed mode's probability in "
            f"{time.perf_counter() - started:.1f} s (validation none: too little history for a forward model)",
            summary=True,
        )
        return update_metrics(out_dir, plan, {"scores": scores})
    choice, steps = choose(plan)
    sections: dict = {"shipping": choice}
    fit_rows = fit_sample(plan)
    if plan.out_of_time is not None:
        sections["shipped_on_test"], test_step = shipped_on_test(plan, choice["shipped"], fit_rows)
        sections["level_by_test_as_of"] = level_by_as_of([*steps, test_step], choice["shipped"])
    sections["scores"] = score_current(plan, choice["shipped"], out_dir, fit_rows)
    # The wall time is printed, not stored: metrics.json holds results, equal for equal data and code.
    log(
        f"forward mode: {sections['scores']['rows']:,} customers scored in {time.perf_counter() - started:.1f} s "
        f"(validation {plan.validation.replace('_', ' ')})",
        summary=True,
    )
    return update_metrics(out_dir, plan, sections)


def _forward_evaluate() -> Path:
    from ml.forward import plots  # matplotlib: the evaluation draws, the production run does not

    out_dir, plan = prepared_output_dir(), load_plan()
    if plan.out_of_time is None:
        log(f"forward-evaluate: nothing to evaluate out of time ({plan.validation_section()['reason']})")
        return update_metrics(out_dir, plan, {})
    names = (*config.CANDIDATES, *config.BASELINES)
    log(f"forward-evaluate: {len(names)} models on {len(plan.backtest)} rolling test as-of(s)")
    steps = evaluate.run_backtest(plan.snapshots, plan.backtest, names, log)
    choice = evaluate.choose_shipped(steps[:-1])
    shipped = choice["shipped"]
    log(f"  shipping rule: {choice['reason']}")
    every_candidate = evaluate.choose_shipped(steps[:-1], config.CANDIDATES)
    log(f"  the same rule among every candidate, rebalanced ones included: {every_candidate['reason']}")
    test_step = steps[-1]
    y = test_step.y_test
    log(f"bootstrap 95 % intervals on T ({config.BOOTSTRAP_RESAMPLES} resamples of {len(y):,} customers)")
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
        "by_test_as_of": level_by_as_of(steps, shipped),
        "beyond_training_recency": beyond_range_check(test_step, shipped),
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
            "all_candidates_shipping": every_candidate,
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
