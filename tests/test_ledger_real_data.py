"""The row ledger on the real data: every raw line accounted for, and the seed policy's three
filters keep exactly the lines the seed document kept (406,829 with a customer, 397,924 of those
with quantity > 0, 397,884 of those with price > 0)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

RAW_LINES = 541_909  # ../shared/data/README.md


def _warehouse(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value or not Path(value).exists():
        pytest.skip(f"{variable} not set: build the real-data warehouse first (make test does)")
    return Path(value)


def _outcomes(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("select cleaning_outcome, line_count from marts.cleaning_audit").fetchall()
    return dict(rows)


def test_seed_policy_keeps_exactly_the_seed_documents_lines() -> None:
    outcomes = _outcomes(_warehouse("LIFECYCLE_REAL_SEED_WAREHOUSE"))
    assert outcomes["kept"] == 397_884
    assert outcomes["missing_customer"] == RAW_LINES - 406_829
    assert outcomes["non_positive_quantity"] == 406_829 - 397_924
    assert outcomes["non_positive_price"] == 397_924 - 397_884
    assert sum(outcomes.values()) == RAW_LINES


@pytest.mark.parametrize("variable", ["LIFECYCLE_REAL_SEED_WAREHOUSE", "LIFECYCLE_REAL_STRICT_WAREHOUSE"])
def test_ledger_has_every_raw_line_once(variable: str) -> None:
    with duckdb.connect(str(_warehouse(variable)), read_only=True) as con:
        raw, ledger, distinct_ids, kept, excluded = con.execute(
            """
            select
                (select count(*) from raw.transaction_lines),
                count(*),
                count(distinct transaction_line_id),
                count(*) filter (where ledger_status = 'kept'),
                count(*) filter (where ledger_status = 'excluded')
            from intermediate.int_transaction_lines_ledgered
            """
        ).fetchone()
    assert raw == ledger == distinct_ids == RAW_LINES
    assert kept + excluded == RAW_LINES


def test_strict_policy_excludes_each_quality_flag() -> None:
    outcomes = _outcomes(_warehouse("LIFECYCLE_REAL_STRICT_WAREHOUSE"))
    assert {"cancellation", "non_product_code", "exact_duplicate", "missing_customer"} <= set(outcomes)
    assert outcomes["kept"] < 397_884  # stricter than the seed's three filters
    assert sum(outcomes.values()) == RAW_LINES
