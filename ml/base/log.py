"""The ml step's progress lines: one voice for every mode."""

from __future__ import annotations

import os

# Set by `python -m pipeline build` (not with --verbose): detail lines go to this file, in the
# release's ml folder, and only each mode's summary line reaches the terminal. Unset (a direct
# `python -m ml ...`), every line is printed.
DETAIL_LOG_ENV = "LIFECYCLE_ML_DETAIL_LOG"


def log(message: str, summary: bool = False) -> None:
    """One short progress line per step, flushed so it shows live; `summary` marks a mode's one
    line for `make run` (the others go to the detail log when the build names one)."""
    line = f"[ml] {message}"
    detail_log = os.environ.get(DETAIL_LOG_ENV)
    if detail_log:
        with open(detail_log, "a", encoding="utf-8") as sink:
            sink.write(line + "\n")
    if summary or not detail_log:
        print(line, flush=True)
