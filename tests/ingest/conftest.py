"""Synthetic transaction files in every format users bring (never rows of the real data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

UCI_COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
RETAIL_II_NAMES = {"InvoiceNo": "Invoice", "UnitPrice": "Price", "CustomerID": "Customer ID"}


def synthetic_lines() -> pd.DataFrame:
    """Six lines covering the quirks: a pound sign, a cancellation, a guest line, a zero price."""
    return pd.DataFrame(
        {
            "InvoiceNo": ["900001", "900001", "C900002", "900003", "900004", "900005"],
            "StockCode": ["10001A", "POST", "10001A", "20002", "30003", "40004"],
            "Description": ["LANTERN", "POSTAGE", "LANTERN", "Gift Voucher £40.00", None, "MUG"],
            "Quantity": [6, 1, -2, 1, 12, 3],
            "InvoiceDate": pd.to_datetime(
                [
                    "2011-01-04 08:26:00",
                    "2011-01-04 08:26:00",
                    "2011-01-05 14:05:00",
                    "2011-02-13 09:30:00",
                    "2011-03-01 17:59:00",
                    "2011-12-09 12:50:00",
                ]
            ),
            "UnitPrice": [2.55, 18.0, 2.55, 40.0, 0.0, 1.25],
            "CustomerID": [17001.0, 17001.0, 17001.0, None, 17002.0, 17003.0],
            "Country": ["United Kingdom", "United Kingdom", "United Kingdom", "France", "United Kingdom", "EIRE"],
        }
    )


def us_date(value: pd.Timestamp) -> str:
    """The UCI CSV download's style: 12/1/2010 8:26 (no zero padding)."""
    return f"{value.month}/{value.day}/{value.year} {value.hour}:{value.minute:02d}"


@pytest.fixture
def lines() -> pd.DataFrame:
    return synthetic_lines()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(frame: pd.DataFrame, name: str = "lines.csv", encoding: str = "utf-8", dates: str = "iso") -> Path:
        out = frame.copy()
        if dates == "us":
            out["InvoiceDate"] = out["InvoiceDate"].map(us_date)
        path = tmp_path / name
        out.to_csv(path, index=False, encoding=encoding)
        return path

    return write


@pytest.fixture
def load(tmp_path: Path) -> Callable[[Path], pd.DataFrame]:
    """Load a file with the project's loader and return the typed raw table."""
    from pipeline.ingest import load_raw_lines

    def run(path: Path) -> pd.DataFrame:
        # As dbt's connection, which the plain-dbt plugin loads with: insertion order not preserved.
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), config={"preserve_insertion_order": False}) as con:
            load_raw_lines(con, path)
            return con.execute(
                "select rowid + 1 as row_position, * from raw.transaction_lines order by raw_line_number"
            ).df()

    return run
