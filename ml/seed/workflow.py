"""The production run of the seed-mode churn model: choose, fit, score with exact contributions, write
back. File and warehouse I/O happens here and in score.py; the full comparison is evaluation.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline

from ml.base.errors import ModelNotTrainedError
from ml.base.log import log
from ml.base.metrics import update_section
from ml.base.outputs import library_versions, prepared_output_dir, warehouse_path
from ml.seed import config, evaluate, explain, sampling, score, train
from ml.seed.data import Inputs, data_section, load_inputs


def update_metrics(out_dir: Path, inputs: Inputs, sections: dict) -> Path:
    """Merge sections into metrics.json's seed section, so each subcommand refreshes only what it computed."""
    content = {"data": data_section(inputs), **sections}
    return update_section(out_dir, config.METRICS_SECTION, inputs.fingerprint, content)


def model_version(variant: str, fingerprint: str) -> str:
    """Names the model by variant and data, so equal data and code give an equal version."""
    return f"logreg-{variant}-{fingerprint[:12]}"


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


# --- model choice --------------------------------------------------------------------------------


@dataclass
class ModelSelection:
    """The variant, chosen by the stated rule, and its threshold on out-of-fold probabilities of all customers.

    `cv` is the shipped variant cross-validated on every customer: its out-of-fold probabilities are
    the scores, and the threshold is chosen on them. `holdout` (nested CV) is filled only by
    `python -m ml evaluate`.
    """

    selection: evaluate.Selection
    cv: evaluate.CrossValidation
    threshold: dict
    chosen_on: dict
    holdout: dict | None = None

    @property
    def variant(self) -> str:
        return self.selection.variant

    def sections(self, business: config.BusinessValues) -> dict:
        threshold = self.threshold if self.holdout is None else {**self.threshold, "holdout": self.holdout}
        return {
            "cross_validation": cv_settings(),
            "pipeline": self.selection.summaries,
            "model_selection": {**self.selection.choice, "chosen_on": self.chosen_on},
            "threshold": threshold,
            "business_values": business.as_dict(),
        }


def choose_model(inputs: Inputs, business: config.BusinessValues) -> ModelSelection:
    """Cross-validate every variant on the selection sample, then the shipped one on every customer.

    With at most config.SELECTION_SAMPLE_SIZE customers the sample is all of them and this is the
    whole comparison of `evaluate` minus the nested CV.
    """
    X, y = inputs.X_pipeline, inputs.y
    rows = sampling.selection_sample(y)
    sample = sampling.describe_sample(y, rows)
    log(f"choosing among {', '.join(config.VARIANTS)} ({config.CV_FOLDS} stratified folds) on {sample['description']}")
    selection = evaluate.select_model(X.iloc[rows], y[rows], business)
    log(f"  {selection.choice['reason']}")
    if len(rows) == len(y):
        cv, threshold = selection.cvs[selection.variant], selection.threshold
    else:
        log(f"cross-validating {selection.variant} on all {len(y):,} customers for the scores and the threshold")
        cv = evaluate.cross_validate_variant(X, y, selection.variant)
        threshold = evaluate.choose_threshold(y, cv.oof_proba, selection.variant, business)
    chosen = threshold["selection"]
    log(
        f"threshold ({threshold['rule']}): {threshold['value']:.4f}, on the out-of-fold probabilities: "
        f"precision {chosen['precision']:.3f}, recall {chosen['recall']:.3f}"
    )
    return ModelSelection(selection, cv, threshold, sample)


def train_final(inputs: Inputs, chosen: ModelSelection, business: config.BusinessValues, out_dir: Path) -> Pipeline:
    """Fit the chosen variant on all customers and save it, with the threshold, for new data and explaining."""
    variant = chosen.variant
    log(f"fitting the final pipeline ({variant}) on all {len(inputs.y):,} customers")
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
        "variant_chosen_on": chosen.chosen_on["description"],
        "business_values": business.as_dict(),
        "scores_note": "ml.churn_scores holds out-of-fold probabilities for the customers this model was "
        "trained on (score_kind out_of_fold); this model scores other data (score_kind final_model)",
        "data": data_section(inputs),
        "library_versions": library_versions(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (out_dir / config.MODEL_METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    return pipeline


def load_model(out_dir: Path) -> tuple[Pipeline, dict]:
    model_path, meta_path = (
        out_dir / config.MODEL_FILE,
        out_dir / config.MODEL_METADATA_FILE,
    )
    if not (model_path.is_file() and meta_path.is_file()):
        raise ModelNotTrainedError(f"no trained model in {out_dir}: run `python -m ml train` first")
    return joblib.load(model_path), json.loads(meta_path.read_text())


# --- scores --------------------------------------------------------------------------------------


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


def final_model_scores(inputs: Inputs, pipeline: Pipeline) -> Scores:
    """The saved model's probabilities and drivers, for a mart it was not trained on."""
    proba = pipeline.predict_proba(inputs.X_pipeline)[:, 1]
    drivers = explain.top_drivers(explain.linear_contributions(pipeline, inputs.X_pipeline))
    return Scores(proba, drivers, config.SCORE_KIND_FINAL_MODEL)


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
    path = warehouse_path()
    rows = score.write_scores(path, frame)
    score.export_scores(path, out_dir)
    realised = score.realised_flag_metrics(path)
    flagged = int(frame["predicted_churn"].sum())
    log(
        f"wrote {rows:,} rows to {config.SCORES_TABLE} ({scores.kind.replace('_', '-')} probabilities, "
        f"{flagged:,} flagged: precision {realised['precision']:.3f}, recall {realised['recall']:.3f})"
    )
    return {
        "rows": rows,
        "score_kind": scores.kind,
        "threshold": threshold,
        "model_version": version,
        "realised": realised,
    }


# --- commands -------------------------------------------------------------------------------------


def command_train(business: config.BusinessValues | None = None) -> Path:
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    chosen = choose_model(inputs, business)
    train_final(inputs, chosen, business, out_dir)
    return update_metrics(
        out_dir,
        inputs,
        {**chosen.sections(business), "model_version": model_version(chosen.variant, inputs.fingerprint)},
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
        scores = final_model_scores(inputs, pipeline)
    section = write_back(inputs, scores, threshold, metadata["model_version"], out_dir)
    update_metrics(out_dir, inputs, {"scores": section})
    return section


def command_run(business: config.BusinessValues | None = None) -> Path:
    """What scoring needs, each step once: choose the variant and threshold, fit and save the model,
    write the out-of-fold scores with each customer's exact drivers. The seed protocol, the nested
    CV, the plots and SHAP are `python -m ml evaluate`."""
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    chosen = choose_model(inputs, business)
    train_final(inputs, chosen, business, out_dir)
    version = model_version(chosen.variant, inputs.fingerprint)
    scores = out_of_fold_scores(inputs, chosen.cv)
    scores_section = write_back(inputs, scores, chosen.threshold["value"], version, out_dir)
    path = update_metrics(
        out_dir,
        inputs,
        {**chosen.sections(business), "scores": scores_section, "model_version": version},
    )
    realised = scores_section["realised"]
    log(
        f"seed mode: {realised['flagged']:,} of {scores_section['rows']:,} customers flagged by the {chosen.variant} "
        f"model (recall {realised['recall']:.2f} on out-of-fold scores)",
        summary=True,
    )
    return path
