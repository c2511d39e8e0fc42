"""The full comparison of the seed mode (`python -m ml evaluate`): the seed protocol reproduced, every
variant cross-validated on every customer, the threshold rule judged in nested CV, and the plots and
SHAP explanations. A production run (`python -m ml run`, workflow.py) does none of this."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from imblearn.pipeline import Pipeline

from ml.base.log import log
from ml.base.outputs import prepared_output_dir
from ml.seed import config, evaluate, explain, plots, sampling, train
from ml.seed.data import Inputs, load_inputs
from ml.seed.workflow import ModelSelection, load_model, update_metrics

if TYPE_CHECKING:
    import shap

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
    background = explain.background_sample(result.X_train, config.SHAP_BACKGROUND_SIZE)
    explanation = explain.linear_shap(result.smote.model, background, result.X_test)
    plots.shap_beeswarm(
        explanation,
        out_dir / "seed_shap_summary_plot.png",
        "Seed protocol + SMOTE: SHAP (test part)",
    )
    importance = explain.mean_abs_importance(explanation)
    log(f"  seed model drivers by mean |SHAP|: {', '.join(importance)}")
    return {"explained_rows": "seed test part", "mean_abs_shap": importance}


# --- pipeline ------------------------------------------------------------------------------------


def full_model_selection(inputs: Inputs, business: config.BusinessValues) -> ModelSelection:
    """Every variant on every customer, and the whole procedure judged on held-out customers (nested CV)."""
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
    every_customer = sampling.describe_sample(inputs.y, range(len(inputs.y)))
    return ModelSelection(selection, selection.cvs[selection.variant], threshold, every_customer, holdout)


def pipeline_plots(inputs: Inputs, chosen: ModelSelection, out_dir: Path) -> None:
    oof = {variant: cv.oof_proba for variant, cv in chosen.selection.cvs.items()}
    plots.roc_curves(inputs.y, oof, out_dir / "roc_curve.png")
    plots.pr_curves(inputs.y, oof, chosen.threshold["value"], chosen.variant, out_dir / "pr_curve.png")
    plots.calibration_curves(inputs.y, oof, out_dir / "calibration_curve.png")


def final_model_shap(inputs: Inputs, pipeline: Pipeline) -> tuple[dict, shap.Explanation]:
    """Global SHAP of the final model over every customer (what drives the model as a whole)."""
    log(f"SHAP for the final pipeline ({len(inputs.y):,} customers, background {config.SHAP_BACKGROUND_SIZE})")
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


# --- commands -------------------------------------------------------------------------------------


def command_evaluate(business: config.BusinessValues | None = None) -> Path:
    """The seed protocol, every variant, the nested CV, the plots and SHAP; writes no model and no scores.

    The SHAP plots explain the chosen variant fitted on every customer: the model `run` ships when
    its selection sample is every customer (at most config.SELECTION_SAMPLE_SIZE).
    """
    business = business or config.business_values()
    out_dir, inputs = prepared_output_dir(), load_inputs()
    seed_section, seed_result = seed_protocol(inputs)
    seed_plots(seed_section, out_dir)
    chosen = full_model_selection(inputs, business)
    pipeline_plots(inputs, chosen, out_dir)
    pipeline = train.fit_final_pipeline(inputs.X_pipeline, inputs.y, chosen.variant)
    shap_section, explanation = final_model_shap(inputs, pipeline)
    final_model_plots(explanation, out_dir)
    seed_shap = seed_shap_section(seed_result, out_dir)
    return update_metrics(
        out_dir,
        inputs,
        {
            "seed_protocol": seed_section,
            **chosen.sections(business),
            "explain": {"pipeline": shap_section, "seed_smote": seed_shap},
        },
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
