"""The seed's headline result and the threshold rule on the real data (skipped without a real warehouse).

Set LIFECYCLE_REAL_SEED_WAREHOUSE to a warehouse built from the UCI data with the `seed` cleaning
policy (`make test` does).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ml.seed import config, data, evaluate, train

REAL_SEED_WAREHOUSE = os.environ.get("LIFECYCLE_REAL_SEED_WAREHOUSE")

pytestmark = pytest.mark.skipif(not REAL_SEED_WAREHOUSE, reason="LIFECYCLE_REAL_SEED_WAREHOUSE not set")


@pytest.fixture(scope="module")
def frame():
    return data.load_churn_features(Path(REAL_SEED_WAREHOUSE))


def test_seed_protocol_reproduces_recall_24_to_72_percent(frame):
    result = train.fit_seed_protocol(data.feature_matrix(frame, config.SEED_FEATURES), data.label_vector(frame))
    baseline = evaluate.classifier_report(result.y_test, result.baseline)
    smote = evaluate.classifier_report(result.y_test, result.smote)
    # The seed's numbers: baseline recall 0.238 (0.24), and at least the 0.72 after SMOTE.
    assert baseline["recall"] == pytest.approx(0.238, abs=0.02)
    assert smote["recall"] >= 0.72


def test_threshold_rule_holds_on_held_out_customers(frame):
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    business = config.BusinessValues(config.CONTACT_COST, config.PROFIT_PER_SAVED_CHURNER, "default")
    selection = evaluate.select_model(X, y, business, summarise=False)
    holdout = evaluate.nested_holdout(X, y, business)
    assert selection.threshold["selection"]["recall"] >= config.TARGET_RECALL
    # Chosen on other customers, the rule still catches about 70 % of churners (0.701 on the seed data).
    assert holdout["recall"] == pytest.approx(config.TARGET_RECALL, abs=0.04)
    assert holdout["precision"] > y.mean() * 1.5  # well above flagging at random
