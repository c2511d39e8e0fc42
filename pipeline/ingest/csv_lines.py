"""Where a CSV record sits in the file, and which line DuckDB's reader could not read.

DuckDB numbers records, not lines: a quoted field holding a newline, or a blank line (which it
skips), moves every later record off its line in the file, and when a record has too few or too
many fields it reports its sniffer's failure without a line. Both are answered here, with
Python's csv module reading the file the way the pinned dialect does (RFC 4180 quotes, the
header's delimiter). Only on the way to an error: a scan in Python costs about a second a million
lines, and a good file never needs it."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

# DuckDB's read_csv refuses a line longer than this (its max_line_size default).
MAX_LINE_BYTES = 2_097_152
QUOTE = '"'
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


def _records(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, its fields) for every non-blank record; csv.Error on a broken quote."""
    csv.field_size_limit(sys.maxsize)  # a long field is reported below, with its line, not by csv
    python_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open(encoding=python_encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar=QUOTE, doublequote=True, strict=True)
        ended = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise csv.Error(f"{error} (from line {ended + 1})") from error
            if fields:
                yield ended + 1, fields
            ended = reader.line_num


def record_line(path: Path, encoding: str, delimiter: str, record: int) -> int | None:
    """The line on which data record `record` (1 = the first after the header) starts."""
    for index, (line, _) in enumerate(_records(path, encoding, delimiter)):
        if index == record:
            return line
    return None


def _field_count_problem(found: int, expected: int, delimiter: str) -> str:
    hint = "a field with a delimiter in it needs double quotes" if found > expected else "cut short?"
    count = f"{found:,} {DELIMITER_NAMES[delimiter]}-separated field{'' if found == 1 else 's'}"
    return f"{count} where the header has {expected} ({hint})"


def first_unreadable_line(path: Path, encoding: str, delimiter: str) -> tuple[int, str] | None:
    """(line, what is wrong with it) for the first record the reader cannot take, else None."""
    try:
        header_fields = None
        for line, fields in _records(path, encoding, delimiter):
            if header_fields is None:
                header_fields = len(fields)
            elif sum(len(field) for field in fields) > MAX_LINE_BYTES:
                return line, f"a record longer than {MAX_LINE_BYTES:,} characters, the most one may hold"
            elif len(fields) != header_fields:
                return line, _field_count_problem(len(fields), header_fields, delimiter)
    except csv.Error as error:
        problem, line = str(error).rsplit(" (from line ", 1)
        return int(line.rstrip(")")), f"a broken double quote ({problem}): a quoted field must end with a quote"
    return None
