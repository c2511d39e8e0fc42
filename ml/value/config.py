"""Every setting and stated rule of the predicted-value step, in one place (paths come from ml.config)."""

from __future__ import annotations

SUMMARIES_TABLE = "marts.customer_value_summaries"
PREDICTIONS_TABLE = "ml.customer_value_predictions"
METRICS_SECTION = "value"

ID_COLUMN = "customer_id"
CUT_OFF_COLUMN = "cut_off_at"
KIND_COLUMN = "cut_off_kind"
REQUIRED_COLUMNS: tuple[str, ...] = (
    CUT_OFF_COLUMN,
    KIND_COLUMN,
    ID_COLUMN,
    "frequency",
    "recency_days",
    "t_days",
    "total_spend",
    "mean_repeat_spend",
    "holdout_days",
    "holdout_ends_at",
    "has_complete_holdout",
    "holdout_purchase_days",
    "holdout_spend",
    "clv_horizon_days",
    "annual_discount_rate",
    "retention_horizon_days",
)

# Too little data: the purchase model needs repeat buyers to learn rates and (for spend) repeat
# spends. Below this many customers with a repeat purchase day at the cut-off being fitted, the step
# says so in one line and writes the historical figures only (no prediction). 30 is a floor for a
# 4-parameter maximum-likelihood fit, not a guarantee of a good one.
MIN_REPEAT_BUYERS = 30

# The figures of the issue: expected purchases over these horizons (days), whatever the holdout.
SHORT_HORIZON_DAYS = 90
LONG_HORIZON_DAYS = 365
# Periods of the CLV horizon that discounting is applied to (weekly for 365 days).
DISCOUNT_STEPS = 52
TOP_SHARE = 0.10
# Frequency buckets of the calibration plot: 0, 1, ..., 6, then 7+.
FREQUENCY_BUCKET_CAP = 7

# Forecasts compared on the holdouts, every one computed in the same run on the same customers.
# `naive`: the customer's repeat rate, frequency / max(T, holdout) x holdout days (spend likewise
#   from total spend); the floor at the holdout length keeps a week-old customer's one purchase
#   from being multiplied into a quarter's worth (as customers_at_risk's run-rate).
# `bgnbd`: BG/NBD expected purchases, x Gamma-Gamma spend per purchase (the shipped model).
# `mbgnbd`: the variant where a customer can drop out after the first purchase.
# `bgnbd_median`: the median of BG/NBD's predicted count, the point forecast that minimises
#   absolute error (MAE judges medians; expected values are judged by RMSE and totals).
# `bgnbd_level_corrected`: bgnbd x (actual / predicted total) on the latest earlier holdout that
#   ends by the evaluated cut-off (a time-aware level correction).
# `hgb_poisson`: HistGradientBoostingRegressor (Poisson loss) on the BTYD summary and the BG/NBD
#   forecast, trained on earlier cut-off -> holdout pairs whose holdouts end by the evaluated cut-off.
FORECASTS: tuple[str, ...] = ("naive", "bgnbd", "mbgnbd", "bgnbd_median", "bgnbd_level_corrected", "hgb_poisson")
# `python -m ml run` compares these (a few seconds); `python -m ml value-evaluate` (make test) all of
# FORECASTS: MBG/NBD and the boosted trees cost more than the rest together and earn nothing on the
# validation holdout (README "Predicted customer value").
FAST_FORECASTS: tuple[str, ...] = ("naive", "bgnbd", "bgnbd_median", "bgnbd_level_corrected")
SHIPPED = "bgnbd"
HGB_FEATURES: tuple[str, ...] = (
    "frequency",
    "recency_days",
    "t_days",
    "days_since_last",
    "total_spend",
    "mean_repeat_spend",
    "bgnbd_purchases",
)
RANDOM_STATE = 42

# Stable artefact names inside the ml output folder.
PREDICTIONS_CSV_FILE = "customer_value_predictions.csv"
PREDICTIONS_PARQUET_FILE = "customer_value_predictions.parquet"
CALIBRATION_PLOT = "value_calibration_by_frequency.png"
PREDICTED_VS_ACTUAL_PLOT = "value_predicted_vs_actual.png"
