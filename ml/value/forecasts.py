"""The forecasts compared on a holdout: each takes the summary at a cut-off and returns per-customer
predicted purchases and spend over the holdout, from data before the cut-off only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from ml.value import btyd, config


@dataclass(frozen=True)
class Fitted:
    """The purchase and spend models fitted on one cut-off's summary."""

    purchases: btyd.BetaGeo
    spend: btyd.GammaGamma


@dataclass(frozen=True)
class Forecast:
    purchases: np.ndarray
    spend: np.ndarray


class TooLittleDataError(Exception):
    """Too few repeat buyers to fit the models: the step reports it and writes historical figures."""


def repeat_buyers(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[(summary["frequency"] > 0) & (summary["mean_repeat_spend"] > 0)]


def fit(summary: pd.DataFrame, dropout_at_first: bool = False) -> Fitted:
    repeat = repeat_buyers(summary)
    if len(repeat) < config.MIN_REPEAT_BUYERS:
        cut_off = summary[config.CUT_OFF_COLUMN].iloc[0] if len(summary) else None
        raise TooLittleDataError(
            f"{len(repeat)} customer(s) with a repeat purchase day before {cut_off:%Y-%m-%d}"
            f" (at least {config.MIN_REPEAT_BUYERS} needed)"
            if cut_off is not None
            else "no customer with a kept purchase before the current snapshot"
        )
    purchases = btyd.fit_bgnbd(summary["frequency"], summary["recency_days"], summary["t_days"], dropout_at_first)
    spend = btyd.fit_gamma_gamma(repeat["frequency"], repeat["mean_repeat_spend"])
    return Fitted(purchases, spend)


def spend_per_purchase(fitted: Fitted, summary: pd.DataFrame) -> np.ndarray:
    return btyd.expected_spend_per_purchase(fitted.spend, summary["frequency"], summary["mean_repeat_spend"])


def btyd_forecast(fitted: Fitted, summary: pd.DataFrame, horizon: float) -> Forecast:
    purchases = btyd.expected_purchases(
        fitted.purchases, summary["frequency"], summary["recency_days"], summary["t_days"], horizon
    )
    return Forecast(purchases, purchases * spend_per_purchase(fitted, summary))


def naive_forecast(summary: pd.DataFrame, horizon: float) -> Forecast:
    """The customer's own past rate: frequency (spend) / max(T, horizon) x horizon."""
    observed = np.maximum(summary["t_days"].to_numpy(dtype=float), horizon)
    return Forecast(
        summary["frequency"].to_numpy(dtype=float) / observed * horizon,
        summary["total_spend"].to_numpy(dtype=float) / observed * horizon,
    )


def hgb_features(summary: pd.DataFrame, fitted: Fitted, horizon: float) -> pd.DataFrame:
    frame = summary.loc[:, ["frequency", "recency_days", "t_days", "total_spend", "mean_repeat_spend"]].astype(float)
    frame["days_since_last"] = frame["t_days"] - frame["recency_days"]
    frame["bgnbd_purchases"] = btyd_forecast(fitted, summary, horizon).purchases
    return frame.loc[:, list(config.HGB_FEATURES)]


def hgb_forecast(
    training: list[tuple[pd.DataFrame, Fitted]], summary: pd.DataFrame, fitted: Fitted, horizon: float
) -> Forecast | None:
    """Poisson boosting trained on earlier (summary at cut-off -> holdout) pairs; None without pairs."""
    if not training:
        return None
    X = pd.concat([hgb_features(frame, model, horizon) for frame, model in training], ignore_index=True)
    X_now = hgb_features(summary, fitted, horizon)
    predictions = []
    for target in ("holdout_purchase_days", "holdout_spend"):
        y = np.concatenate([frame[target].to_numpy(dtype=float) for frame, _ in training])
        model = HistGradientBoostingRegressor(
            loss="poisson",
            max_leaf_nodes=8,
            learning_rate=0.05,
            max_iter=200,
            min_samples_leaf=40,
            random_state=config.RANDOM_STATE,
        )
        predictions.append(model.fit(X, np.clip(y, 0, None)).predict(X_now))
    return Forecast(*predictions)


def level_ratio(frame: pd.DataFrame, fitted: Fitted, horizon: float) -> tuple[float, float]:
    """Actual / predicted totals of purchases and spend on one earlier holdout."""
    forecast = btyd_forecast(fitted, frame, horizon)
    return (
        float(frame["holdout_purchase_days"].sum() / forecast.purchases.sum()),
        float(frame["holdout_spend"].sum() / forecast.spend.sum()),
    )
