"""Quoting for values pasted into SQL text (file paths in DuckDB readers and COPY statements)."""

from __future__ import annotations


def sql_string(text: str) -> str:
    """A single-quoted SQL literal: a path like /data/o'brien.csv stays one string."""
    return "'" + text.replace("'", "''") + "'"
