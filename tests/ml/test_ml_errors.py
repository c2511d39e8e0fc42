"""Each failure the ml step can meet ends with one clear stderr line and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from unittest import mock

import duckdb
import numpy as np
import pytest

from ml.base.errors import MissingFeatureError, SingleClassLabelError, TooFewMinorityError, WarehouseNotReadyError
from ml.base.resampling import check_smote_feasible
from ml.forward import data as forward_data
from ml.seed import config, train
from ml.value import data as value_data

from .forward_fixtures import write_forward_marts
from .value_fixtures import value_summaries, write_value_summaries


def assert_fails_with(capsys, exit_code: int, *fragments: str) -> None:
    err = capsys.readouterr().err
    assert exit_code == 2
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err


def test_missing_warehouse_file_asks_for_the_dbt_build(tmp_path, ml_cli, capsys):
    code = ml_cli(tmp_path / "absent.duckdb", tmp_path / "out")
    assert_fails_with(capsys, code, "absent.duckdb", "not found", "make run")


def test_missing_mart_asks_for_the_dbt_build(tmp_path, ml_cli, capsys):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    code = ml_cli(empty, tmp_path / "out")
    assert_fails_with(capsys, code, config.FEATURES_TABLE, "make run")


def test_missing_feature_column_is_named(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    warehouse = make_warehouse(make_features(rows=120).drop(columns=["unique_products"]))
    code = ml_cli(warehouse, tmp_path / "out")
    assert_fails_with(capsys, code, "unique_products")


def test_single_class_label_is_refused(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    warehouse = make_warehouse(make_features(rows=120, churned=0))
    code = ml_cli(warehouse, tmp_path / "out")
    assert_fails_with(capsys, code, "single class")


def test_too_few_churned_for_smote_is_refused_before_fitting(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    # 5 churners in all: the 70 % training part holds at most 5, not more than k_neighbors=5.
    warehouse = make_warehouse(make_features(rows=200, churned=5))
    code = ml_cli(warehouse, tmp_path / "out")
    assert_fails_with(capsys, code, "too few churned customers for SMOTE", "k_neighbors=5")
    assert not (tmp_path / "out" / config.MODEL_FILE).exists()


def test_score_before_train_asks_for_train(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    warehouse = make_warehouse(make_features(rows=120))
    code = ml_cli(warehouse, tmp_path / "out", "score")
    assert_fails_with(capsys, code, "python -m ml train")


def test_checks_raise_project_exceptions():
    with pytest.raises(SingleClassLabelError):
        train.check_two_classes(np.ones(10, dtype=int))
    with pytest.raises(TooFewMinorityError):
        check_smote_feasible(np.array([1] * 5 + [0] * 50), "training part")
    check_smote_feasible(np.array([1] * 6 + [0] * 50), "training part")


HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB takes the file lock, as a BI client or dbt would
print("locked", flush=True)
time.sleep(60)
"""


def test_warehouse_locked_by_another_process_is_one_line(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    warehouse = make_warehouse(make_features(rows=120))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code = ml_cli(warehouse, tmp_path / "out")
    finally:
        holder.kill()
        holder.wait()
    assert_fails_with(capsys, code, "cannot read warehouse", str(warehouse), "another process")


def test_failed_write_back_is_one_line_and_leaves_no_traceback(two_runs, synthetic_warehouse, ml_cli, capsys):
    # Reading works, then the write finds the file locked (another writer got in between).
    real_connect = duckdb.connect

    def connect(database, *args, read_only=False, **kwargs):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Could not set lock on file "{database}": Conflicting lock')
        return real_connect(database, *args, read_only=read_only, **kwargs)

    with mock.patch("ml.base.warehouse.duckdb.connect", connect):
        code = ml_cli(synthetic_warehouse, two_runs[0].output_dir, "score")
    assert_fails_with(capsys, code, "cannot write ml.churn_scores to warehouse", "Conflicting lock")


def test_negative_amount_is_refused_with_column_and_customer(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    features = make_features(rows=120)
    features.loc[17, "monetary"] = -42.5
    warehouse = make_warehouse(features)
    code = ml_cli(warehouse, tmp_path / "out")
    assert_fails_with(capsys, code, "negative monetary", f"customer {features.loc[17, 'customer_id']}", "-42.5")


def test_unusable_business_values_are_refused(make_features, make_warehouse, tmp_path, ml_cli, capsys):
    warehouse = make_warehouse(make_features(rows=120))
    code = ml_cli(warehouse, tmp_path / "out", "train", env={config.CONTACT_COST_ENV: "five"})
    assert_fails_with(capsys, code, config.CONTACT_COST_ENV, "must be a number")
    code = ml_cli(warehouse, tmp_path / "out", "run", "--saved-churner-value", "-1")
    assert_fails_with(capsys, code, "saved-churner value", ">= 0")


def test_forward_mode_names_a_missing_snapshot_column(synthetic_forward_marts, tmp_path):
    training, scoring = synthetic_forward_marts
    warehouse = write_forward_marts(tmp_path / "lifecycle.duckdb", training.drop(columns=["tenure_days"]), scoring)
    with pytest.raises(MissingFeatureError, match=r"tenure_days.*forward mode"):
        forward_data.load_snapshots(warehouse)


def test_value_step_names_a_missing_summary_column(tmp_path):
    warehouse = write_value_summaries(tmp_path / "lifecycle.duckdb", value_summaries(customers=50))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table marts.customer_value_summaries drop column frequency")
    with pytest.raises(MissingFeatureError, match=r"frequency.*predicted value"):
        value_data.load_summaries(warehouse)


def test_a_missing_mart_is_named_with_the_build_hint(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(WarehouseNotReadyError, match=r"customer_value_summaries.*make run"):
        value_data.load_summaries(empty)
