"""Every setting of the seed mode, in one place (the paths every mode shares are in ml.base.outputs)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from ml.base.errors import InvalidSettingError

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
# Pipeline variants compared in cross-validation, simplest first (the order breaks ties):
# no rebalancing, then class weights (a reweighted loss), then SMOTE (synthetic rows).
VARIANTS: tuple[str, ...] = ("unweighted", "class_weight", "smote")
# Which variant ships is decided by a stated rule, not fixed in advance: the one-standard-error
# rule on mean out-of-fold PR-AUC (the ranking metric that matters when churners are the minority
# and the flag is set by a threshold). Every variant whose mean PR-AUC is within one standard error
# (fold std / sqrt(folds)) of the best is "as good"; of those, the simplest ships. Rebalancing
# changes where a threshold lands, not how customers are ranked, and the threshold rule below
# chooses the operating point anyway; so rebalancing has to earn its place by ranking better.
SELECTION_METRIC = "pr_auc"
SELECTION_RULE = "one_standard_error"
# A production run (`python -m ml run`) chooses the variant by that rule on at most this many
# customers: all of them up to this size, else a random sample of this size stratified on the label.
# Every variant's 5-fold CV is the part of the choice that grows with the customers; the shipped
# variant is then cross-validated on every customer (its out-of-fold probabilities are the scores
# and the threshold is chosen on them). 20,000 customers leave each fold 4,000 held-out customers
# (about 940 churners at the real data's 23 % churn); on the real data x 10 (43,340 customers) the
# sample chooses the variant the whole comparison chooses. `python -m ml evaluate` always compares
# on every customer.
SELECTION_SAMPLE_SIZE = 20_000
# newton-cholesky solves this 10-feature problem exactly in a few Newton steps (lbfgs stops at its
# tolerance, 5-10x slower); same L2-penalised optimum, intercept not penalised.
PIPELINE_SOLVER = "newton-cholesky"
PIPELINE_MAX_ITER = 1000
# The threshold rule is judged on customers it did not see: nested CV, OUTER_FOLDS outer folds, each
# repeating the whole procedure (variant selection + threshold on inner out-of-fold predictions) on
# its training part and applying it to its held-out part.
OUTER_FOLDS = 5

# Decision threshold. Rule "target_recall": the highest threshold whose out-of-fold recall reaches
# TARGET_RECALL (catch at least 70 % of churners, with as few contacts as possible).
# Rule "expected_profit": maximise saved_churner_value * TP - contact_cost * (TP + FP).
# Both are computed and reported; THRESHOLD_RULE says which one the scores use.
THRESHOLD_RULE = "target_recall"
TARGET_RECALL = 0.70
# Assumed values, in currency units per customer: a retention offer (voucher + handling) costs 5;
# a churner who is contacted is kept with value 25 (roughly a quarter of the median customer's
# historical profit at a 25 % margin). Placeholders until the business gives real numbers: override
# them with the environment variables below or `python -m ml run --contact-cost 5
# --saved-churner-value 25`; the values used are recorded in metrics.json (`business_values`).
CONTACT_COST = 5.0
PROFIT_PER_SAVED_CHURNER = 25.0
CONTACT_COST_ENV = "LIFECYCLE_ML_CONTACT_COST"
SAVED_CHURNER_VALUE_ENV = "LIFECYCLE_ML_SAVED_CHURNER_VALUE"

# What churn_probability in ml.churn_scores is. "out_of_fold": each customer scored by the
# cross-validation model that did not train on them (the probabilities the threshold was chosen
# on, so predicted_churn delivers the rule's recall). "final_model": the saved model fitted on all
# customers, used only when the mart differs from the data it was trained on.
SCORE_KIND_OUT_OF_FOLD = "out_of_fold"
SCORE_KIND_FINAL_MODEL = "final_model"

SHAP_BACKGROUND_SIZE = 200
TOP_DRIVERS = 3

# This mode's section of metrics.json, and its stable artefact names inside the output folder.
METRICS_SECTION = "seed"
MODEL_FILE = "churn_pipeline.joblib"
MODEL_METADATA_FILE = "churn_pipeline.json"
# ml.churn_scores as files, for BI tools that read files (Tableau joins them to
# exports/rfm_for_tableau.csv on customer_id).
SCORES_CSV_FILE = "churn_scores.csv"
SCORES_PARQUET_FILE = "churn_scores.parquet"


@dataclass(frozen=True)
class BusinessValues:
    """The two money figures of the expected-profit rule, and where they came from."""

    contact_cost: float
    saved_churner_value: float
    source: str  # "default", "environment" or "command line"

    def as_dict(self) -> dict:
        return {
            "contact_cost": self.contact_cost,
            "saved_churner_value": self.saved_churner_value,
            "source": self.source,
        }


def _money(name: str, raw: object) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidSettingError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidSettingError(f"{name} must be a finite number >= 0, got {raw!r}")
    return value


def business_values(contact_cost: float | None = None, saved_churner_value: float | None = None) -> BusinessValues:
    """Command-line values win over the environment, which wins over the defaults above."""
    sources = set()
    resolved = []
    for given, env, default, name in (
        (contact_cost, CONTACT_COST_ENV, CONTACT_COST, "contact cost"),
        (saved_churner_value, SAVED_CHURNER_VALUE_ENV, PROFIT_PER_SAVED_CHURNER, "saved-churner value"),
    ):
        if given is not None:
            resolved.append(_money(f"{name} (command line)", given))
            sources.add("command line")
        elif os.environ.get(env, "").strip():
            resolved.append(_money(f"{name} ({env})", os.environ[env]))
            sources.add("environment")
        else:
            resolved.append(default)
    source = " + ".join(sorted(sources)) if sources else "default"
    return BusinessValues(resolved[0], resolved[1], source)


def required_columns() -> tuple[str, ...]:
    """Columns the ml step reads from the mart, in a stable order."""
    wanted = (ID_COLUMN, LABEL_COLUMN, THRESHOLD_COLUMN, *SEED_FEATURES, *PIPELINE_FEATURES)
    return tuple(dict.fromkeys(wanted))
