"""Every path and setting of the ml step, in one place.

Paths are read from the environment at call time (not import time) so that tests and CI can point
the step at another warehouse without reloading modules.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

WAREHOUSE_ENV = "LIFECYCLE_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE = Path("warehouse/lifecycle.duckdb")
OUTPUT_DIR_ENV = "LIFECYCLE_ML_OUTPUT_DIR"
DEFAULT_OUTPUT_DIR = Path("outputs/ml")

FEATURES_TABLE = "marts.churn_features"
SCORES_SCHEMA = "ml"
SCORES_TABLE = f"{SCORES_SCHEMA}.churn_scores"

ID_COLUMN = "customer_id"
LABEL_COLUMN = "is_churned"
# Read for the metrics' data block only (never a feature: see LEAKY_COLUMNS).
THRESHOLD_COLUMN = "churn_threshold_days"

# The seed project's model: exactly its five features, unscaled, scikit-learn defaults.
SEED_FEATURES: tuple[str, ...] = (
    "f_score",
    "m_score",
    "average_order_value",
    "purchase_interval_std",
    "unique_products",
)

# The label is `recency_days > churn_threshold_days`. Any column that carries recency therefore
# hands the model the answer (near-perfect scores that say nothing about behaviour):
LEAKY_COLUMNS: dict[str, str] = {
    "recency_days": "the label is defined as recency_days > churn_threshold_days",
    "r_score": "a quartile of recency_days",
    "segment_key": "built from r_score (the R of RFM)",
    "recent_spend_share": "zero exactly when the last purchase is older than the 90-day window, "
    "i.e. a recency indicator",
    "churn_threshold_days": "the cut-off of the label itself (a constant per snapshot)",
    "churn_status": "the label as text",
    "is_churned": "the label",
    # The observation window is finite, so recency_days + tenure_days <= days since the data start
    # (374 on the real data): every customer with tenure above ~219 days is active by construction
    # (1,332 customers, 0 churned). The model then learns the window, not behaviour.
    "tenure_days": "bounds recency through the finite window: recency <= window - tenure",
    "mean_purchase_gap_days": "equals tenure_days / (purchase_days - 1), so it carries the same "
    "bound once purchase_days is a feature",
}

# The richer set for the proper pipeline: the mart's behavioural columns minus the leaky ones.
# `frequency` (invoices) is left out: it correlates 0.97 with `purchase_days` (distinct purchase
# dates), and together they got large opposite-signed coefficients that cancel for typical
# customers and explode for outliers. Of the two, purchase_days is the one to keep: in 5-fold CV
# (log1p model, real data) dropping frequency leaves ROC-AUC/PR-AUC/Brier unchanged or slightly
# better (strict 0.817/0.530/0.182, seed 0.818/0.526/0.182), dropping purchase_days costs more
# (strict 0.815/0.527/0.183, seed 0.815/0.525/0.183). f_score still carries the invoice count's rank.
PIPELINE_FEATURES: tuple[str, ...] = (
    "monetary",
    "f_score",
    "m_score",
    "average_order_value",
    "purchase_interval_std",
    "unique_products",
    "purchase_days",
    "items_per_order",
    "return_rate",
    "is_domestic",
)

# Heavy-tailed, non-negative counts and amounts (skew 7-48 on the real data; a few customers sit
# 50-200 standard deviations out). The pipeline takes log1p of them before scaling, so that an
# outlier's SHAP contribution stays a few log-odds instead of dozens. This is a model transform:
# the mart's values stay the source of truth and are what the scores table and SHAP names refer
# to. purchase_interval_std (skew 2) and return_rate (a ratio) stay linear: logging them did not
# help in CV.
LOG1P_FEATURES: tuple[str, ...] = (
    "monetary",
    "average_order_value",
    "unique_products",
    "purchase_days",
    "items_per_order",
)

RANDOM_STATE = 42

# Seed protocol split. stratify=False reproduces the seed (baseline recall 0.238 on the real data;
# stratifying gives 0.224): the seed called train_test_split without `stratify`.
SEED_TEST_SIZE = 0.3
SEED_STRATIFY = False

SMOTE_K_NEIGHBORS = 5
CV_FOLDS = 5
# Pipeline variants compared in cross-validation; the final model uses FINAL_VARIANT.
VARIANTS: tuple[str, ...] = ("unweighted", "class_weight", "smote")
FINAL_VARIANT = "smote"
PIPELINE_MAX_ITER = 1000  # features are scaled, so lbfgs converges well within this

# Decision threshold. Rule "target_recall": the highest threshold whose out-of-fold recall reaches
# TARGET_RECALL (catch at least 70 % of churners, with as few contacts as possible).
# Rule "expected_profit": maximise PROFIT_PER_SAVED_CHURNER * TP - CONTACT_COST * (TP + FP).
# Both are computed and reported; THRESHOLD_RULE says which one the scores use.
THRESHOLD_RULE = "target_recall"
TARGET_RECALL = 0.70
# Assumed costs, in currency units per customer: a retention offer (voucher + handling) costs 5;
# a churner who is contacted is kept with value 25 (roughly a quarter of the median customer's
# historical profit at a 25 % margin). Change both when the business gives real numbers.
CONTACT_COST = 5.0
PROFIT_PER_SAVED_CHURNER = 25.0

SHAP_BACKGROUND_SIZE = 200
TOP_DRIVERS = 3

# Stable artefact names inside the output folder.
METRICS_FILE = "metrics.json"
MODEL_FILE = "churn_pipeline.joblib"
MODEL_METADATA_FILE = "churn_pipeline.json"
# ml.churn_scores as files, for BI tools that read files (Tableau joins them to
# exports/rfm_for_tableau.csv on customer_id).
SCORES_CSV_FILE = "churn_scores.csv"
SCORES_PARQUET_FILE = "churn_scores.parquet"


def warehouse_path() -> Path:
    """The DuckDB file dbt builds; relative paths are taken from the repository root."""
    path = Path(os.environ.get(WAREHOUSE_ENV, str(DEFAULT_WAREHOUSE)))
    return path if path.is_absolute() else REPO_ROOT / path


def output_dir() -> Path:
    """Folder for this run kind's artefacts (plots, metrics, model); not part of the warehouse."""
    path = Path(os.environ.get(OUTPUT_DIR_ENV, str(DEFAULT_OUTPUT_DIR)))
    return path if path.is_absolute() else REPO_ROOT / path


def required_columns() -> tuple[str, ...]:
    """Columns the ml step reads from the mart, in a stable order."""
    wanted = (ID_COLUMN, LABEL_COLUMN, THRESHOLD_COLUMN, *SEED_FEATURES, *PIPELINE_FEATURES)
    return tuple(dict.fromkeys(wanted))
