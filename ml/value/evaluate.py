"""Every forecast of config.FORECASTS on one cut-off's holdout, fitted only on data before the cut-off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.value import btyd, config, metrics
from ml.value.data import Summaries
from ml.value.forecasts import (
    Fitted,
    Forecast,
    TooLittleDataError,
    btyd_forecast,
    fit,
    fit_spend,
    hgb_forecast,
    level_ratio,
    naive_forecast,
    spend_per_purchase,
)


def earlier_fits(
    summaries: Summaries, cut_off: pd.Timestamp, spend_input: str, latest_only: bool = False
) -> list[tuple[pd.DataFrame, Fitted]]:
    """The cut-offs whose holdouts end by `cut_off`, each with BG/NBD + Gamma-Gamma fitted at it."""
    pairs = []
    cut_offs = summaries.earlier_with_holdout_ending_by(cut_off)
    for earlier in cut_offs[-1:] if latest_only else cut_offs:
        frame = summaries.at(earlier)
        try:
            pairs.append((frame, fit(frame, spend_input=spend_input)))
        except TooLittleDataError:
            continue
    return pairs


def forecasts_at(
    summaries: Summaries, cut_off: pd.Timestamp, names: tuple[str, ...], spend_input: str
) -> tuple[pd.DataFrame, Fitted, dict[str, Forecast], dict]:
    """(summary, fitted BG/NBD + Gamma-Gamma, forecast per name, parameters) for the holdout after `cut_off`."""
    summary = summaries.at(cut_off)
    horizon = float(summary["holdout_days"].iloc[0])
    fitted = fit(summary, spend_input=spend_input)
    base = btyd_forecast(fitted, summary, horizon)
    x, t_x, T = summary["frequency"], summary["recency_days"], summary["t_days"]
    out = {"naive": naive_forecast(summary, horizon), "bgnbd": base}
    parameters: dict = {"bgnbd": fitted.purchases.as_dict(), "gamma_gamma": fitted.spend.as_dict()}
    if "mbgnbd" in names:
        fitted_mbg = fit(summary, dropout_at_first=True, spend_input=spend_input)
        out["mbgnbd"] = btyd_forecast(fitted_mbg, summary, horizon)
        parameters["mbgnbd"] = fitted_mbg.purchases.as_dict()
    if "bgnbd_median" in names:
        out["bgnbd_median"] = Forecast(btyd.median_purchases(fitted.purchases, x, t_x, T, horizon), base.spend)
    earlier = earlier_fits(summaries, cut_off, spend_input, latest_only="hgb_poisson" not in names)
    parameters["earlier_cut_offs"] = [f"{frame[config.CUT_OFF_COLUMN].iloc[0]:%Y-%m-%d %H:%M}" for frame, _ in earlier]
    if earlier and "bgnbd_level_corrected" in names:
        ratio_purchases, ratio_spend = level_ratio(*earlier[-1], horizon)
        parameters["level_ratio"] = {"purchases": ratio_purchases, "spend": ratio_spend}
        out["bgnbd_level_corrected"] = Forecast(base.purchases * ratio_purchases, base.spend * ratio_spend)
    if earlier and "hgb_poisson" in names:
        out["hgb_poisson"] = hgb_forecast(earlier, summary, fitted, horizon)
    return summary, fitted, out, parameters


@dataclass
class Holdout:
    """One holdout's figures, the bucket table and what the plots need."""

    section: dict
    buckets: pd.DataFrame
    summary: pd.DataFrame
    forecasts: dict[str, Forecast]


def holdout_figures(summaries: Summaries, cut_off: pd.Timestamp, names: tuple[str, ...], spend_input: str) -> Holdout:
    """Figures of every forecast in `names` on the holdout after `cut_off`, and the frequency-bucket table."""
    summary, _, forecasts, parameters = forecasts_at(summaries, cut_off, names, spend_input)
    actual_purchases = summary["holdout_purchase_days"].to_numpy(dtype=float)
    actual_spend = summary["holdout_spend"].to_numpy(dtype=float)
    section = {
        "cut_off": f"{cut_off:%Y-%m-%d %H:%M}",
        "holdout_ends": f"{summary['holdout_ends_at'].iloc[0]:%Y-%m-%d %H:%M}",
        "spend_input": spend_input,
        "customers": len(summary),
        "repeat_buyers": int((summary["frequency"] > 0).sum()),
        "parameters": parameters,
        "past_spend_spearman": metrics.spearman(summary["total_spend"].to_numpy(dtype=float), actual_spend),
        "past_spend_top10_share": metrics.top_share(summary["total_spend"].to_numpy(dtype=float), actual_spend),
        "forecasts": {
            name: metrics.figures(
                np.asarray(f.purchases, dtype=float), np.asarray(f.spend, dtype=float), actual_purchases, actual_spend
            )
            for name, f in forecasts.items()
        },
    }
    buckets = metrics.frequency_buckets(
        summary, {name: np.asarray(forecasts[name].purchases, dtype=float) for name in ("bgnbd", "naive")}
    )
    section["frequency_buckets"] = buckets.reset_index(names="frequency").to_dict(orient="records")
    return Holdout(section, buckets, summary, forecasts)


def level_correction_rule(validation: dict) -> dict:
    """Ship the level-corrected forecast only if, on the validation holdout, it brings the total closer
    to the actual AND lowers the per-customer RMSE of purchases against plain BG/NBD."""
    plain = validation["forecasts"]["bgnbd"]
    corrected = validation["forecasts"].get("bgnbd_level_corrected")
    if corrected is None:
        return {"apply": False, "reason": "no earlier holdout before the validation cut-off to measure a level on"}
    closer = abs(corrected["purchases_total_error"]) < abs(plain["purchases_total_error"])
    sharper = corrected["purchases_rmse"] < plain["purchases_rmse"]
    apply = bool(closer and sharper)
    return {
        "apply": apply,
        "reason": (
            f"on the validation holdout the corrected total is off by {corrected['purchases_total_error']:+.1%} "
            f"(plain {plain['purchases_total_error']:+.1%}), RMSE {corrected['purchases_rmse']:.3f} "
            f"(plain {plain['purchases_rmse']:.3f}): {'apply' if apply else 'do not apply'}"
        ),
    }


def spend_input_figures(summaries: Summaries, cut_off: pd.Timestamp) -> dict[str, dict]:
    """BG/NBD x Gamma-Gamma on the holdout after `cut_off` under every spend input of
    config.SPEND_INPUTS: one purchase fit, one spend fit per input, the same customers."""
    summary = summaries.at(cut_off)
    horizon = float(summary["holdout_days"].iloc[0])
    fitted = fit(summary)
    purchases = np.asarray(btyd_forecast(fitted, summary, horizon).purchases, dtype=float)
    actual_purchases = summary["holdout_purchase_days"].to_numpy(dtype=float)
    actual_spend = summary["holdout_spend"].to_numpy(dtype=float)
    out = {}
    for name in config.SPEND_INPUTS:
        spend_model = fit_spend(summary, name)
        spend = purchases * spend_per_purchase(Fitted(fitted.purchases, spend_model, name), summary)
        out[name] = {
            **metrics.figures(purchases, spend, actual_purchases, actual_spend),
            "gamma_gamma": spend_model.as_dict(),
        }
    return out


def spend_input_rule(validation: dict[str, dict]) -> dict:
    """config.ELIGIBLE_SPEND_INPUTS' best spend Spearman on the validation holdout (ties: the first)."""

    def spearman(name: str) -> float:
        value = validation[name]["spend_spearman"]
        return -np.inf if value is None or np.isnan(value) else value

    choice = max(config.ELIGIBLE_SPEND_INPUTS, key=spearman)
    compared = ", ".join(f"{name} {validation[name]['spend_spearman']:.3f}" for name in config.SPEND_INPUTS)
    return {
        "choice": choice,
        "validation": validation,
        "reason": f"spend Spearman on the validation holdout: {compared}; ship {choice}",
    }
