"""Every setting and stated rule of the forward mode, in one place (paths come from ml.config)."""

from __future__ import annotations

import re

TRAINING_TABLE = "marts.churn_training_snapshots"
SCORING_TABLE = "marts.churn_scoring_snapshot"
SCORES_TABLE = "ml.forward_churn_scores"

ID_COLUMN = "customer_id"
AS_OF_COLUMN = "as_of_at"
LABEL_END_COLUMN = "label_window_ends_at"
LABEL_COLUMN = "churned_in_horizon"
HORIZON_COLUMN = "horizon_days"
COUNTRY_COLUMN = "country"

# Feature groups, by pattern on the mart's column names (windows follow feature_windows_days, so a
# new window joins its group without touching this file). Each feature belongs to exactly one group;
# a mart column matching none is not a feature (keys, label, country as text).
WINDOW_PATTERN = (
    r"(purchase_days|invoices|spend|average_order_value|items_per_order|new_products|cancellation_invoices)_\d+d"
)
FEATURE_GROUPS: dict[str, str] = {
    "recency": r"recency_days|r_score",
    "frequency": r"purchase_days|invoices|f_score",
    "monetary": r"spend|average_order_value|m_score",
    "basket": r"items_per_order|unique_products",
    "rhythm": r"gap_mean_days|gap_std_days|last_gap_days|overdue_ratio",
    "trend": r"spend_prev_90d|spend_trend_90d",
    "returns": r"cancellation_invoices",
    "tenure": r"tenure_days",
    "geography": r"is_domestic",
    "windows": WINDOW_PATTERN,
}
# Groups the model uses (the ablation measures what each adds; see README "The forward churn model").
MODEL_GROUPS: tuple[str, ...] = tuple(FEATURE_GROUPS)

# Signed log1p (sign(x) * log1p(|x|)) of heavy-tailed counts, amounts and day spans before scaling,
# for the linear model only (trees are invariant to monotone transforms). Signed, so that a net
# amount below zero (a return larger than the purchases in a window) stays finite and ordered
# instead of becoming NaN. Ratios and scores stay linear.
LINEAR_UNLOGGED_PATTERN = r"[rfm]_score|spend_trend_90d|is_domestic"

# The seed's five features under their forward-mart names (purchase_interval_std = gap_std_days).
SEED_FEATURES: tuple[str, ...] = ("f_score", "m_score", "average_order_value", "gap_std_days", "unique_products")
RECENCY_FEATURE = "recency_days"

RANDOM_STATE = 42
SMOTE_K_NEIGHBORS = 5
# Candidate models, simplest first (the order breaks near-ties in the shipping rule): the linear
# model before boosted trees; within each, no rebalancing, then class weights, then SMOTE.
FAMILIES: tuple[str, ...] = ("logreg", "hgb")
REBALANCING: tuple[str, ...] = ("none", "class_weight", "smote")
CANDIDATES: tuple[str, ...] = tuple(f"{family}_{rebalancing}" for family in FAMILIES for rebalancing in REBALANCING)
BASELINES: tuple[str, ...] = ("recency_only", "seed_features_logreg")
# The candidates the shipping rule chooses among: each family without rebalancing. Class weights and
# SMOTE shift the scores towards churn, and Platt scaling on a later as-of shifts them back, so they
# can only win by ranking better, and on the real data they did not: mean ROC-AUC on the as-ofs before
# T, none / class weights / SMOTE, logistic regression 0.7632 / 0.7631 / 0.7632, boosted trees
# 0.7654 / 0.7646 / 0.7636 (one standard error: 0.006); on T 0.748 for all three and 0.754 / 0.753 /
# 0.751. They stay in `forward-evaluate`'s comparison, which also reports the rule applied to every
# candidate (`all_candidates_shipping`), so a rebalanced candidate that would have won is seen. The
# production run fits only these: a third of the candidates, and no class-weighted tree binning
# (sklearn's weighted percentiles, about half of a weighted fit).
SHIPPING_CANDIDATES: tuple[str, ...] = tuple(f"{family}_none" for family in FAMILIES)

# L2 strength of the logistic regression (C = 1 / lambda). Chosen on the backtest test as-ofs before
# T only (real data, 2011-07-01 and 2011-08-01, mean ROC-AUC). With all 47 collinear features:
# C = 10: 0.7572, 1: 0.7583, 0.1: 0.7618, 0.01: 0.7643, 0.001: 0.7652, 0.0003: 0.7651. After the
# near-duplicates are dropped (about 30 features left), with the ensemble and the beyond-range
# floor, the curve is flat: 1: 0.7609, 0.1: 0.7620, 0.01: 0.7625, 0.003: 0.7627, 0.001: 0.7623,
# 0.0003: 0.7614; differences far below one standard error (0.006), so the earlier value stays.
LOGREG_C = 0.001
LOGREG_SOLVER = "lbfgs"
LOGREG_MAX_ITER = 2000
# Boosted trees kept very small: a few thousand customers per as-of, strongly correlated snapshots
# and a signal close to additive, so 4-leaf trees with a strong leaf minimum and a low learning
# rate; a fixed number of iterations (no early stopping) keeps the fit deterministic and free of an
# internal random split. Chosen on the backtest as-ofs before T only (real data, mean ROC-AUC of
# 2011-07-01 and 2011-08-01): leaves / rate / trees / per leaf 4 / 0.03 / 400 / 100: 0.7644;
# 3 / 0.03 / 500 / 100: 0.7639; 7 / 0.03 / 300 / 100: 0.7594; 4 / 0.03 / 400 / 200: 0.7603;
# 2 / 0.05 / 800 / 100 (stumps): 0.7610; 15 / 0.05 / 200 / 80: 0.7531. Monotone constraints
# (churn rising with recency, falling with counts and amounts) cost 0.001-0.004.
HGB_PARAMS: dict = {
    "learning_rate": 0.03,
    "max_iter": 400,
    "max_leaf_nodes": 4,
    "min_samples_leaf": 100,
    "l2_regularization": 1.0,
    "early_stopping": False,
}

# Calibration: Platt scaling (a sigmoid on the model's score). Two parameters are what a few
# thousand customers can estimate robustly; isotonic regression would need more and is step-shaped,
# which also creates ties in the ranking.
CALIBRATION_METHOD = "sigmoid"
# The probability level comes from several later as-ofs, not one (ml/forward/protocol.py): each of
# the latest CALIBRATION_AS_OFS training as-ofs calibrates a member fitted on the as-ofs before it,
# and the members' probabilities are averaged. One month's level was off by 0.04-0.08 on the next
# (real data, calibration on 2011-06-01 alone: mean predicted 0.522 on 2011-09-01, observed 0.439).
# Three members, not more: the fourth would be fitted on a single early as-of.
CALIBRATION_AS_OFS = 3
# Customers gone longer than every training row (at the current as-of, up to a year longer than
# any labelled one): their probability is at least the churn rate observed among the longest-gone
# BEYOND_RANGE_SHARE of the training rows (ensemble.beyond_range_rule), instead of an extrapolation.
BEYOND_RANGE_SHARE = 0.10
# Cross-validated calibration when a single training as-of exists (short histories): folds.
SINGLE_AS_OF_FOLDS = 5

# Near-duplicate features are dropped at fit time (ml/forward/collinear.py): of two features whose
# Spearman |rho| on the fit rows is at least this, the later one in mart order goes (all-time
# features come first, then windows from the shortest). Twins split one signal between two
# coefficients of opposite sign under L2 shrinkage, which made reasons contradict the risk.
COLLINEAR_THRESHOLD = 0.95
# Rows the correlation is measured on (a fixed random sample beyond this; exact below): |rho| near
# 0.95 is estimated to +-0.002 from 10,000 rows, and the pairwise NaN-aware rank correlation of
# 50,000 rows cost about a second a fit.
COLLINEAR_SAMPLE_ROWS = 10_000

# Model choice on large data: the candidates are compared on at most this many labelled rows (fit
# and test as-ofs together), a sample stratified by as-of and label (fixed seed): about the real
# data's size (18,377 rows), where the comparison takes a few seconds, so at 1x it is every row
# and from 2x on the choice costs what it costs at 1x (the boosted trees' fits dominate: at 10x,
# 60,000 rows took 35 of the step's 74 s). The shipped model is then tested on every row of T
# and fitted on every labelled row.
CHOICE_SAMPLE_ROWS = 20_000
# Fitting on large data: the shipped model's members are fitted and calibrated on at most this many
# labelled rows, a sample stratified by as-of and label alike (fixed seed); it is tested on every
# customer of T and scores every current customer. Ten times the real data (183,770 rows at 10x,
# all of them): a logistic regression of ~30 features has no more to learn from 1.8 M rows, and at
# 100x fitting every row took most of the step's time and its memory past 4 GiB.
FIT_SAMPLE_ROWS = 200_000

# What the data allows the score to be validated by (protocol.validation_status).
VALIDATION_OUT_OF_TIME = "out_of_time"
VALIDATION_IN_TIME_ONLY = "in_time_only"
VALIDATION_NONE = "none"
# With no labelled as-of the forward model cannot be fitted: the seed mode's probability (the
# backward label, ml.churn_scores) stands in, under this model name.
FALLBACK_MODEL = "seed_label_fallback"
SEED_SCORES_TABLE = "ml.churn_scores"

# Metrics: bootstrap over the test as-of's customers (fixed seed), 95 % percentile intervals.
BOOTSTRAP_RESAMPLES = 500
CONFIDENCE = 0.95
TOP_SHARE = 0.10  # top-decile lift: churn rate among the 10 % highest scores / overall churn rate

# Rolling backtest: the latest labelled as-of (T) and the BACKTEST_TEST_AS_OFS - 1 before it, each
# with its own fit/calibration split by the same protocol.
BACKTEST_TEST_AS_OFS = 3

# Shipping rule. Chosen on the backtest test as-ofs BEFORE T (T is never looked at, so T's figures
# stay an honest estimate of the shipped model): the candidate with the best mean ROC-AUC over those
# as-ofs; any simpler candidate (CANDIDATES order) within one standard error of it ships instead.
# The standard error is the best candidate's, from Hanley & McNeil's formula per as-of, combined
# over the as-ofs as the standard error of a mean of independent estimates. ROC-AUC, not PR-AUC,
# because it does not move with the churn rate, which varies between as-ofs (43-51 % on the real data).
SHIPPING_METRIC = "roc_auc"
SHIPPING_RULE = "one_standard_error"
# Used when there is only one as-of before T to choose on (short data): the simplest candidate.
DEFAULT_SHIPPED = SHIPPING_CANDIDATES[0]

TOP_DRIVERS = 3
SHAP_BACKGROUND_SIZE = 200

# Stable artefact names inside the ml output folder.
SCORES_CSV_FILE = "forward_churn_scores.csv"
SCORES_PARQUET_FILE = "forward_churn_scores.parquet"
MODEL_FILE = "forward_churn_model.joblib"
MODEL_METADATA_FILE = "forward_churn_model.json"
METRICS_SECTION = "forward"


def group_of(column: str) -> str | None:
    """The feature group a mart column belongs to, or None when it is not a feature."""
    found = [name for name, pattern in FEATURE_GROUPS.items() if re.fullmatch(pattern, column)]
    if len(found) > 1:
        raise ValueError(f"column {column} matches feature groups {found}: make the patterns disjoint")
    return found[0] if found else None


def feature_columns(columns: list[str], groups: tuple[str, ...] = MODEL_GROUPS) -> tuple[str, ...]:
    """The mart columns (in mart order) that belong to the given groups."""
    return tuple(c for c in columns if group_of(c) in groups)


def is_linear_logged(column: str) -> bool:
    """Whether the linear model takes a signed log1p of this feature before scaling."""
    return re.fullmatch(LINEAR_UNLOGGED_PATTERN, column) is None
