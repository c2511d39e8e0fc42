"""Fuzzed input files (hypothesis): every outcome of the load is either every record loaded, value
for value, or one InputDataError naming the file and the line to fix. Never a traceback, never a
record lost in silence.

Files are written by Python's csv module (encodings, a BOM, four delimiters, CRLF, blank lines, quotes,
embedded newlines, hostile strings, very long fields, extra columns, dates in three styles), then
one record is mangled (or none): cut short, a field added, a NUL byte, a thousands separator, a
date in no known format, a quote left open, a field longer than the reader takes. The load stage
only: no dbt build per example. derandomize: CI draws the same examples every run."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import InputDataError, load_raw_lines
from pipeline.ingest.csv_lines import MAX_LINE_BYTES
from tests.ingest.conftest import UCI_COLUMNS

HOSTILE = ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'; drop table raw.transaction_lines; --", 'say "hi"']
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
MANGLES = ("none", "cut short", "extra field", "nul byte", "thousands", "unknown date", "open quote", "too long")


@dataclass
class Record:
    fields: dict[str, str]


def _text(alphabet: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=alphabet, min_size=1, max_size=12))


@st.composite
def records(draw: st.DrawFn, latin1: bool) -> Record:
    alphabet = "abcXYZ £é,;|\t\"'\n" if latin1 else "abcXYZ £é€✓,;|\t\"'\n"
    when = draw(st.datetimes(min_value=pd.Timestamp("2009-12-01"), max_value=pd.Timestamp("2011-12-09")))
    date_style = draw(st.sampled_from(["iso", "us", "iso seconds"]))
    date = {
        "iso": f"{when:%Y-%m-%d %H:%M}",
        "iso seconds": f"{when:%Y-%m-%d %H:%M:%S}",
        "us": f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}",
    }[date_style]
    country = draw(_text(alphabet).map(str.strip).filter(bool))
    return Record(
        {
            "InvoiceNo": str(draw(st.integers(500000, 599999))),
            "StockCode": draw(st.sampled_from(["85123A", "POST", "22633", "=1+1"])),
            "Description": draw(st.one_of(st.none(), _text(alphabet))) or "",
            "Quantity": str(draw(st.integers(-100, 100))),
            "InvoiceDate": date,
            "UnitPrice": f"{draw(st.integers(0, 100000)) / 100:.2f}",
            "CustomerID": draw(st.sampled_from(["", "17850", "17850.0", "12345"])),
            "Country": country,
        }
    )


@st.composite
def csv_files(draw: st.DrawFn) -> dict:
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    rows = draw(st.lists(records(latin1=encoding == "latin-1"), min_size=1, max_size=12))
    mangle = draw(st.sampled_from(MANGLES))
    return {
        "encoding": encoding,
        "delimiter": draw(st.sampled_from([",", ";", "\t", "|"])),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "extra_columns": draw(st.lists(st.sampled_from(["Notes", "Region", "Unnamed: 9"]), unique=True, max_size=2)),
        "blank_after": draw(st.sets(st.integers(0, len(rows) - 1), max_size=2)),
        "rows": rows,
        "mangle": mangle,
        # A quote left open takes in the records after it; when one of them holds a quote the file is
        # valid CSV again, with other records (no reader can know): left open on the last record only.
        "mangled": len(rows) - 1 if mangle == "open quote" else draw(st.integers(0, len(rows) - 1)),
    }


def _line(fields: list[str], delimiter: str, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return out.getvalue()


def write_file(spec: dict, folder: Path) -> tuple[Path, int | None]:
    """The file, and the line of the mangled record (None when nothing is mangled)."""
    delimiter, newline, mangle = spec["delimiter"], spec["newline"], spec["mangle"]
    header = [*UCI_COLUMNS, *spec["extra_columns"]]
    text = _line(header, delimiter, newline)
    mangled_line = None
    for index, record in enumerate(spec["rows"]):
        fields = {**record.fields, **{name: "x" for name in spec["extra_columns"]}}
        line = _line([fields[c] for c in header], delimiter, newline)
        if index == spec["mangled"] and mangle != "none":
            mangled_line = text.count("\n") + 1  # quoted fields hold bare newlines, also in a CRLF file
            line = _mangle(fields, header, delimiter, newline, mangle)
        text += line
        if index in spec["blank_after"]:
            text += newline
    path = folder / 'fuzz o\'brien "export".csv'  # a quote and spaces in the name: no SQL built from it
    path.write_bytes(text.encode(spec["encoding"]))
    return path, mangled_line


def _mangle(fields: dict[str, str], header: list[str], delimiter: str, newline: str, mangle: str) -> str:
    if mangle == "cut short":
        return _line([fields[c] for c in header][:4], delimiter, newline)
    if mangle == "extra field":
        return _line([*(fields[c] for c in header), "surplus"], delimiter, newline)
    if mangle == "open quote":
        return delimiter.join(['"' + fields[header[0]], *("plain" for _ in header[1:])]) + newline
    changed = dict(fields)
    if mangle == "nul byte":
        changed["Description"] = "nul\x00byte"
    elif mangle == "thousands":
        changed["Quantity"] = "1,200"
    elif mangle == "unknown date":
        changed["InvoiceDate"] = "2011.03.04 10h00"
    elif mangle == "too long":
        changed["Description"] = "x" * (MAX_LINE_BYTES + 10)
    return _line([changed[c] for c in header], delimiter, newline)


def _load(path: Path) -> pd.DataFrame:
    with duckdb.connect(config={"preserve_insertion_order": False}) as con:
        summary = load_raw_lines(con, path)
        loaded = con.execute("select * from raw.transaction_lines order by raw_line_number").df()
    assert summary.lines == len(loaded)
    return loaded


OUTCOMES: dict[str, int] = {}  # what the examples ended in, by mangle (printed with -s)


def check_load(spec: dict) -> None:
    """Every record loaded value for value, or one error naming the file and the mangled line."""
    with tempfile.TemporaryDirectory() as folder:
        path, mangled_line = write_file(spec, Path(folder))
        try:
            loaded = _load(path)
        except InputDataError as error:
            OUTCOMES[f"error: {spec['mangle']}"] = OUTCOMES.get(f"error: {spec['mangle']}", 0) + 1
            assert spec["mangle"] != "none", f"a good file was refused: {error}"
            assert str(error).startswith(f"{path}:"), "the error names the file first"
            assert error.location == f"line {mangled_line}", f"{spec['mangle']}: {error}"
            return
    OUTCOMES["loaded"] = OUTCOMES.get("loaded", 0) + 1
    assert spec["mangle"] == "none", f"{spec['mangle']} at line {mangled_line} loaded in silence"
    rows = spec["rows"]
    assert len(loaded) == len(rows), "every record is a raw line, none lost, none invented"
    assert list(loaded["InvoiceNo"]) == [r.fields["InvoiceNo"] for r in rows]
    assert list(loaded["Description"].fillna("")) == [r.fields["Description"] for r in rows]
    assert list(loaded["Country"]) == [r.fields["Country"] for r in rows]


@FUZZ
@given(spec=csv_files())
def test_a_fuzzed_csv_loads_every_record_or_names_the_file_and_line(spec: dict) -> None:
    check_load(spec)


FIXED_ROWS = [
    Record(
        dict(
            zip(
                UCI_COLUMNS,
                ["536365", "85123A", 'WHITE "HEART",\nT-LIGHT', "6", "12/1/2010 8:26", "2.55", "17850", "UK"],
                strict=True,
            )
        )
    ),
    Record(
        dict(
            zip(
                UCI_COLUMNS,
                ["536366", "=1+1", HOSTILE[0], "-2", "2010-12-01 08:28", "1.85", "", HOSTILE[1]],
                strict=True,
            )
        )
    ),
    Record(
        dict(
            zip(
                UCI_COLUMNS,
                ["536367", "POST", HOSTILE[2], "1", "2010-12-01 09:00:00", "18.00", "12345.0", "EIRE"],
                strict=True,
            )
        )
    ),
]


@pytest.mark.parametrize("mangle", MANGLES)
def test_every_mangle_of_one_file_is_named_by_its_line(mangle: str) -> None:
    """Each mangle at least once, whatever hypothesis draws: CRLF, a BOM, semicolons, a blank line."""
    spec = {"encoding": "utf-8-sig", "delimiter": ";", "newline": "\r\n", "extra_columns": ["Notes"]}
    check_load(spec | {"blank_after": {0}, "rows": FIXED_ROWS, "mangle": mangle, "mangled": len(FIXED_ROWS) - 1})


@st.composite
def workbooks(draw: st.DrawFn) -> dict:
    return {
        "title_rows": draw(st.integers(0, 3)),  # a merged title, then blank rows, above the header
        "extra_sheets": draw(st.lists(st.sampled_from(["notes", "empty", "pivot"]), unique=True, max_size=3)),
        "split": draw(st.integers(1, 5)),  # data rows on the first sheet; the rest on a second
        "bad_row": draw(st.one_of(st.none(), st.integers(0, 5))),
    }


def _write_workbook(spec: dict, path: Path) -> str | None:
    """The workbook, and where its bad cell is ('sheet ... row n'), if it has one."""
    from tests.ingest.conftest import synthetic_lines

    lines = synthetic_lines().astype({"Quantity": object})
    if spec["bad_row"] is not None:
        lines.loc[spec["bad_row"], "Quantity"] = "a dozen"
    parts = {"2010": lines.iloc[: spec["split"]], "2011": lines.iloc[spec["split"] :]}
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for extra in spec["extra_sheets"]:
            frame = {"notes": pd.DataFrame({"Note": ["exported"]}), "empty": pd.DataFrame(), "pivot": lines.head(0)}
            frame[extra].to_excel(writer, sheet_name=extra, index=False)
        for name, part in parts.items():
            part.to_excel(writer, sheet_name=name, index=False, startrow=spec["title_rows"])
            if spec["title_rows"]:
                writer.sheets[name].merge_range(0, 0, 0, len(UCI_COLUMNS) - 1, f"Sales {name}")
    if spec["bad_row"] is None:
        return None
    sheet = "2010" if spec["bad_row"] < spec["split"] else "2011"
    row_in_sheet = spec["bad_row"] - (0 if sheet == "2010" else spec["split"])
    return f"sheet {sheet!r} row {spec['title_rows'] + row_in_sheet + 2}"


@settings(max_examples=12, deadline=None, derandomize=True)
@given(spec=workbooks())
def test_a_fuzzed_workbook_loads_every_row_or_names_the_sheet_and_row(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book with 'quotes'.xlsx"
        bad_cell = _write_workbook(spec, path)
        try:
            loaded = _load(path)
        except InputDataError as error:
            OUTCOMES["workbook error: bad cell"] = OUTCOMES.get("workbook error: bad cell", 0) + 1
            assert bad_cell is not None, f"a good workbook was refused: {error}"
            assert str(error).startswith(f"{path}:") and error.location == bad_cell, str(error)
            return
    OUTCOMES["workbook loaded"] = OUTCOMES.get("workbook loaded", 0) + 1
    assert bad_cell is None, f"the bad cell at {bad_cell} loaded in silence"
    assert list(loaded["InvoiceNo"]) == ["900001", "900001", "C900002", "900003", "900004", "900005"]
