"""Bad input stops the load with a message naming the file, the column, the line and the value."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import InputDataError

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
GOOD_LINE = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"


def write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_is_named(tmp_path: Path, load) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(InputDataError, match=r"nowhere\.csv: file not found"):
        load(path)


def test_empty_file_is_refused(tmp_path: Path, load) -> None:
    with pytest.raises(InputDataError, match=r"empty\.csv: file is empty"):
        load(write(tmp_path, "", "empty.csv"))


def test_header_without_lines_is_refused(tmp_path: Path, load) -> None:
    with pytest.raises(InputDataError, match="header but no data lines"):
        load(write(tmp_path, HEADER))


def test_missing_required_column_is_named_with_its_accepted_spellings(tmp_path: Path, load) -> None:
    text = HEADER.replace(",UnitPrice", "") + GOOD_LINE.replace(",2.55", "")
    with pytest.raises(InputDataError) as raised:
        load(write(tmp_path, text))
    message = str(raised.value)
    assert "bad.csv" in message
    assert "column 'UnitPrice'" in message
    assert "'Price'" in message


@pytest.mark.parametrize(
    ("column", "bad_line", "value"),
    [
        ("Quantity", "536366,22633,WARMER,six,2010-12-01 08:28:00,1.85,17850,United Kingdom\n", "six"),
        ("Quantity", "536366,22633,WARMER,2.5,2010-12-01 08:28:00,1.85,17850,United Kingdom\n", "2.5"),
        ("UnitPrice", "536366,22633,WARMER,6,2010-12-01 08:28:00,1;85,17850,United Kingdom\n", "1;85"),
        ("InvoiceDate", "536366,22633,WARMER,6,yesterday,1.85,17850,United Kingdom\n", "yesterday"),
        ("InvoiceDate", "536366,22633,WARMER,6,,1.85,17850,United Kingdom\n", "(empty)"),
        ("CustomerID", "536366,22633,WARMER,6,2010-12-01 08:28:00,1.85,ABC,United Kingdom\n", "ABC"),
        ("CustomerID", "536366,22633,WARMER,6,2010-12-01 08:28:00,1.85,1e20,United Kingdom\n", "1e20"),
        ("UnitPrice", "536366,22633,WARMER,6,2010-12-01 08:28:00,nan,17850,United Kingdom\n", "nan"),
        ("UnitPrice", "536366,22633,WARMER,6,2010-12-01 08:28:00,inf,17850,United Kingdom\n", "inf"),
        ("Quantity", "536366,22633,WARMER,nan,2010-12-01 08:28:00,1.85,17850,United Kingdom\n", "nan"),
        ("Country", "536366,22633,WARMER,6,2010-12-01 08:28:00,1.85,17850,  \n", "(empty)"),
    ],
)
def test_unparsable_value_names_column_line_and_value(tmp_path: Path, load, column, bad_line, value) -> None:
    path = write(tmp_path, HEADER + GOOD_LINE + GOOD_LINE + bad_line + GOOD_LINE)
    with pytest.raises(InputDataError) as raised:
        load(path)
    error = raised.value
    assert (error.column, error.location, error.value) == (column, "line 4", value)
    assert str(path) in str(error)
    assert f"column {column!r} at line 4 value {value!r}" in str(error)


def test_bad_value_in_xlsx_names_sheet_and_row(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    frame = lines.astype({"Quantity": object})
    frame.loc[3, "Quantity"] = "a dozen"
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        frame.iloc[:2].to_excel(writer, sheet_name="2010", index=False)
        frame.iloc[2:].to_excel(writer, sheet_name="2011", index=False)
    with pytest.raises(InputDataError) as raised:
        load(path)
    assert (raised.value.column, raised.value.location, raised.value.value) == (
        "Quantity",
        "sheet '2011' row 3",
        "a dozen",
    )


def test_utf16_file_is_refused_as_undecodable(tmp_path: Path, load) -> None:
    path = tmp_path / "utf16.csv"
    path.write_text(HEADER + GOOD_LINE, encoding="utf-16")
    with pytest.raises(InputDataError, match="cannot decode the file as UTF-8 or ISO-8859-1"):
        load(path)


def test_binary_garbage_is_refused_as_undecodable(tmp_path: Path, load) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(HEADER.encode() + bytes(range(256)) * 4)
    with pytest.raises(InputDataError, match=r"at line 2 cannot decode .* control byte 0x00 at byte 82"):
        load(path)


def test_cli_exits_non_zero_with_a_one_line_message(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_LINE.replace(",6,", ",six,"))
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--data", str(path), "--warehouse", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert f"error: {path}: column 'Quantity' at line 2 value 'six': expected a whole number" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_unterminated_quote_is_a_one_line_csv_error_naming_the_line(tmp_path: Path, load) -> None:
    path = write(tmp_path, HEADER + GOOD_LINE + '536366,22633,"WARMER,6,2010-12-01 08:28:00,1.85,17850,UK\n')
    with pytest.raises(InputDataError, match=r"at line 3 cannot be read as CSV: a broken double quote") as raised:
        load(path)
    assert raised.value.location == "line 3"


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ("536366,22633,WARMER,6\n", "4 comma-separated fields where the header has 8 (cut short?)"),
        (GOOD_LINE.strip() + ",extra\n", "9 comma-separated fields where the header has 8"),
        ("   \n", "1 comma-separated field where the header has 8"),
    ],
)
def test_a_record_with_too_few_or_too_many_fields_is_named_by_its_line(tmp_path: Path, load, bad_line, problem) -> None:
    # Was DuckDB's "Error when sniffing file", with no line. A blank line before it is skipped, not counted.
    path = write(tmp_path, HEADER + GOOD_LINE + "\n" + bad_line + GOOD_LINE)
    with pytest.raises(InputDataError, match=f"at line 4 cannot be read as CSV: {re.escape(problem)}"):
        load(path)


def test_a_bad_value_after_a_quoted_newline_is_named_by_its_line_in_the_file(tmp_path: Path, load) -> None:
    two_lines = '536366,22633,"WARMER\nLARGE",6,2010-12-01 08:28:00,1.85,17850,UK\n'
    path = write(tmp_path, HEADER + two_lines + GOOD_LINE.replace(",6,", ",six,"))
    with pytest.raises(InputDataError) as raised:
        load(path)
    assert (raised.value.column, raised.value.location) == ("Quantity", "line 4")


def test_parquet_with_unusable_column_type_names_the_column(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    frame = lines.assign(Quantity=[[1]] * len(lines))  # a list column: no number to be had
    path = tmp_path / "odd.parquet"
    frame.to_parquet(path)
    with pytest.raises(InputDataError) as raised:
        load(path)
    assert raised.value.column == "Quantity"
    assert raised.value.location == "row 1"


def test_path_with_a_quote_loads_and_exports(tmp_path: Path, lines: pd.DataFrame, write_csv, load) -> None:
    folder = tmp_path / "o'brien"
    folder.mkdir()
    path = write_csv(lines, name="o'brien/lines.csv")
    assert len(load(path)) == len(lines)
