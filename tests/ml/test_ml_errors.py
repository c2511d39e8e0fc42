"""Each failure the ml step can meet ends with one clear stderr line and exit code 2."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from ml import config, train
from ml.errors import SingleClassLabelError, TooFewMinorityError


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
        train.check_smote_feasible(np.array([1] * 5 + [0] * 50), "training part")
    train.check_smote_feasible(np.array([1] * 6 + [0] * 50), "training part")
