"""Tell parquet, xlsx and CSV apart by their first bytes, not by the file name, because
exports are often renamed (`data.txt`, `export (1).csv`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pipeline.ingest.errors import InputDataError


class FileFormat(StrEnum):
    PARQUET = "parquet"
    XLSX = "xlsx"
    CSV = "csv"


_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"  # xlsx is a zip container
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def detect_format(path: Path) -> FileFormat:
    if not path.exists():
        raise InputDataError(path, "file not found")
    if path.is_dir():
        raise InputDataError(path, "is a directory, expected a parquet, xlsx or CSV file")
    if path.stat().st_size == 0:
        raise InputDataError(path, "file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_PARQUET_MAGIC):
        return FileFormat.PARQUET
    if head.startswith(_ZIP_MAGIC):
        return FileFormat.XLSX
    if head.startswith(_OLE_MAGIC):
        raise InputDataError(path, "legacy .xls workbooks are not supported; save it as .xlsx or CSV")
    return FileFormat.CSV
