"""One reader per file format. Each leaves `raw_input` (a DuckDB temp table; a view for parquet)
with the canonical column names, every value as text, and `raw_line_number` (1..n in file order), so that validation and
typing are written once for all formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipeline.ingest.columns import CANONICAL_COLUMNS, describe_missing, map_columns
from pipeline.ingest.csv_lines import first_unreadable_line, record_line
from pipeline.ingest.encoding import detect_encoding
from pipeline.ingest.errors import InputDataError
from pipeline.ingest.formats import FileFormat, detect_format
from pipeline.sql import sql_string

if TYPE_CHECKING:
    import pandas as pd

RAW_INPUT = "raw_input"


@dataclass(frozen=True)
class RawInput:
    path: Path
    file_format: FileFormat
    encoding: str | None
    line_count: int
    # Turns raw_line_number into what the user sees in their file ("line 17", "sheet 2010 row 5").
    locate: Callable[[int], str]


def _require_columns(path: Path, found: list[str]) -> dict[str, str]:
    mapping, missing = map_columns(found)
    if missing:
        raise InputDataError(
            path,
            f"{describe_missing(missing[0])}; columns found: {', '.join(found)}",
            column=missing[0],
        )
    return mapping


def _as_text(column: str, source_type: str) -> str:
    """Typed timestamps become the text our date rule parses; time zones are converted to UTC
    first, because invoice times are compared across customers."""
    if source_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"strftime(timezone('UTC', \"{column}\"), '%Y-%m-%d %H:%M:%S')"
    if source_type.startswith(("TIMESTAMP", "DATE")):
        return f"strftime(cast(\"{column}\" as timestamp), '%Y-%m-%d %H:%M:%S')"
    return f'cast("{column}" as varchar)'


def _create_raw_input(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    mapping: dict[str, str],
    types: dict[str, str],
    order_by: str = "",
    materialise: bool = True,
    line_number: str | None = None,
) -> None:
    selected = ",\n".join(f'{_as_text(mapping[c], types.get(mapping[c], ""))} as "{c}"' for c in CANONICAL_COLUMNS)
    # Text files are parsed once into a temp table, since validation reads them several times;
    # parquet is cheap to rescan, and a text copy of 55 M lines would sit in memory.
    kind = "temp table" if materialise else "temp view"
    line_number = line_number or f"row_number() over ({order_by})"
    con.execute(
        f"create or replace {kind} {RAW_INPUT} as select {line_number} as raw_line_number, {selected} from {source_sql}"
    )


def _describe(con: duckdb.DuckDBPyConnection, source_sql: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"describe select * from {source_sql}").fetchall()}


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select count(*) from {RAW_INPUT}").fetchone()[0]


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    # file_row_number (0-based) pins raw_line_number to the file's row order, whatever the scan
    # order. Used as is, not through row_number() over (order by ...): that window sorted the
    # whole file on every scan of the view (a third of the load time at 5 M lines).
    source = f"read_parquet({sql_string(str(path))}, file_row_number = true)"
    try:
        types = _describe(con, source)
        mapping = _require_columns(path, [c for c in types if c != "file_row_number"])
        _create_raw_input(con, source, mapping, types, materialise=False, line_number="file_row_number + 1")
        line_count = _count(con)
    except duckdb.Error as error:
        raise InputDataError(path, f"not a readable parquet file ({_first_line(error)})") from error
    if line_count == 0:
        raise InputDataError(path, "has no rows")
    return RawInput(path, FileFormat.PARQUET, None, line_count, lambda n: f"row {n}")


_DELIMITERS = (",", ";", "\t", "|")


def _delimiter(path: Path, encoding: str) -> str:
    """The header's most frequent candidate: European spreadsheet exports use ';'."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        header = handle.readline()
    return max(_DELIMITERS, key=header.count)


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    encoding = detect_encoding(path)
    delimiter = _delimiter(path, encoding)
    # all_varchar: types are checked by our own validation, which names the bad line and value;
    # the sniffer would otherwise fail with a message about its own guesses.
    # Dialect pinned (the header's delimiter, RFC 4180 quoting, strict mode): left to the sniffer, an
    # unterminated quote is read as a literal character and the line loads silently garbled.
    source = (
        f"read_csv({sql_string(str(path))}, header = true, all_varchar = true, "
        f"encoding = {sql_string(encoding)}, delim = {sql_string(delimiter)}, "
        "quote = '\"', escape = '\"', strict_mode = true)"
    )
    try:
        types = _describe(con, source)
        _create_raw_input(con, source, _require_columns(path, list(types)), types)
        line_count = _count(con)
    except (duckdb.Error, InputDataError) as error:
        # DuckDB names no line for a record with too few or too many fields (and with one such
        # record its sniffer may take it for the header, so columns seem missing): find it.
        found = first_unreadable_line(path, encoding, delimiter)
        if found:
            raise InputDataError(path, f"cannot be read as CSV: {found[1]}", location=f"line {found[0]}") from error
        if isinstance(error, InputDataError):
            raise
        raise InputDataError(path, f"cannot be read as CSV ({_first_line(error)})") from error
    if line_count == 0:
        raise InputDataError(path, "has a header but no data lines")
    # Record n is on line n + 1 only without quoted newlines or blank lines before it: count them.
    return RawInput(
        path,
        FileFormat.CSV,
        encoding,
        line_count,
        lambda n: f"line {record_line(path, encoding, delimiter, n) or n + 1}",
    )


# A report's title (often merged across the columns) and blank rows above the header: how many rows
# are searched for it.
TITLE_ROWS = 5


def _below_title_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The sheet's data under its real header, and the sheet row of that header (1 when it is first).

    A sheet whose first row is not the header (a merged title row, a blank row) would otherwise be
    skipped for want of columns."""
    if not map_columns([str(c) for c in frame.columns])[1]:
        return frame, 1
    for index in range(min(TITLE_ROWS, len(frame))):
        cells = ["" if value is None else str(value) for value in frame.iloc[index]]
        if not map_columns(cells)[1]:
            below = frame.iloc[index + 1 :].reset_index(drop=True)
            below.columns = cells
            return below, index + 2
    return frame, 1


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    import pandas as pd  # only workbooks need it; importing it up front delayed dbt's start by 0.4 s

    try:
        sheets = pd.read_excel(path, sheet_name=None, engine="calamine", dtype=object)
    except Exception as error:  # calamine raises its own types for corrupt workbooks
        raise InputDataError(path, f"not a readable xlsx workbook ({error})") from error
    sheets = {name: frame for name, frame in sheets.items() if len(frame.columns) > 0}
    if not sheets or all(frame.empty for frame in sheets.values()):
        raise InputDataError(path, "workbook has no data rows")
    frames = []
    # (first raw_line_number of the sheet, sheet name, the sheet's row of its header)
    boundaries: list[tuple[int, str, int]] = []
    skipped: list[tuple[str, InputDataError]] = []
    first_line = 1
    for name, frame in sheets.items():
        frame, header_row = _below_title_rows(frame)
        try:
            mapping = _require_columns(Path(f"{path} (sheet {name!r})"), [str(c) for c in frame.columns])
        except InputDataError as error:
            skipped.append((name, error))  # a notes or pivot sheet beside the data
            continue
        renamed = frame[[mapping[c] for c in CANONICAL_COLUMNS]]
        renamed.columns = list(CANONICAL_COLUMNS)
        frames.append(renamed)
        boundaries.append((first_line, name, header_row))
        first_line += len(renamed)
    if not frames:
        raise skipped[0][1]
    for name, error in skipped:
        print(f"[load] skipping sheet {name!r}: {error.problem}", flush=True)
    combined = pd.concat(frames, ignore_index=True)
    # Cells arrive as int, float, str or datetime; str() of each gives what a CSV export would
    # hold ('17850.0', '2010-12-01 08:26:00'), so one validation path serves every format.
    text = combined.astype("string")
    text["sheet_row_order"] = range(len(text))
    con.register("raw_xlsx_frame", text)
    _create_raw_input(con, "raw_xlsx_frame", {c: c for c in CANONICAL_COLUMNS}, {}, order_by="order by sheet_row_order")

    def locate(n: int) -> str:
        start, name, header_row = max((b for b in boundaries if b[0] <= n), key=lambda b: b[0])
        return f"sheet {name!r} row {n - start + header_row + 1}"

    return RawInput(path, FileFormat.XLSX, None, len(text), locate)


READERS: dict[FileFormat, Callable[[duckdb.DuckDBPyConnection, Path], RawInput]] = {
    FileFormat.PARQUET: _read_parquet,
    FileFormat.CSV: _read_csv,
    FileFormat.XLSX: _read_xlsx,
}


def read_raw_input(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    return READERS[detect_format(path)](con, path)
