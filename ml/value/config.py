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
    "purchase_days",
    "frequency",
    "recency_days",
    "t_days",
    "total_spend",
    "mean_repeat_spend",
    "capped_mean_day_spend",
    "capped_mean_repeat_spend",
    "holdout_days",
    "holdout_ends_at",
    "has_complete_holdout",
    "holdout_purchase_days",
    "holdout_spend",
    "clv_horizon_days",
    "annual_discount_rate",
    "retention_horizon_days",
)

# How far the history let the step validate what it ships (metrics.json "value" -> status, and the
# model_version): each status is a fallback of the one before it, never a failed build.
STATUS_WORDS: dict[str, str] = {
    "validated": "choices made on the validation holdout, figures reported on the final holdout",
    "final_holdout_only": "no earlier holdout to choose on: the stated defaults, figures on the final holdout",
    "not_validated": "no complete holdout yet: an unvalidated fit scored",
    "too_little_data": "too few repeat buyers to fit: historical figures only",
}

# Too little data: the purchase model needs repeat buyers to learn rates and (for spend) repeat
# spends. Below this many customers with a repeat purchase day at the cut-off being fitted, the step
# says so in one line and writes the historical figures only (no prediction). 30 is a floor for a
# 4-parameter maximum-likelihood fit, not a guarantee of a good one.
MIN_REPEAT_BUYERS = 30

# What Gamma-Gamma reads as a customer's spend per purchase day: name -> (days observed, mean spend),
# columns of the summaries mart (the definitions and the cap live in SQL, models/docs/customer_value.md
# `bulk_day_cap`).
# `repeat_days_mean`: the textbook input (repeat days only, uncapped). One bulk day drives it (a £59k
#   day among £500 ones), so it is reported beside the others and never shipped.
# `repeat_days_capped`: the repeat days, each capped at a multiple of the customer's median day.
# `all_days_capped`: every purchase day, the first included, capped alike: one-time buyers get their
#   own first day (shrunk towards the population) instead of the population mean alone.
SPEND_INPUTS: dict[str, tuple[str, str]] = {
    "repeat_days_mean": ("frequency", "mean_repeat_spend"),
    "repeat_days_capped": ("frequency", "capped_mean_repeat_spend"),
    "all_days_capped": ("purchase_days", "capped_mean_day_spend"),
}
# The rule: ship the eligible input with the highest Spearman between predicted and actual spend on
# the validation holdout (value at risk orders the retention list, so the order is what counts);
# ties go to the first listed. Without a validation holdout, the default: the choice of the real
# data's validation holdout and of the sample's (README "Predicted customer value").
ELIGIBLE_SPEND_INPUTS: tuple[str, ...] = ("repeat_days_capped", "all_days_capped")
DEFAULT_SPEND_INPUT = "all_days_capped"

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
