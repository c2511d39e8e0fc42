"""One reader per file format. Each leaves a DuckDB temp table `raw_input` with the canonical column
names, every value as text, and `raw_line_number` (1..n in file order), so that validation and
typing are written once for all formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.ingest.columns import CANONICAL_COLUMNS, describe_missing, map_columns
from pipeline.ingest.encoding import detect_encoding
from pipeline.ingest.errors import InputDataError
from pipeline.ingest.formats import FileFormat, detect_format

RAW_INPUT = "raw_input"


@dataclass(frozen=True)
class RawInput:
    path: Path
    file_format: FileFormat
    encoding: str | None
    line_count: int
    # Turns raw_line_number into what the user sees in their file ("line 17", "sheet 2010 row 5").
    locate: Callable[[int], str]


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _require_columns(path: Path, found: list[str]) -> dict[str, str]:
    mapping, missing = map_columns(found)
    if missing:
        raise InputDataError(
            path,
            f"{describe_missing(missing[0])}; columns found: {', '.join(found)}",
            column=missing[0],
        )
    return mapping


def _create_raw_input(con: duckdb.DuckDBPyConnection, source_sql: str, mapping: dict[str, str]) -> None:
    selected = ",\n".join(f'cast("{mapping[c]}" as varchar) as "{c}"' for c in CANONICAL_COLUMNS)
    con.execute(
        f"create or replace temp table {RAW_INPUT} as "
        f"select row_number() over () as raw_line_number, {selected} from {source_sql}"
    )


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select count(*) from {RAW_INPUT}").fetchone()[0]


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    source = f"read_parquet({_sql_string(str(path))})"
    try:
        found = [row[0] for row in con.execute(f"describe select * from {source}").fetchall()]
    except duckdb.Error as error:
        raise InputDataError(path, f"not a readable parquet file ({error})") from error
    _create_raw_input(con, source, _require_columns(path, found))
    return RawInput(path, FileFormat.PARQUET, None, _count(con), lambda n: f"row {n}")


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    encoding = detect_encoding(path)
    # all_varchar: types are checked by our own validation, which names the bad line and value;
    # the sniffer would otherwise fail with a message about its own guesses.
    source = (
        f"read_csv({_sql_string(str(path))}, header = true, all_varchar = true, encoding = {_sql_string(encoding)})"
    )
    try:
        found = [row[0] for row in con.execute(f"describe select * from {source}").fetchall()]
        _create_raw_input(con, source, _require_columns(path, found))
        line_count = _count(con)
    except duckdb.Error as error:
        raise InputDataError(path, f"cannot be read as CSV ({str(error).splitlines()[0]})") from error
    if line_count == 0:
        raise InputDataError(path, "has a header but no data lines")
    # The header is line 1, so data record n sits on line n + 1 (quoted newlines aside).
    return RawInput(path, FileFormat.CSV, encoding, line_count, lambda n: f"line {n + 1}")


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    try:
        sheets = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    except Exception as error:  # calamine raises its own types for corrupt workbooks
        raise InputDataError(path, f"not a readable xlsx workbook ({error})") from error
    sheets = {name: frame for name, frame in sheets.items() if len(frame.columns) > 0}
    if not sheets or all(frame.empty for frame in sheets.values()):
        raise InputDataError(path, "workbook has no data rows")
    frames = []
    boundaries: list[tuple[int, str]] = []  # (first raw_line_number of the sheet, sheet name)
    first_line = 1
    for name, frame in sheets.items():
        mapping = _require_columns(Path(f"{path} (sheet {name!r})"), [str(c) for c in frame.columns])
        renamed = frame[[mapping[c] for c in CANONICAL_COLUMNS]]
        renamed.columns = list(CANONICAL_COLUMNS)
        frames.append(renamed)
        boundaries.append((first_line, name))
        first_line += len(renamed)
    combined = pd.concat(frames, ignore_index=True)
    # Cells arrive as int, float, str or datetime; str() of each gives what a CSV export would
    # hold ('17850.0', '2010-12-01 08:26:00'), so one validation path serves every format.
    text = combined.astype("string")
    con.register("raw_xlsx_frame", text)
    _create_raw_input(con, "raw_xlsx_frame", {c: c for c in CANONICAL_COLUMNS})

    def locate(n: int) -> str:
        start, name = max(b for b in boundaries if b[0] <= n)
        return f"sheet {name!r} row {n - start + 2}"  # row 1 is the header

    return RawInput(path, FileFormat.XLSX, None, len(text), locate)


READERS: dict[FileFormat, Callable[[duckdb.DuckDBPyConnection, Path], RawInput]] = {
    FileFormat.PARQUET: _read_parquet,
    FileFormat.CSV: _read_csv,
    FileFormat.XLSX: _read_xlsx,
}


def read_raw_input(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    return READERS[detect_format(path)](con, path)
