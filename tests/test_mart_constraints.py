"""The marts' NOT NULL, range and row rules and the keys of the small marts are enforced contract
constraints, not data tests: DuckDB checks them as each table is built. These tests prove the published
tables carry every constraint the YAML declares, and that a bad row (or a duplicate key) is refused
with an error naming the table and the column or expression."""

from __future__ import annotations

import re
from collections import Counter

import duckdb
import pytest
import yaml

from pipeline import config
from pipeline.build.publish import Layout

MART_YAMLS = sorted((config.REPO_ROOT / "models" / "marts").glob("*/_*__models.yml"))
# Small at any scale, so a primary key replaces their uniqueness test (an index on a customer-level
# mart costs ~1 s per 433,000 rows at 100x, more than the test).
KEYED_MARTS = [
    "segment_ltv",
    "churn_threshold",
    "dashboard_customer_cells",
    "dashboard_recency_bins",
    "customer_cohorts",
    "lifecycle_stage_flows",
    "dashboard_cohort_cells",
    "dashboard_lifecycle_stage_cells",
]


def _contracted_models() -> list[dict]:
    models = []
    for path in MART_YAMLS:
        for model in yaml.safe_load(path.read_text()).get("models", []):
            if (model.get("config") or {}).get("contract", {}).get("enforced"):
                models.append(model)
    return models


def _declared() -> list[tuple[str, str, str]]:
    """(table, column, constraint type) for every column constraint of a mart with an enforced contract."""
    declared = []
    for model in _contracted_models():
        for column in model.get("columns", []):
            for constraint in column.get("constraints") or []:
                declared.append((model["name"], column["name"], constraint["type"]))
    return declared


def _declared_keys_and_row_checks() -> tuple[dict[str, list[str]], Counter[str]]:
    """Per table: the primary key's columns, and how many CHECK constraints it declares (column and model level)."""
    keys: dict[str, list[str]] = {}
    checks: Counter[str] = Counter()
    for model in _contracted_models():
        table = model["name"]
        for constraint in model.get("constraints") or []:
            if constraint["type"] == "primary_key":
                keys[table] = list(constraint["columns"])
            checks[table] += constraint["type"] == "check"
        for column in model.get("columns", []):
            for constraint in column.get("constraints") or []:
                if constraint["type"] == "primary_key":
                    keys[table] = [column["name"]]
                checks[table] += constraint["type"] == "check"
    return keys, checks


@pytest.fixture(scope="module")
def marts(published: Layout) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        yield con


def _table_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = con.execute("select sql from duckdb_tables() where schema_name = 'marts' and table_name = ?", [table])
    found = rows.fetchall()
    assert found, f"marts.{table} is not in the published warehouse"
    return found[0][0]


def test_every_declared_constraint_is_in_the_built_table(marts: duckdb.DuckDBPyConnection) -> None:
    declared = _declared()
    assert len([c for c in declared if c[2] == "check"]) >= 40, "the range checks moved to constraints are declared"
    nullable = {
        (table, column): flag
        for table, column, flag in marts.execute(
            "select table_name, column_name, is_nullable from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()
    }
    built_checks = {
        (table, column)
        for table, columns in marts.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where schema_name = 'marts' and constraint_type = 'CHECK'"
        ).fetchall()
        for column in columns
    }
    missing = []
    for table, column, kind in declared:
        if (table, column) not in nullable:
            continue  # a mart the sample build did not publish (none today; the ml-fed marts are built)
        if kind == "not_null" and nullable[(table, column)]:
            missing.append(f"{table}.{column} NOT NULL")
        if kind == "check" and (table, column) not in built_checks:
            missing.append(f"{table}.{column} CHECK")
    assert not missing, f"declared but not enforced: {missing}"


def test_every_declared_key_and_row_check_is_in_the_built_table(marts: duckdb.DuckDBPyConnection) -> None:
    keys, checks = _declared_keys_and_row_checks()
    assert set(KEYED_MARTS) <= set(keys)
    built_keys = {
        table: list(columns)
        for table, columns in marts.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    built_checks = Counter(
        table
        for (table,) in marts.execute(
            "select table_name from duckdb_constraints() where schema_name = 'marts' and constraint_type = 'CHECK'"
        ).fetchall()
    )
    published = {
        table
        for (table,) in marts.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
    }
    for table in published & set(checks):
        assert built_keys.get(table) == keys.get(table), f"{table}: primary key"
        assert built_checks[table] == checks[table], f"{table}: CHECK constraints"


@pytest.mark.parametrize(
    ("table", "replacement", "message"),
    [
        ("customer_rfm", "-1 as recency_days", "recency_days >= 0"),
        ("customer_rfm", "5 as r_score", "r_score <= 4"),
        ("customer_rfm", "null as country", "customer_rfm.country"),
        ("segment_ltv", "1.5 as churn_rate", "churn_rate <= 1"),
        ("churn_training_snapshots", "0 as invoices", "invoices >= 1"),
        # Row rules that were expression_is_true / accepted_values / accepted_range tests:
        ("customer_rfm", "'maybe' as churn_status", "churn_status IN"),
        ("customer_rfm", "not is_churned as is_churned", "is_churned = (recency_days > churn_threshold_days)"),
        # expression_is_true failed on a NULL result; the CHECK's coalesce(..., false) keeps that.
        ("customer_rfm", "null as churn_threshold_days", "is_churned = (recency_days > churn_threshold_days)"),
        ("customer_rfm", "ltv + 1 as ltv", "abs((ltv - (monetary"),
        ("customer_rfm", "'999' as rfm_score", "rfm_score = "),
        ("customer_rfm", "snapshot_at - interval 10000 day as snapshot_at", "last_purchase_at < snapshot_at"),
        ("churn_features", "'maybe' as churn_status", "churn_status IN"),
        (
            "churn_features",
            "frequency + 1 as purchase_days, 5.0 as mean_purchase_gap_days",
            "purchase_days <= frequency",
        ),
        (
            "churn_features",
            "null as mean_purchase_gap_days, 2 as purchase_days, 2 as frequency",
            "mean_purchase_gap_days IS NULL",
        ),
        ("customer_value_summaries", "'later' as cut_off_kind", "cut_off_kind IN"),
        ("customer_value_summaries", "-1 as frequency", "frequency >= 0"),
        ("customer_value_summaries", "-1 as mean_repeat_spend", "mean_repeat_spend >= 0"),
        ("customer_value_summaries", "-1 as holdout_purchase_days", "holdout_purchase_days >= 0"),
        ("customers_at_risk", "'guess' as expected_value_source", "expected_value_source IN"),
        ("customers_at_risk", "value_at_risk + 1 as value_at_risk", "churn_probability * expected_horizon_value"),
        ("customers_at_risk", "null as reason_1", "customers_at_risk.reason_1"),
        ("customers_at_risk", "'x' as reason_2, null as reason_2_code", "reason_2 IS NULL"),
        ("customers_at_risk", "'medium' as risk_level", "risk_level IN"),
        ("customer_value", "'bg_nbd' as model_name, -1 as predicted_clv", "model_name = 'none'"),
        ("customer_value", "'bg_nbd' as model_name, null as predicted_clv", "model_name = 'none'"),
        # The lifecycle marts: month 0 holds the whole cohort; a stage is one of five and says lapsed
        # exactly when is_lapsed does.
        (
            "customer_cohorts",
            "0 as months_since_first_purchase, cohort_customers - 1 as active_customers, "
            "(cohort_customers - 1) / cohort_customers as retention_rate",
            "months_since_first_purchase > 0",
        ),
        ("customer_lifecycle_stages", "'dormant' as lifecycle_stage, false as is_lapsed", "lifecycle_stage IN"),
        ("customer_lifecycle_stages", "'lapsed' as lifecycle_stage, false as is_lapsed", "is_lapsed = "),
        ("lifecycle_stage_flows", "'none' as from_stage, 'active' as to_stage", "from_stage = 'none'"),
    ],
)
def test_a_bad_row_is_refused_naming_the_column(
    marts: duckdb.DuckDBPyConnection, table: str, replacement: str, message: str
) -> None:
    """The table's own DDL, re-created empty: one good row goes in; the same row with bad values does not."""
    scratch = _empty_copy_with_one_good_row(marts, table)
    scratch.execute(f"delete from marts.{table}")  # a keyed mart would refuse the bad row as a duplicate
    with scratch, pytest.raises(duckdb.ConstraintException, match=re.escape(message)):
        scratch.execute(f"insert into marts.{table} select * replace ({replacement}) from good_row")


@pytest.mark.parametrize("table", KEYED_MARTS)
def test_a_duplicate_key_is_refused(marts: duckdb.DuckDBPyConnection, table: str) -> None:
    """The unique tests these keys had: the same row a second time is refused by the primary key."""
    scratch = _empty_copy_with_one_good_row(marts, table)
    with scratch, pytest.raises(duckdb.ConstraintException, match="Duplicate key"):
        scratch.execute(f"insert into marts.{table} select * from good_row")


def _empty_copy_with_one_good_row(marts: duckdb.DuckDBPyConnection, table: str) -> duckdb.DuckDBPyConnection:
    ddl = _table_sql(marts, table)
    good = marts.sql(f"select * from marts.{table} limit 1").to_arrow_table()
    assert good.num_rows == 1, f"marts.{table} is empty in the published build"
    scratch = duckdb.connect()
    scratch.execute("create schema marts")
    scratch.execute(ddl)
    scratch.register("good_row", good)
    scratch.execute(f"insert into marts.{table} select * from good_row")
    return scratch
