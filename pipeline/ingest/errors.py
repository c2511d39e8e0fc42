"""The one error type a user sees for bad input: it always names the file, and where known the
column, the line and the offending value, so the fix can be made in the source file."""

from __future__ import annotations

from pathlib import Path


class InputDataError(Exception):
    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        column: str | None = None,
        location: str | None = None,
        value: object = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.column = column
        self.location = location
        self.value = value
        parts = [f"{self.path}:"]
        if column is not None:
            parts.append(f"column {column!r}")
        if location is not None:
            parts.append(f"at {location}")
        if value is not None:
            parts.append(f"value {value!r}:")
        parts.append(problem)
        super().__init__(" ".join(parts))
