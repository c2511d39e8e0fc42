"""The seed's headline result on the real data (skipped unless a real warehouse is given).

Set LIFECYCLE_REAL_WAREHOUSE to a warehouse built from the UCI data with the `seed` cleaning policy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ml import config, data, evaluate, train

REAL_WAREHOUSE = os.environ.get("LIFECYCLE_REAL_WAREHOUSE")


@pytest.mark.skipif(not REAL_WAREHOUSE, reason="LIFECYCLE_REAL_WAREHOUSE not set")
def test_seed_protocol_reproduces_recall_24_to_72_percent():
    frame = data.load_churn_features(Path(REAL_WAREHOUSE))
    result = train.fit_seed_protocol(data.feature_matrix(frame, config.SEED_FEATURES), data.label_vector(frame))
    baseline = evaluate.classifier_report(result.y_test, result.baseline)
    smote = evaluate.classifier_report(result.y_test, result.smote)
    assert 0.15 <= baseline["recall"] <= 0.35
    assert smote["recall"] >= 0.70
