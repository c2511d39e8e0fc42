"""The steps of the ml run, wired together; file and warehouse I/O happens here and in score.py."""

from __future__ import annotations

import json
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


def log(message: str) -> None:
    """One short progress line per step, flushed so `make run` shows it live."""
    print(f"[ml] {message}", flush=True)


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


def update_metrics(out_dir: Path, sections: dict) -> Path:
    """Merge sections into metrics.json so each subcommand refreshes only what it computed."""
    path = out_dir / config.METRICS_FILE
    metrics = json.loads(path.read_text()) if path.is_file() else {}
    metrics.update(sections)
    path.write_text(json.dumps(metrics, indent=2, sort_keys=False) + "\n")
    return path


def model_version(fingerprint: str) -> str:
    """Names the model by variant and data, so equal data and code give an equal version."""
    return f"logreg-{config.FINAL_VARIANT}-{fingerprint[:12]}"


# --- seed protocol -------------------------------------------------------------------------------


def seed_protocol(inputs: Inputs, out_dir: Path) -> tuple[dict, train.SeedProtocolResult]:
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
    plots.confusion_matrices(
        {
            "Seed baseline (no resampling)": section["baseline"]["confusion_matrix"],
            "Seed + SMOTE": section["smote"]["confusion_matrix"],
        },
        out_dir / "confusion_matrix.png",
    )
    return section, result


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


def cross_validation(inputs: Inputs) -> tuple[dict, dict, dict[str, np.ndarray]]:
    log(f"cross-validating {', '.join(config.VARIANTS)} ({config.CV_FOLDS} stratified folds)")
    results = evaluate.cross_validate_variants(inputs.X_pipeline, inputs.y)
    pipeline_section = {}
    for variant, cv in results.items():
        summary = evaluate.summarise_cv(inputs.y, cv)
        pipeline_section[variant] = summary
        log(
            f"  {variant}: roc_auc {summary['roc_auc']:.3f}±{summary['roc_auc_std']:.3f} "
            f"pr_auc {summary['pr_auc']:.3f} recall@0.5 {summary['recall']:.3f} "
            f"precision@0.5 {summary['precision']:.3f} brier {summary['brier']:.3f}"
        )
    oof = {variant: cv.oof_proba for variant, cv in results.items()}
    threshold = evaluate.choose_threshold(inputs.y, oof[config.FINAL_VARIANT])
    chosen = threshold["rules"][threshold["rule"]]
    log(
        f"threshold ({threshold['rule']}): {threshold['value']:.4f} -> out-of-fold precision "
        f"{chosen['precision']:.3f} recall {chosen['recall']:.3f}"
    )
    return pipeline_section, threshold, oof


def cv_settings() -> dict:
    return {
        "folds": config.CV_FOLDS,
        "shuffle": True,
        "random_state": config.RANDOM_STATE,
        "features": list(config.PIPELINE_FEATURES),
        "log1p_features": list(config.LOG1P_FEATURES),
        "excluded_as_leaky": config.LEAKY_COLUMNS,
        "final_variant": config.FINAL_VARIANT,
        "calibration_note": "SMOTE and class weights train on a 50/50 class mix, so their probabilities "
        "overstate churn (see brier and calibration_curve.png); use them to rank, or recalibrate "
        "before reading them as rates.",
    }


def pipeline_plots(inputs: Inputs, oof: dict[str, np.ndarray], threshold: dict, out_dir: Path) -> None:
    plots.roc_curves(inputs.y, oof, out_dir / "roc_curve.png")
    plots.pr_curves(
        inputs.y,
        oof,
        threshold["value"],
        config.FINAL_VARIANT,
        out_dir / "pr_curve.png",
    )
    plots.calibration_curves(inputs.y, oof, out_dir / "calibration_curve.png")


def train_final(inputs: Inputs, threshold: dict, out_dir: Path) -> Pipeline:
    log(f"fitting final pipeline ({config.FINAL_VARIANT}) on all {len(inputs.y)} customers")
    pipeline = train.fit_final_pipeline(inputs.X_pipeline, inputs.y)
    joblib.dump(pipeline, out_dir / config.MODEL_FILE)
    metadata = {
        "model_version": model_version(inputs.fingerprint),
        "variant": config.FINAL_VARIANT,
        "features": list(config.PIPELINE_FEATURES),
        "log1p_features": list(config.LOG1P_FEATURES),
        "label": config.LABEL_COLUMN,
        "threshold": threshold["value"],
        "threshold_rule": threshold["rule"],
        "data": data_section(inputs),
        "library_versions": library_versions(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / config.MODEL_METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    log(f"saved {config.MODEL_FILE} and {config.MODEL_METADATA_FILE} ({metadata['model_version']})")
    return pipeline


def load_model(out_dir: Path, inputs: Inputs) -> tuple[Pipeline, dict]:
    model_path, meta_path = (
        out_dir / config.MODEL_FILE,
        out_dir / config.MODEL_METADATA_FILE,
    )
    if not (model_path.is_file() and meta_path.is_file()):
        raise ModelNotTrainedError(f"no trained model in {out_dir}: run `python -m ml train` first")
    metadata = json.loads(meta_path.read_text())
    if metadata["data"]["fingerprint_sha256"] != inputs.fingerprint:
        log("note: the mart changed since the model was trained; scoring it with the saved model")
    return joblib.load(model_path), metadata


def pipeline_shap(inputs: Inputs, pipeline: Pipeline, out_dir: Path) -> tuple[dict, pd.DataFrame]:
    log(f"SHAP for the final pipeline ({len(inputs.y)} customers, background {config.SHAP_BACKGROUND_SIZE})")
    explanation = explain.pipeline_shap(pipeline, inputs.X_pipeline, inputs.X_pipeline)
    plots.shap_beeswarm(
        explanation,
        out_dir / "shap_summary_plot.png",
        "Churn pipeline: SHAP (log1p + standardised features, log-odds)",
    )
    plots.shap_bar(explanation, out_dir / "shap_importance_bar.png", "Churn pipeline: mean |SHAP|")
    importance = explain.mean_abs_importance(explanation)
    log(f"  pipeline drivers by mean |SHAP|: {', '.join(list(importance)[:5])}, ...")
    return {
        "explained_rows": "all customers",
        "mean_abs_shap": importance,
    }, explain.top_drivers(explanation)


def write_back(inputs: Inputs, pipeline: Pipeline, metadata: dict, drivers: pd.DataFrame, out_dir: Path) -> int:
    """Replace ml.churn_scores, then export it as CSV and Parquet for BI tools that read files."""
    proba = pipeline.predict_proba(inputs.X_pipeline)[:, 1]
    scores = score.build_scores(
        inputs.frame[config.ID_COLUMN],
        proba,
        metadata["threshold"],
        drivers,
        metadata["model_version"],
        datetime.now(UTC),
    )
    rows = score.write_scores(config.warehouse_path(), scores)
    log(f"wrote {rows} rows to {config.SCORES_TABLE} ({int(scores['predicted_churn'].sum())} flagged)")
    files = score.export_scores(config.warehouse_path(), out_dir)
    log(f"exported {config.SCORES_TABLE} to {', '.join(path.name for path in files)}")
    return rows


# --- commands -------------------------------------------------------------------------------------


def prepared_output_dir() -> Path:
    out_dir = config.output_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def command_evaluate() -> Path:
    out_dir, inputs = prepared_output_dir(), load_inputs()
    seed_section, _ = seed_protocol(inputs, out_dir)
    pipeline_section, threshold, oof = cross_validation(inputs)
    pipeline_plots(inputs, oof, threshold, out_dir)
    return update_metrics(
        out_dir,
        {
            "data": data_section(inputs),
            "seed_protocol": seed_section,
            "cross_validation": cv_settings(),
            "pipeline": pipeline_section,
            "threshold": threshold,
        },
    )


def command_train() -> Path:
    out_dir, inputs = prepared_output_dir(), load_inputs()
    pipeline_section, threshold, _ = cross_validation(inputs)
    train_final(inputs, threshold, out_dir)
    return update_metrics(
        out_dir,
        {
            "data": data_section(inputs),
            "cross_validation": cv_settings(),
            "pipeline": pipeline_section,
            "threshold": threshold,
        },
    )


def command_explain() -> Path:
    out_dir, inputs = prepared_output_dir(), load_inputs()
    pipeline, _ = load_model(out_dir, inputs)
    pipeline_section, _ = pipeline_shap(inputs, pipeline, out_dir)
    _, seed_result = seed_protocol(inputs, out_dir)
    return update_metrics(
        out_dir,
        {
            "explain": {
                "pipeline": pipeline_section,
                "seed_smote": seed_shap_section(seed_result, out_dir),
            }
        },
    )


def command_score() -> int:
    out_dir, inputs = prepared_output_dir(), load_inputs()
    pipeline, metadata = load_model(out_dir, inputs)
    _, drivers = pipeline_shap(inputs, pipeline, out_dir)
    return write_back(inputs, pipeline, metadata, drivers, out_dir)


def command_run() -> Path:
    """Everything, each step computed once: evaluate, train, explain, write back."""
    out_dir, inputs = prepared_output_dir(), load_inputs()
    seed_section, seed_result = seed_protocol(inputs, out_dir)
    pipeline_section, threshold, oof = cross_validation(inputs)
    pipeline_plots(inputs, oof, threshold, out_dir)
    pipeline = train_final(inputs, threshold, out_dir)
    _, metadata = load_model(out_dir, inputs)
    shap_section, drivers = pipeline_shap(inputs, pipeline, out_dir)
    seed_shap = seed_shap_section(seed_result, out_dir)
    write_back(inputs, pipeline, metadata, drivers, out_dir)
    path = update_metrics(
        out_dir,
        {
            "data": data_section(inputs),
            "seed_protocol": seed_section,
            "cross_validation": cv_settings(),
            "pipeline": pipeline_section,
            "threshold": threshold,
            "explain": {"pipeline": shap_section, "seed_smote": seed_shap},
            "model_version": metadata["model_version"],
        },
    )
    log(f"done: artefacts in {out_dir}")
    return path
