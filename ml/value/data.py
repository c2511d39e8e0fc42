"""Read marts.customer_value_summaries, read-only, one frame per cut-off."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.base.warehouse import read_only, require_columns
from ml.value import config


@dataclass
class Summaries:
    """Every cut-off's summary rows, and the cut-offs by role."""

    frame: pd.DataFrame
    fingerprint: str

    def at(self, cut_off: pd.Timestamp) -> pd.DataFrame:
        rows = self.frame[self.frame[config.CUT_OFF_COLUMN] == cut_off]
        return rows.sort_values(config.ID_COLUMN).reset_index(drop=True)

    def cut_offs(self, kind: str | None = None) -> list[pd.Timestamp]:
        frame = self.frame if kind is None else self.frame[self.frame[config.KIND_COLUMN] == kind]
        return sorted(frame[config.CUT_OFF_COLUMN].unique())

    def earlier_with_holdout_ending_by(self, cut_off: pd.Timestamp) -> list[pd.Timestamp]:
        """Cut-offs whose complete holdout ends on or before `cut_off` (oldest first)."""
        frame = self.frame[self.frame["has_complete_holdout"] & (self.frame["holdout_ends_at"] <= cut_off)]
        return sorted(frame[config.CUT_OFF_COLUMN].unique())


def load_summaries(path: Path) -> Summaries:
    with read_only(path) as con:
        needed_by = "predicted value: rebuild the marts"
        require_columns(con, path, config.SUMMARIES_TABLE, config.REQUIRED_COLUMNS, needed_by)
        frame = con.execute(
            f"select * from {config.SUMMARIES_TABLE} order by {config.CUT_OFF_COLUMN}, {config.ID_COLUMN}"
        ).df()
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return Summaries(frame, digest.hexdigest())
