"""Read marts.customer_value_summaries, read-only, one frame per cut-off."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ml.data import BUILD_HINT, require_columns, warehouse_io_error
from ml.errors import WarehouseNotReadyError
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
    if not path.is_file():
        raise WarehouseNotReadyError(f"warehouse file {path} not found: {BUILD_HINT}")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            require_columns(
                con, path, config.SUMMARIES_TABLE, config.REQUIRED_COLUMNS, "predicted value: rebuild the marts"
            )
            frame = con.execute(
                f"select * from {config.SUMMARIES_TABLE} order by {config.CUT_OFF_COLUMN}, {config.ID_COLUMN}"
            ).df()
    except duckdb.Error as error:
        raise warehouse_io_error(path, "read", error) from error
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return Summaries(frame, digest.hexdigest())
