"""The out-of-time protocol as pure functions of the labelled as-of dates.

Test as-of T: the latest labelled as-of. Training as-ofs: those whose label window ends on or
before T, so no training label looks at anything on or after T. Calibration as-of C: the latest
training as-of; the model is fitted on the training as-ofs before C, calibrated on C (data later
than its fit data) and evaluated on T.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.errors import NotEnoughHistoryError
from ml.forward import config


@dataclass(frozen=True)
class DataSpan:
    """What the data covers, for errors that say how much more is needed."""

    first_purchase_at: pd.Timestamp | None
    current_as_of: pd.Timestamp | None
    horizon_days: int | None

    def describe(self) -> str:
        if self.first_purchase_at is None or self.current_as_of is None:
            return "the snapshots hold no purchase"
        days = (self.current_as_of - self.first_purchase_at).days
        return (
            f"the data spans {days} days ({self.first_purchase_at:%Y-%m-%d} to the current as-of "
            f"{self.current_as_of:%Y-%m-%d})"
        )

    def need(self) -> str:
        horizon = f"{self.horizon_days}" if self.horizon_days is not None else "churn_horizon_days"
        return f"{' + '.join(config.SPAN_VARS)} days (horizon {horizon})"


@dataclass(frozen=True)
class Split:
    """One fit/calibrate/test split; every date is an as-of (timestamp)."""

    fit_as_ofs: tuple[pd.Timestamp, ...]
    calibration_as_of: pd.Timestamp
    test_as_of: pd.Timestamp | None  # None for the scoring split (the current as-of has no label)

    def as_dict(self) -> dict:
        return {
            "fit_as_ofs": [f"{t:%Y-%m-%d %H:%M}" for t in self.fit_as_ofs],
            "calibration_as_of": f"{self.calibration_as_of:%Y-%m-%d %H:%M}",
            "test_as_of": None if self.test_as_of is None else f"{self.test_as_of:%Y-%m-%d %H:%M}",
        }


def labelled_as_ofs(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per labelled as-of with its label window end, oldest first."""
    as_ofs = snapshots[[config.AS_OF_COLUMN, config.LABEL_END_COLUMN]].drop_duplicates()
    if as_ofs[config.AS_OF_COLUMN].duplicated().any():
        raise ValueError("an as-of has more than one label window end")
    return as_ofs.sort_values(config.AS_OF_COLUMN).reset_index(drop=True)


def split_for_test(as_ofs: pd.DataFrame, test_as_of: pd.Timestamp, span: DataSpan) -> Split:
    """Fit on training as-ofs before C, calibrate on C (the latest training as-of), test on test_as_of."""
    ends_by_test = as_ofs[config.LABEL_END_COLUMN] <= test_as_of
    before_test = as_ofs[config.AS_OF_COLUMN] < test_as_of
    training = as_ofs.loc[ends_by_test & before_test, config.AS_OF_COLUMN].tolist()
    if len(training) < 2:
        raise NotEnoughHistoryError(
            f"test as-of {test_as_of:%Y-%m-%d} has {len(training)} earlier as-of(s) whose label window ends by it, "
            f"need 2 (fit + calibrate): {span.describe()}; that needs about {span.need()} + two horizons "
            "+ one snapshot step"
        )
    return Split(tuple(training[:-1]), training[-1], test_as_of)


def out_of_time_split(as_ofs: pd.DataFrame, span: DataSpan) -> Split:
    """The headline split: test on the latest labelled as-of."""
    require_labelled(as_ofs, span)
    return split_for_test(as_ofs, as_ofs[config.AS_OF_COLUMN].iloc[-1], span)


def backtest_splits(as_ofs: pd.DataFrame, span: DataSpan, count: int = config.BACKTEST_TEST_AS_OFS) -> list[Split]:
    """The protocol repeated on the latest `count` labelled as-ofs that have a split, oldest first.

    The latest (T) must have one (out_of_time_split raises otherwise); older test as-ofs without
    enough history before them are skipped, so short data gives fewer than `count`.
    """
    splits = [out_of_time_split(as_ofs, span)]
    for test_as_of in reversed(as_ofs[config.AS_OF_COLUMN].iloc[:-1].tolist()):
        if len(splits) == count:
            break
        try:
            splits.append(split_for_test(as_ofs, test_as_of, span))
        except NotEnoughHistoryError:
            break  # older test as-ofs have even less history before them
    return splits[::-1]


def scoring_split(as_ofs: pd.DataFrame, span: DataSpan) -> Split:
    """For the current snapshot: fit on every labelled as-of but the latest, calibrate on the latest."""
    require_labelled(as_ofs, span)
    if len(as_ofs) < 2:
        raise NotEnoughHistoryError(
            f"only 1 labelled as-of, need 2 (fit + calibrate): {span.describe()}; each labelled as-of needs "
            f"{span.need()} of data, and a second one a snapshot step more"
        )
    dates = as_ofs[config.AS_OF_COLUMN].tolist()
    return Split(tuple(dates[:-1]), dates[-1], None)


def require_labelled(as_ofs: pd.DataFrame, span: DataSpan) -> None:
    if as_ofs.empty:
        raise NotEnoughHistoryError(
            f"{config.TRAINING_TABLE} has no labelled as-of: {span.describe()}; "
            f"one labelled as-of needs at least {span.need()}"
        )


def rows_of(snapshots: pd.DataFrame, as_ofs: tuple[pd.Timestamp, ...] | list[pd.Timestamp]) -> pd.Series:
    """Boolean mask of the snapshot rows at the given as-ofs."""
    return snapshots[config.AS_OF_COLUMN].isin(list(as_ofs))
