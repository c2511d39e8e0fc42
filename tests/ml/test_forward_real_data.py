"""Forward-mode figures on the real data, with loose bounds (skipped without a real warehouse).

LIFECYCLE_REAL_STRICT_WAREHOUSE points at a warehouse built from the UCI data (default cleaning);
LIFECYCLE_REAL_FORWARD_METRICS at the metrics.json `python -m ml forward-evaluate` wrote for it
(`make test` sets both). The protocol itself is rerun here for the shipped-by-default model, so
the figures are checked even when the metrics file is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ml.base.threads import native_thread_limit
from ml.forward import config, evaluate, metrics, protocol
from ml.forward.data import load_snapshots

REAL_WAREHOUSE = os.environ.get("LIFECYCLE_REAL_STRICT_WAREHOUSE")
REAL_METRICS = os.environ.get("LIFECYCLE_REAL_FORWARD_METRICS")

pytestmark = pytest.mark.skipif(not REAL_WAREHOUSE, reason="LIFECYCLE_REAL_STRICT_WAREHOUSE not set")


@pytest.fixture(scope="module")
def snapshots():
    return load_snapshots(Path(REAL_WAREHOUSE))


@pytest.fixture(scope="module")
def out_of_time(snapshots):
    as_ofs = protocol.labelled_as_ofs(snapshots.training)
    split = protocol.out_of_time_split(as_ofs, snapshots.span)
    data = evaluate.split_data(snapshots, split, evaluate.all_columns(snapshots))
    with native_thread_limit():
        evaluated = evaluate.evaluate_models(data, ("logreg_none", "recency_only"), snapshots.features)
    return split, data, evaluated


def test_the_test_as_of_is_the_latest_labelled_one_and_no_training_window_crosses_it(snapshots, out_of_time):
    split, _, _ = out_of_time
    ends = snapshots.training.groupby(config.AS_OF_COLUMN)[config.LABEL_END_COLUMN].first()
    assert split.test_as_of == ends.index.max()
    for as_of in split.training_as_ofs:
        assert ends[as_of] <= split.test_as_of


def test_logistic_regression_beats_recency_and_lands_near_the_reference(out_of_time):
    _, data, evaluated = out_of_time
    y = data.test[1]
    model = metrics.point_metrics(y, evaluated["logreg_none"].test_proba)
    recency = metrics.point_metrics(y, evaluated["recency_only"].test_proba)
    # Reference figures measured outside the project: recency alone 0.684, an 8-feature LR 0.739.
    assert recency["roc_auc"] == pytest.approx(0.684, abs=0.03)
    assert 0.72 <= model["roc_auc"] <= 0.80
    assert model["roc_auc"] > recency["roc_auc"] + 0.03
    assert model["top_decile_lift"] > 1.4


def test_calibrated_probabilities_average_near_the_observed_rate(out_of_time):
    _, data, evaluated = out_of_time
    check = evaluate.calibration_check(data.test[1], evaluated["logreg_none"].test_proba)
    # Calibrated on three as-ofs three to five months earlier: the churn rate drifts with the season
    # (T's horizon is the Q4 peak, which no earlier as-of saw), so loose; one month's level was +0.083.
    assert abs(check["difference"]) < 0.06
    assert check["brier"] < 0.23


@pytest.mark.skipif(not REAL_METRICS or not Path(REAL_METRICS).is_file(), reason="forward-evaluate metrics absent")
def test_forward_evaluate_metrics_hold_every_model_backtest_and_ablation():
    forward = json.loads(Path(REAL_METRICS).read_text())["forward"]
    shipped = forward["evaluated_shipping"]["shipped"]
    assert forward["out_of_time"][shipped]["roc_auc"] >= 0.72
    assert forward["out_of_time"]["recency_only"]["roc_auc_ci"][1] < forward["out_of_time"][shipped]["roc_auc"]
    assert len(forward["backtest"]["test_as_ofs"]) >= 3
    assert forward["ablation"]["adds_roc_auc"]["windows"] > 0
