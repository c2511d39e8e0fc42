"""`python -m ml value` (also part of `python -m ml run`): validate on the holdouts, score, write back."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ml.base.log import log
from ml.base.metrics import update_section
from ml.base.outputs import prepared_output_dir, warehouse_path
from ml.base.threads import native_thread_limit
from ml.value import btyd, config, evaluate, score
from ml.value.data import Summaries, load_summaries
from ml.value.forecasts import Fitted, TooLittleDataError, fit, require_repeat_buyers, spend_per_purchase


def update_metrics(out_dir: Path, section: dict) -> Path:
    """Merge into metrics.json's "value" section (started afresh when it described other data),
    leaving the other modes' sections as they are."""
    return update_section(out_dir, config.METRICS_SECTION, section["data"]["fingerprint_sha256"], section)


def validate(summaries: Summaries, out_dir: Path, names: tuple[str, ...], draw: bool = False) -> dict:
    """Figures on the validation holdout (used to choose) and on the final holdout (reported once);
    the plots only when `draw` (the evaluation: drawing them took longer than the figures at 10x).

    The section's status says how far the history allowed: `validated` (choices made on the
    validation holdout, figures on the final one), `final_holdout_only` (no earlier holdout to choose
    on: the stated defaults, figures on the final holdout) or `not_validated` (no complete holdout:
    the fit on the current cut-off is scored unvalidated).
    """
    current = summaries.cut_offs("current")
    ending = set(summaries.earlier_with_holdout_ending_by(current[0])) if current else set()
    final = [c for c in summaries.cut_offs("calibration") if c in ending]
    default = {"choice": config.DEFAULT_SPEND_INPUT, "reason": "no validation holdout: the stated default"}
    if not final:
        return {
            "status": "not_validated",
            "reason": "the history is too short for any cut-off with a complete holdout after it",
            "spend_input": default,
        }
    section: dict = {"forecasts_compared": list(names)}
    holdouts = {}
    before = summaries.earlier_with_holdout_ending_by(final[0])
    try:
        validation = _validation(summaries, before[-1], names) if before else None
    except TooLittleDataError as error:
        log(f"value: no validation holdout: too little data at {before[-1]:%Y-%m-%d} ({error})")
        validation = None
    if validation is None:
        section.update({"status": "final_holdout_only", "spend_input": default})
        section["reason"] = "the data has no cut-off whose holdout ends by the final holdout's start"
        section["level_correction"] = {"apply": False, "reason": "no validation holdout before the final one"}
    else:
        section["status"] = "validated"
        holdouts["validation"], choices = validation
        section.update(choices)
    spend_input = section["spend_input"]["choice"]
    log(f"value: final holdout after {final[0]:%Y-%m-%d} (reported, never used to choose)")
    try:
        holdouts["final"] = evaluate.holdout_figures(summaries, final[0], names, spend_input)
        section["spend_input"]["final_holdout"] = evaluate.spend_input_figures(summaries, final[0])
    except TooLittleDataError as error:
        return {
            "status": "not_validated",
            "reason": f"too little data at a past cut-off: {error}",
            "spend_input": default,
        }
    section["final_holdout"] = holdouts["final"].section
    _log_figures(section["final_holdout"])
    _log_spend_inputs("final", section["spend_input"]["final_holdout"])
    if draw:
        draw_plots(holdouts, out_dir)
    return section


def draw_plots(holdouts: dict[str, evaluate.Holdout], out_dir: Path) -> None:
    """The calibration by frequency bucket on each holdout, predicted against actual on the final one.
    matplotlib loads here only: the production run draws nothing."""
    from ml.value import plots

    titles = {name: f"{name} holdout after {h.section['cut_off'][:10]}" for name, h in holdouts.items()}
    plots.calibration_by_frequency(
        {titles[name]: h.buckets for name, h in holdouts.items()}, out_dir / config.CALIBRATION_PLOT
    )
    final_holdout = holdouts["final"]
    plots.predicted_vs_actual(
        final_holdout.summary,
        {
            name: (np.asarray(f.purchases, float), np.asarray(f.spend, float))
            for name, f in final_holdout.forecasts.items()
        },
        titles["final"],
        out_dir / config.PREDICTED_VS_ACTUAL_PLOT,
    )


def _validation(summaries: Summaries, cut_off: pd.Timestamp, names: tuple[str, ...]) -> tuple[evaluate.Holdout, dict]:
    """The validation holdout: choose the spend input, then the level correction, and its figures."""
    log(f"value: validation holdout after {cut_off:%Y-%m-%d} (choices are made here)")
    spend_input = evaluate.spend_input_rule(evaluate.spend_input_figures(summaries, cut_off))
    _log_spend_inputs("validation", spend_input["validation"])
    log(f"  spend per purchase: {spend_input['reason']}")
    holdout = evaluate.holdout_figures(summaries, cut_off, names, spend_input["choice"])
    _log_figures(holdout.section)
    level = evaluate.level_correction_rule(holdout.section)
    log(f"  level correction: {level['reason']}")
    return holdout, {"spend_input": spend_input, "validation": holdout.section, "level_correction": level}


def _log_spend_inputs(holdout: str, figures: dict[str, dict]) -> None:
    for name, f in figures.items():
        log(
            f"  spend input {name:<20} ({holdout}) spend MAE {f['spend_mae']:.0f} total {f['spend_total_error']:+.1%} "
            f"Spearman {f['spend_spearman']:.3f} top-10% share {f['spend_top10_share']:.3f}"
        )


def _log_figures(section: dict) -> None:
    for name, f in section["forecasts"].items():
        log(
            f"  {name:<22} purchases MAE {f['purchases_mae']:.3f} RMSE {f['purchases_rmse']:.3f} total "
            f"{f['purchases_total_error']:+.1%}  spend MAE {f['spend_mae']:.0f} total {f['spend_total_error']:+.1%} "
            f"Spearman {f['spend_spearman']:.3f} top-10% share {f['spend_top10_share']:.3f}"
        )


def predictions(summary: pd.DataFrame, fitted: Fitted, version: str, level: tuple[float, float] | None) -> pd.DataFrame:
    """One row per customer of the current cut-off, from BG/NBD + Gamma-Gamma fitted on all of it."""
    frame = pd.DataFrame(
        {
            config.ID_COLUMN: summary[config.ID_COLUMN].astype(str),
            config.CUT_OFF_COLUMN: summary[config.CUT_OFF_COLUMN],
            "clv_horizon_days": summary["clv_horizon_days"].astype("int64"),
            "retention_horizon_days": summary["retention_horizon_days"].astype("int64"),
            "scored_at": pd.Timestamp(datetime.now(UTC)).tz_localize(None),
        }
    )
    params = fitted.purchases
    x, t_x, T = summary["frequency"], summary["recency_days"], summary["t_days"]
    purchases_factor = level[0] if level else 1.0
    clv_horizon = int(summary["clv_horizon_days"].iloc[0])
    retention = float(summary["retention_horizon_days"].iloc[0])
    rate = float(summary["annual_discount_rate"].iloc[0])
    frame["probability_active"] = btyd.probability_alive(params, x, t_x, T)
    frame["expected_purchases_90d"] = purchases_factor * btyd.expected_purchases(
        params, x, t_x, T, config.SHORT_HORIZON_DAYS
    )
    frame["expected_purchases_365d"] = purchases_factor * btyd.expected_purchases(
        params, x, t_x, T, config.LONG_HORIZON_DAYS
    )
    frame["median_purchases_90d"] = btyd.median_purchases(params, x, t_x, T, config.SHORT_HORIZON_DAYS)
    frame["expected_spend_per_purchase"] = spend_per_purchase(fitted, summary)
    frame["discounted_expected_purchases"] = purchases_factor * btyd.discounted_expected_purchases(
        params, x, t_x, T, clv_horizon, rate, config.DISCOUNT_STEPS
    )
    frame["expected_purchases_if_active"] = purchases_factor * btyd.expected_purchases_if_alive(params, x, T, retention)
    frame["mean_days_between_purchases_if_active"] = 1 / btyd.expected_rate_if_alive(params, x, T)
    frame["median_days_to_next_purchase_if_active"] = btyd.median_days_to_next_purchase_if_alive(params, x, T)
    frame["model_name"] = config.SHIPPED + ("_level_corrected" if level else "")
    frame["model_version"] = version
    return frame


def model_version(model_name: str, status: str, fingerprint: str, spend_input: str | None = None) -> str:
    """What was shipped and how far it was validated, e.g. value-bgnbd-all_days_capped-validated-<data>."""
    parts = ["value", model_name, *([spend_input] if spend_input else []), status, fingerprint[:12]]
    return "-".join(parts)


def historical_only(summary: pd.DataFrame, version: str) -> pd.DataFrame:
    """The table's rows with every prediction NULL: the marts still show the historical figures."""
    frame = pd.DataFrame({column: pd.Series([None] * len(summary), dtype="object") for column in score.COLUMNS})
    frame[config.ID_COLUMN] = summary[config.ID_COLUMN].astype(str).to_numpy()
    frame[config.CUT_OFF_COLUMN] = summary[config.CUT_OFF_COLUMN].to_numpy()
    for column in ("clv_horizon_days", "retention_horizon_days"):
        frame[column] = summary[column].astype("int64").to_numpy()
    frame["model_name"] = "none"
    frame["model_version"] = version
    frame["scored_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    return frame


def command_value() -> Path:
    """The fast path (in `python -m ml run`): the cheap forecasts on both holdouts, then score."""
    return _value(config.FAST_FORECASTS, write=True)


def command_value_evaluate() -> Path:
    """Every forecast of config.FORECASTS on both holdouts (make test); reads only, writes no table."""
    with native_thread_limit():
        return _value(config.FORECASTS, write=False)


def _value(names: tuple[str, ...], write: bool) -> Path:
    started = time.perf_counter()
    out_dir, path = prepared_output_dir(), warehouse_path()
    log(f"value: reading {config.SUMMARIES_TABLE} from {path}")
    summaries = load_summaries(path)
    current = summaries.cut_offs("current")
    now = summaries.at(current[0]) if current else summaries.frame.iloc[0:0]
    section: dict = {
        "data": {
            "table": config.SUMMARIES_TABLE,
            "cut_offs": {
                f"{c:%Y-%m-%d %H:%M}": kind
                for c, kind in summaries.frame.groupby(config.CUT_OFF_COLUMN)[config.KIND_COLUMN].first().items()
            },
            "customers_scored": len(now),
            "repeat_buyers_now": int((now["frequency"] > 0).sum()) if len(now) else 0,
            "fingerprint_sha256": summaries.fingerprint,
        }
    }
    try:
        require_repeat_buyers(now)  # the current cut-off has the most: if it has too few, stop here
    except TooLittleDataError as error:
        log(f"value: too little data for predicted value ({error}); writing historical figures only")
        section.update({"status": "too_little_data", "reason": str(error)})
        if not write:
            return update_metrics(out_dir, section)
        version = model_version("none", "too_little_data", summaries.fingerprint)
        frame = historical_only(now, version)
        section["scores"] = {"model_version": version}
    else:
        try:
            section.update(validate(summaries, out_dir, names, draw=not write))
        except TooLittleDataError as error:
            section.update({"status": "not_validated", "reason": f"too little data at a past cut-off: {error}"})
            section["spend_input"] = {"choice": config.DEFAULT_SPEND_INPUT, "reason": "the stated default"}
        if section["status"] != "validated":
            log(f"value: {config.STATUS_WORDS[section['status']]} ({section['reason']})")
        if not write:
            log(f"value-evaluate: done in {time.perf_counter() - started:.1f} s")
            return update_metrics(out_dir, section)
        spend_input = section["spend_input"]["choice"]
        fitted = fit(now, spend_input=spend_input)
        level = None
        if section.get("level_correction", {}).get("apply"):
            final = summaries.at(summaries.cut_offs("calibration")[0])
            level = evaluate.level_ratio(
                final, fit(final, spend_input=spend_input), float(final["holdout_days"].iloc[0])
            )
        name = config.SHIPPED + ("_level_corrected" if level else "")
        version = model_version(name, section["status"], summaries.fingerprint, spend_input)
        frame = predictions(now, fitted, version, level)
        section["scores"] = {
            "model_version": version,
            "spend_input": spend_input,
            "bgnbd": fitted.purchases.as_dict(),
            "gamma_gamma": fitted.spend.as_dict(),
            "level_ratio": level,
        }
    rows = score.write_predictions(path, frame)
    score.export_predictions(path, out_dir)
    section["scores"]["rows"] = rows
    log(f"value: model version {section['scores']['model_version']}")
    log(
        f"value mode: {rows:,} customers' value predicted in {time.perf_counter() - started:.1f} s "
        f"({section['status'].replace('_', ' ')})",
        summary=True,
    )
    return update_metrics(out_dir, section)
