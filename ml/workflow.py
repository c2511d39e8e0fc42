"""The steps of the ml run, wired together; file and warehouse I/O happens here and in score.py."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline

from ml import config, data, evaluate, explain, plots, score, train
from ml.errors import ModelNotTrainedError
from ml.explain import shap

# Set by `python -m pipeline build` (not with --verbose): detail lines go to this file, in the
# release's ml folder, and only each mode's summary line reaches the terminal. Unset (a direct
# `python -m ml ...`), every line is printed.
DETAIL_LOG_ENV = "LIFECYCLE_ML_DETAIL_LOG"


def log(message: str, summary: bool = False) -> None:
    """One short progress line per step, flushed so it shows live; `summary` marks a mode's one
    line for `make run` (the others go to the detail log when the build names one)."""
    line = f"[ml] {message}"
    detail_log = os.environ.get(DETAIL_LOG_ENV)
    if detail_log:
        with open(detail_log, "a", encoding="utf-8") as sink:
            sink.write(line + "\n")
    if summary or not detail_log:
        print(line, flush=True)


@dataclass
class Inputs:
    """The mart as read, with the two feature matrices and the label derived from it once."""

    frame: pd.DataFrame
    X_seed: pd.DataFrame
    X_pipeline: pd.DataFrame
    y: np.ndarray
    fingerprint: str


def load_inputs() -> Inputs:
    path = config.warehouse_path()
    log(f"reading {config.FEATURES_TABLE} from {path}")
    frame = data.load_churn_features(path)
    y = data.label_vector(frame)
    train.check_two_classes(y)
    data.check_log1p_domain(frame)
    inputs = Inputs(
        frame=frame,
        X_seed=data.feature_matrix(frame, config.SEED_FEATURES),
        X_pipeline=data.feature_matrix(frame, config.PIPELINE_FEATURES),
        y=y,
        fingerprint=data.data_fingerprint(frame),
    )
    log(f"{len(frame)} customers, {int(y.sum())} churned ({y.mean():.1%}), data sha256 {inputs.fingerprint[:12]}")
    return inputs


def library_versions() -> dict[str, str]:
    packages = (
        "scikit-learn",
        "imbalanced-learn",
        "shap",
        "numpy",
        "pandas",
        "duckdb",
        "joblib",
    )
    return {
        "python": platform.python_version(),
        **{name: version(name) for name in packages},
    }


def data_section(inputs: Inputs) -> dict:
    """What the model saw: customers, churners, churn share and the label's cut-off, from the mart."""
    return {
        "warehouse_table": config.FEATURES_TABLE,
        "customers": len(inputs.y),
        "churned": int(inputs.y.sum()),
        "churn_share": float(inputs.y.mean()),
        "churn_threshold_days": data.churn_threshold_days(inputs.frame),
        "fingerprint_sha256": inputs.fingerprint,
    }


def update_metrics(out_dir: Path, inputs: Inputs, sections: dict) -> Path:
    """Merge sections into metrics.json so each subcommand refreshes only what it computed.

    Only sections about the same data are merged: if metrics.json describes another mart (another
    data fingerprint), it is started afresh rather than mixing two runs' numbers.
    """
    path = out_dir / config.METRICS_FILE
    metrics = json.loads(path.read_text()) if path.is_file() else {}
    previous = metrics.get("data", {}).get("fingerprint_sha256")
    if previous != inputs.fingerprint:
        if metrics:
            log(
                f"note: {path.name} described other data (sha256 {str(previous)[:12]}); "
                "starting it afresh instead of merging"
            )
        metrics = {}
    metrics.update({"data": data_section(inputs), **sections})
    path.write_text(json.dumps(metrics, indent=2, sort_keys=False) + "\n")
    return path


def model_version(variant: str, fingerprint: str) -> str:
    """Names the model by variant and data, so equal data and code give an equal version."""
    return f"logreg-{variant}-{fingerprint[:12]}"


# --- seed protocol -------------------------------------------------------------------------------


def seed_protocol(inputs: Inputs) -> tuple[dict, train.SeedProtocolResult]:
    """The seed's split and two models, and their reports; computes only (plots: seed_plots)."""
    log("seed protocol: 70/30 split, default LogisticRegression on 5 unscaled features")
    result = train.fit_seed_protocol(inputs.X_seed, inputs.y)
    section = {
        "features": list(config.SEED_FEATURES),
        "test_size": config.SEED_TEST_SIZE,
        "stratify": config.SEED_STRATIFY,
        "random_state": config.RANDOM_STATE,
        "train_rows": len(result.y_train),
        "test_rows": len(result.y_test),
        "smote_train_rows": result.smote_train_rows,
        "baseline": evaluate.classifier_report(result.y_test, result.baseline),
        "smote": evaluate.classifier_report(result.y_test, result.smote),
    }
    for name in ("baseline", "smote"):
        report = section[name]
        log(f"  {name}: precision {report['precision']:.3f} recall {report['recall']:.3f} f1 {report['f1']:.3f}")
        for message in report["convergence_warnings"]:
            log(f"  {name}: ConvergenceWarning kept as in the seed (unscaled features): {message}")
    return section, result


def seed_plots(section: dict, out_dir: Path) -> None:
    plots.confusion_matrices(
        {
            "Seed baseline (no resampling)": section["baseline"]["confusion_matrix"],
            "Seed + SMOTE": section["smote"]["confusion_matrix"],
        },
        out_dir / "confusion_matrix.png",
    )


def seed_shap_section(result: train.SeedProtocolResult, out_dir: Path) -> dict:
    """SHAP for the seed's SMOTE model on its raw features, to check the seed's driver claim."""
    log("SHAP for the seed SMOTE model (unscaled features, background from its training part)")
    background = explain.background_sample(result.X_train)
    explanation = explain.linear_shap(result.smote.model, background, result.X_test)
    plots.shap_beeswarm(
        explanation,
        out_dir / "seed_shap_summary_plot.png",
        "Seed protocol + SMOTE: SHAP (test part)",
    )
    importance = explain.mean_abs_importance(explanation)
    log(f"  seed model drivers by mean |SHAP|: {', '.join(importance)}")
    return {"explained_rows": "seed test part", "mean_abs_shap": importance}


# --- pipeline -----------------------------------------------------------------------------------


@dataclass
class ModelSelection:
    """What evaluate/train/run report about the pipeline: per-variant CV, the choice, the threshold."""

    selection: evaluate.Selection
    holdout: dict

    @property
    def threshold(self) -> dict:
        return {**self.selection.threshold, "holdout": self.holdout}

    def sections(self, business: config.BusinessValues) -> dict:
        return {
            "cross_validation": cv_settings(),
            "pipeline": self.selection.summaries,
            "model_selection": self.selection.choice,
            "threshold": self.threshold,
            "business_values": business.as_dict(),
        }


def model_selection(inputs: Inputs, business: config.BusinessValues) -> ModelSelection:
    log(f"cross-validating {', '.join(config.VARIANTS)} ({config.CV_FOLDS} stratified folds)")
    selection = evaluate.select_model(inputs.X_pipeline, inputs.y, business)
    for variant, summary in selection.summaries.items():
        log(
            f"  {variant}: roc_auc {summary['roc_auc']:.3f}±{summary['roc_auc_std']:.3f} "
            f"pr_auc {summary['pr_auc']:.3f}±{summary['pr_auc_std']:.3f} recall@0.5 {summary['recall']:.3f} "
            f"precision@0.5 {summary['precision']:.3f} brier {summary['brier']:.3f}"
        )
    log(f"variant ({config.SELECTION_RULE} on {config.SELECTION_METRIC}): {selection.choice['reason']}")
    threshold = selection.threshold
    chosen = threshold["selection"]
    log(
        f"threshold ({threshold['rule']}): {threshold['value']:.4f} -> on the out-of-fold predictions it was "
        f"chosen on: precision {chosen['precision']:.3f} recall {chosen['recall']:.3f}"
    )
    log(f"nested CV ({config.OUTER_FOLDS} outer x {config.CV_FOLDS} inner folds): the rule on held-out customers")
    holdout = evaluate.nested_holdout(inputs.X_pipeline, inputs.y, business)
    log(
        f"  held out: precision {holdout['precision']:.3f} recall {holdout['recall']:.3f} "
        f"(fold recall {holdout['recall_fold_mean']:.3f}±{holdout['recall_fold_std']:.3f}; "
        f"variants chosen {', '.join(holdout['variants_chosen'])})"
    )
    return ModelSelection(selection, holdout)


def cv_settings() -> dict:
    return {
        "folds": config.CV_FOLDS,
        "shuffle": True,
        "random_state": config.RANDOM_STATE,
        "outer_folds": config.OUTER_FOLDS,
        "features": list(config.PIPELINE_FEATURES),
        "log1p_features": list(config.LOG1P_FEATURES),
        "solver": config.PIPELINE_SOLVER,
        "excluded_as_leaky": config.LEAKY_COLUMNS,
        "calibration_note": "SMOTE and class weights train on a 50/50 class mix, so their probabilities "
        "overstate churn (see brier and calibration_curve.png); use them to rank, or recalibrate "
        "before reading them as rates.",
    }


def pipeline_plots(inputs: Inputs, chosen: ModelSelection, out_dir: Path) -> None:
    oof = {variant: cv.oof_proba for variant, cv in chosen.selection.cvs.items()}
    plots.roc_curves(inputs.y, oof, out_dir / "roc_curve.png")
    plots.pr_curves(inputs.y, oof, chosen.threshold["value"], chosen.selection.variant, out_dir / "pr_curve.png")
    plots.calibration_curves(inputs.y, oof, out_dir / "calibration_curve.png")


def train_final(inputs: Inputs, chosen: ModelSelection, business: config.BusinessValues, out_dir: Path) -> Pipeline:
    """Fit the chosen variant on all customers and save it, with the threshold, for new data and explaining."""
    variant = chosen.selection.variant
    log(f"fitting final pipeline ({variant}) on all {len(inputs.y)} customers")
    pipeline = train.fit_final_pipeline(inputs.X_pipeline, inputs.y, variant)
    joblib.dump(pipeline, out_dir / config.MODEL_FILE)
    metadata = {
        "model_version": model_version(variant, inputs.fingerprint),
        "variant": variant,
        "features": list(config.PIPELINE_FEATURES),
        "log1p_features": list(config.LOG1P_FEATURES),
        "label": config.LABEL_COLUMN,
        "threshold": chosen.threshold["value"],
        "threshold_rule": chosen.threshold["rule"],
        "threshold_chosen_on": chosen.threshold["chosen_on"],
        "business_values": business.as_dict(),
        "scores_note": "ml.churn_scores holds out-of-fold probabilities for the customers this model was "
        "trained on (score_kind out_of_fold); this model scores other data (score_kind final_model)",
        "data": data_section(inputs),
        "library_versions": library_versions(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / config.MODEL_METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    log(f"saved {config.MODEL_FILE} and {config.MODEL_METADATA_FILE} ({metadata['model_version']})")
    return pipeline


def load_model(out_dir: Path) -> tuple[Pipeline, dict]:
    model_path, meta_path = (
        out_dir / config.MODEL_FILE,
        out_dir / config.MODEL_METADATA_FILE,
    )
    if not (model_path.is_file() and meta_path.is_file()):
        raise ModelNotTrainedError(f"no trained model in {out_dir}: run `python -m ml train` first")
    return joblib.load(model_path), json.loads(meta_path.read_text())


def final_model_shap(inputs: Inputs, pipeline: Pipeline) -> tuple[dict, shap.Explanation]:
    """Global SHAP of the saved model over every customer (what drives the model as a whole)."""
    log(f"SHAP for the final pipeline ({len(inputs.y)} customers, background {config.SHAP_BACKGROUND_SIZE})")
    explanation = explain.pipeline_shap(pipeline, inputs.X_pipeline, inputs.X_pipeline)
    importance = explain.mean_abs_importance(explanation)
    log(f"  pipeline drivers by mean |SHAP|: {', '.join(list(importance)[:5])}, ...")
    return {"explained_rows": "all customers", "mean_abs_shap": importance}, explanation


def final_model_plots(explanation: shap.Explanation, out_dir: Path) -> None:
    plots.shap_beeswarm(
        explanation,
        out_dir / "shap_summary_plot.png",
        "Churn pipeline: SHAP (log1p + standardised features, log-odds)",
    )
    plots.shap_bar(explanation, out_dir / "shap_importance_bar.png", "Churn pipeline: mean |SHAP|")


@dataclass
class Scores:
    """Per-customer probabilities with their drivers, and which model produced them."""

    proba: np.ndarray
    drivers: pd.DataFrame
    kind: str


def out_of_fold_scores(inputs: Inputs, cv: evaluate.CrossValidation) -> Scores:
    """Each customer's probability from the fold model that did not train on them, with that model's drivers."""
    drivers = explain.out_of_fold_drivers(cv.models, cv.folds, inputs.X_pipeline)
    return Scores(cv.oof_proba, drivers, config.SCORE_KIND_OUT_OF_FOLD)


def write_back(inputs: Inputs, scores: Scores, threshold: float, version: str, out_dir: Path) -> dict:
    """Replace ml.churn_scores, export it as CSV and Parquet, and measure what its flag delivers."""
    frame = score.build_scores(
        inputs.frame[config.ID_COLUMN],
        scores.proba,
        threshold,
        scores.drivers,
        version,
        datetime.now(UTC),
        scores.kind,
    )
    path = config.warehouse_path()
    rows = score.write_scores(path, frame)
    flagged = int(frame["predicted_churn"].sum())
    log(f"wrote {rows} rows to {config.SCORES_TABLE} ({scores.kind} probabilities, {flagged} flagged)")
    files = score.export_scores(path, out_dir)
    log(f"exported {config.SCORES_TABLE} to {', '.join(p.name for p in files)}")
    realised = score.realised_flag_metrics(path)
    log(f"predicted_churn against the label: precision {realised['precision']:.3f} recall {realised['recall']:.3f}")
    return {
        "rows": rows,
        "score_kind": scores.kind,
        "threshold": threshold,
        "model_version": version,
        "realised": realised,
    }


# --- commands -------------------------------------------------------------------------------------


def prepared_output_dir() -> Path:
    out_dir = config.output_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def command_evaluate(business: config.BusinessValues | None = None) -> Path:
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    seed_section, _ = seed_protocol(inputs)
    seed_plots(seed_section, out_dir)
    chosen = model_selection(inputs, business)
    pipeline_plots(inputs, chosen, out_dir)
    return update_metrics(out_dir, inputs, {"seed_protocol": seed_section, **chosen.sections(business)})


def command_train(business: config.BusinessValues | None = None) -> Path:
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    chosen = model_selection(inputs, business)
    train_final(inputs, chosen, business, out_dir)
    return update_metrics(
        out_dir,
        inputs,
        {**chosen.sections(business), "model_version": model_version(chosen.selection.variant, inputs.fingerprint)},
    )


def command_explain() -> Path:
    """SHAP plots and importances of the saved model and of the seed's SMOTE model; nothing else."""
    out_dir, inputs = prepared_output_dir(), load_inputs()
    pipeline, metadata = load_model(out_dir)
    if metadata["data"]["fingerprint_sha256"] != inputs.fingerprint:
        log("note: the mart changed since the model was trained; explaining the saved model on the current mart")
    shap_section, explanation = final_model_shap(inputs, pipeline)
    final_model_plots(explanation, out_dir)
    seed_result = train.fit_seed_protocol(inputs.X_seed, inputs.y)  # refit (cheap); no reports or plots
    return update_metrics(
        out_dir,
        inputs,
        {"explain": {"pipeline": shap_section, "seed_smote": seed_shap_section(seed_result, out_dir)}},
    )


def command_score() -> dict:
    """Rewrite ml.churn_scores with the saved model's variant and threshold.

    On the data the model was trained on, the probabilities are the out-of-fold ones (recomputed on
    the same folds, so identical to `run`'s). On a changed mart the saved model scores it
    (score_kind final_model): customers it trained on get sharper probabilities, so the flag's
    recall is no longer the rule's; retrain (`python -m ml run`) to restore it.
    """
    out_dir, inputs = prepared_output_dir(), load_inputs()
    pipeline, metadata = load_model(out_dir)
    variant, threshold = metadata["variant"], metadata["threshold"]
    if metadata["data"]["fingerprint_sha256"] == inputs.fingerprint:
        log(f"recomputing out-of-fold probabilities of {variant} on the training data's folds")
        scores = out_of_fold_scores(inputs, evaluate.cross_validate_variant(inputs.X_pipeline, inputs.y, variant))
    else:
        log(
            "note: the mart changed since the model was trained; scoring it with the saved model "
            "(score_kind final_model; rerun `python -m ml run` for out-of-fold scores)"
        )
        explanation = explain.pipeline_shap(pipeline, inputs.X_pipeline, inputs.X_pipeline)
        proba = pipeline.predict_proba(inputs.X_pipeline)[:, 1]
        scores = Scores(proba, explain.top_drivers(explanation), config.SCORE_KIND_FINAL_MODEL)
    section = write_back(inputs, scores, threshold, metadata["model_version"], out_dir)
    update_metrics(out_dir, inputs, {"scores": section})
    return section


def command_run(business: config.BusinessValues | None = None) -> Path:
    """Everything, each step computed once: evaluate, train, explain, write back."""
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    seed_section, seed_result = seed_protocol(inputs)
    seed_plots(seed_section, out_dir)
    chosen = model_selection(inputs, business)
    pipeline_plots(inputs, chosen, out_dir)
    pipeline = train_final(inputs, chosen, business, out_dir)
    version = model_version(chosen.selection.variant, inputs.fingerprint)
    shap_section, explanation = final_model_shap(inputs, pipeline)
    final_model_plots(explanation, out_dir)
    seed_shap = seed_shap_section(seed_result, out_dir)
    oof_scores = out_of_fold_scores(inputs, chosen.selection.cvs[chosen.selection.variant])
    scores_section = write_back(inputs, oof_scores, chosen.threshold["value"], version, out_dir)
    path = update_metrics(
        out_dir,
        inputs,
        {
            "seed_protocol": seed_section,
            **chosen.sections(business),
            "explain": {"pipeline": shap_section, "seed_smote": seed_shap},
            "scores": scores_section,
            "model_version": version,
        },
    )
    log(
        f"seed mode: {scores_section['realised']['flagged']:,} of {scores_section['rows']:,} customers flagged by the "
        f"{chosen.selection.variant} model (recall {chosen.holdout['recall']:.2f} on held-out customers)",
        summary=True,
    )
    return path
