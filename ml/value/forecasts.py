"""The forecasts compared on a holdout: each takes the summary at a cut-off and returns per-customer
predicted purchases and spend over the holdout, from data before the cut-off only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from ml.value import btyd, config


@dataclass(frozen=True)
class Fitted:
    """The purchase and spend models fitted on one cut-off's summary, and the spend input (a key of
    config.SPEND_INPUTS) the spend model read, which scoring must read too."""

    purchases: btyd.BetaGeo
    spend: btyd.GammaGamma
    spend_input: str = config.DEFAULT_SPEND_INPUT


@dataclass(frozen=True)
class Forecast:
    purchases: np.ndarray
    spend: np.ndarray


class TooLittleDataError(Exception):
    """Too few repeat buyers to fit the models: the step reports it and writes historical figures."""


def repeat_buyers(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[(summary["frequency"] > 0) & (summary["mean_repeat_spend"] > 0)]


def spend_observations(summary: pd.DataFrame, spend_input: str) -> tuple[np.ndarray, np.ndarray]:
    """(days observed, mean spend per day) per customer as `spend_input` defines them; NaN mean -> 0."""
    days_column, mean_column = config.SPEND_INPUTS[spend_input]
    days = summary[days_column].to_numpy(dtype=float)
    return days, np.nan_to_num(summary[mean_column].to_numpy(dtype=float), nan=0.0)


def require_repeat_buyers(summary: pd.DataFrame) -> None:
    """Raise TooLittleDataError below config.MIN_REPEAT_BUYERS repeat buyers (no fit is attempted)."""
    repeat = repeat_buyers(summary)
    if len(repeat) < config.MIN_REPEAT_BUYERS:
        cut_off = summary[config.CUT_OFF_COLUMN].iloc[0] if len(summary) else None
        raise TooLittleDataError(
            f"{len(repeat)} customer(s) with a repeat purchase day before {cut_off:%Y-%m-%d}"
            f" (at least {config.MIN_REPEAT_BUYERS} needed)"
            if cut_off is not None
            else "no customer with a kept purchase before the current snapshot"
        )


def fit(summary: pd.DataFrame, dropout_at_first: bool = False, spend_input: str = config.DEFAULT_SPEND_INPUT) -> Fitted:
    """BG/NBD on every customer, Gamma-Gamma on those with an observed spend under `spend_input`."""
    require_repeat_buyers(summary)
    columns = (summary[name].to_numpy(dtype=float) for name in ("frequency", "recency_days", "t_days"))
    purchases = _fit_purchases(*(np.ascontiguousarray(values).tobytes() for values in columns), dropout_at_first)
    return Fitted(purchases, fit_spend(summary, spend_input), spend_input)


@lru_cache(maxsize=16)
def _fit_purchases(x: bytes, t_x: bytes, T: bytes, dropout_at_first: bool) -> btyd.BetaGeo:
    """BG/NBD on one summary, remembered by its data: a run fits each cut-off once whatever the
    spend input compared with it (the fit is deterministic, the key is the data itself)."""
    return btyd.fit_bgnbd(*(np.frombuffer(values) for values in (x, t_x, T)), dropout_at_first)


def fit_spend(summary: pd.DataFrame, spend_input: str) -> btyd.GammaGamma:
    """Gamma-Gamma on the customers with a positive observed spend under `spend_input`."""
    days, mean_spend = spend_observations(summary, spend_input)
    observed = (days > 0) & (mean_spend > 0)
    return btyd.fit_gamma_gamma(days[observed], mean_spend[observed])


def spend_per_purchase(fitted: Fitted, summary: pd.DataFrame) -> np.ndarray:
    return btyd.expected_spend_per_purchase(fitted.spend, *spend_observations(summary, fitted.spend_input))


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
