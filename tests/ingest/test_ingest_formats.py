"""Every format users bring loads into the same typed raw table, line for line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.ingest.conftest import RETAIL_II_NAMES, UCI_COLUMNS


def assert_same_lines(loaded: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(loaded["raw_line_number"]) == list(range(1, len(expected) + 1))
    # Written in file order: the source's unique_row_position test relies on it.
    assert list(loaded["row_position"]) == list(loaded["raw_line_number"])
    assert list(loaded["InvoiceNo"]) == list(expected["InvoiceNo"])
    assert list(loaded["Quantity"]) == list(expected["Quantity"])
    assert list(loaded["UnitPrice"]) == pytest.approx(list(expected["UnitPrice"]))
    assert list(loaded["InvoiceDate"]) == list(expected["InvoiceDate"])
    expected_ids = [None if pd.isna(v) else str(int(v)) for v in expected["CustomerID"]]
    assert [None if pd.isna(v) else v for v in loaded["CustomerID"]] == expected_ids
    assert list(loaded["Description"].fillna("<null>")) == list(expected["Description"].fillna("<null>"))


def test_parquet_with_uci_types_loads_every_line(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    frame = lines.assign(InvoiceDate=lines["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    path = tmp_path / "lines.parquet"
    frame.to_parquet(path)
    assert_same_lines(load(path), lines)


def test_utf8_csv_with_iso_dates_loads_every_line(lines: pd.DataFrame, write_csv, load) -> None:
    assert_same_lines(load(write_csv(lines, encoding="utf-8", dates="iso")), lines)


def test_latin1_csv_with_us_dates_keeps_the_pound_sign(lines: pd.DataFrame, write_csv, load) -> None:
    path = write_csv(lines, encoding="latin-1", dates="us")
    assert b"\xa3" in path.read_bytes()  # the pound sign as ISO-8859-1's single byte
    loaded = load(path)
    assert_same_lines(loaded, lines)
    assert "Gift Voucher £40.00" in set(loaded["Description"])


@pytest.mark.parametrize("written", ["17001", "17001.0", ""])
def test_customer_id_in_any_spelling_becomes_the_same_text(tmp_path: Path, lines: pd.DataFrame, load, written) -> None:
    frame = lines.head(1).astype({"CustomerID": object})
    frame.loc[0, "CustomerID"] = written
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    loaded = load(path)
    assert loaded.loc[0, "CustomerID"] == ("17001" if written else None)


def test_day_first_dates_are_used_only_when_month_first_cannot_parse(tmp_path: Path, load) -> None:
    path = tmp_path / "uk_dates.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,x,1,25/12/2010 10:00,1.0,1,UK\n"
        "2,A,x,1,01/02/2011 10:00,1.0,1,UK\n"
    )
    dates = list(load(path)["InvoiceDate"])
    assert dates == [pd.Timestamp("2010-12-25 10:00"), pd.Timestamp("2011-02-01 10:00")]


def test_online_retail_ii_column_names_are_mapped(lines: pd.DataFrame, write_csv, load) -> None:
    assert_same_lines(load(write_csv(lines.rename(columns=RETAIL_II_NAMES))), lines)


def test_xlsx_as_uci_distributes_it_loads_every_line(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    path = tmp_path / "Online Retail.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        lines.to_excel(writer, sheet_name="Online Retail", index=False)
    assert_same_lines(load(path), lines)


def test_xlsx_with_one_sheet_per_year_is_read_whole(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    path = tmp_path / "online_retail_II.xlsx"
    renamed = lines.rename(columns=RETAIL_II_NAMES)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        renamed.iloc[:2].to_excel(writer, sheet_name="Year 2009-2010", index=False)
        renamed.iloc[2:].to_excel(writer, sheet_name="Year 2010-2011", index=False)
    assert_same_lines(load(path), lines)


def test_format_is_detected_from_content_not_the_file_name(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    path = tmp_path / "export.txt"
    lines.assign(InvoiceDate=lines["InvoiceDate"].astype(str)).to_parquet(path)
    assert_same_lines(load(path), lines)


def test_column_order_and_case_do_not_matter(lines: pd.DataFrame, write_csv, load) -> None:
    shuffled = lines[list(reversed(UCI_COLUMNS))].rename(columns=str.lower)
    assert_same_lines(load(write_csv(shuffled)), lines)


def test_typed_parquet_timestamps_with_zone_or_milliseconds_load(tmp_path: Path, lines: pd.DataFrame, load) -> None:
    aware = lines.assign(InvoiceDate=lines["InvoiceDate"].dt.tz_localize("Europe/London").dt.tz_convert("UTC"))
    path = tmp_path / "aware.parquet"
    aware.to_parquet(path)
    assert list(load(path)["InvoiceDate"]) == list(lines["InvoiceDate"])  # winter dates: London = UTC

    precise = lines.assign(InvoiceDate=lines["InvoiceDate"] + pd.Timedelta(milliseconds=250))
    path = tmp_path / "precise.parquet"
    precise.to_parquet(path)
    assert list(load(path)["InvoiceDate"]) == list(lines["InvoiceDate"])


def test_xlsx_sheets_of_another_layout_are_skipped(tmp_path: Path, lines: pd.DataFrame, load, capsys) -> None:
    path = tmp_path / "with_notes.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        pd.DataFrame({"Note": ["exported from the shop system"]}).to_excel(writer, sheet_name="Notes", index=False)
        lines.to_excel(writer, sheet_name="Online Retail", index=False)
    assert_same_lines(load(path), lines)
    assert "skipping sheet 'Notes'" in capsys.readouterr().out


def test_text_columns_are_trimmed(lines: pd.DataFrame, write_csv, load) -> None:
    padded = lines.assign(StockCode=" POST ", Country="United Kingdom ")
    loaded = load(write_csv(padded))
    assert set(loaded["StockCode"]) == {"POST"}
    assert set(loaded["Country"]) == {"United Kingdom"}


def test_semicolon_delimited_export_loads(lines: pd.DataFrame, tmp_path: Path, load) -> None:
    path = tmp_path / "european.csv"
    lines.to_csv(path, index=False, sep=";")
    assert_same_lines(load(path), lines)
