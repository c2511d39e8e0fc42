"""The out-of-time protocol as pure functions of the labelled as-of dates.

Test as-of T: the latest labelled as-of. Training as-ofs: those whose label window ends on or
before T, so no training label looks at anything on or after T. The model is a small ensemble:
each of the latest training as-ofs (up to config.CALIBRATION_AS_OFS) calibrates a member fitted on
the training as-ofs before it, and the members' probabilities are averaged. So the probability
level comes from several later months, not one, and every member is calibrated on data later
than its own fit data. With a single training as-of there is nothing later to calibrate on: the
member is fitted and calibrated by cross-validation within it (still tested out of time on T).

How far the data goes decides the validation a score gets (config.VALIDATION_*):
- `out_of_time`: T has at least one training as-of: the shipped model is tested on T;
- `in_time_only`: labelled as-ofs exist but none has a training as-of before it: the model is
  fitted and calibrated on them and scores, but no later month tests it;
- `none`: no labelled as-of at all: no forward model can be fitted (the ml step falls back).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.base.errors import NotEnoughHistoryError
from ml.forward import config


@dataclass(frozen=True)
class DataSpan:
    """What the data covers, for messages that say how much more is needed."""

    first_purchase_at: pd.Timestamp | None
    current_as_of: pd.Timestamp | None
    horizon_days: int | None

    def describe(self) -> str:
        if self.first_purchase_at is None or self.current_as_of is None:
            return "the snapshots hold no purchase"
        days = (self.current_as_of - self.first_purchase_at).days
        return (
            f"the data spans about {days:,} days ({self.first_purchase_at:%Y-%m-%d} to the current as-of "
            f"{self.current_as_of:%Y-%m-%d})"
        )

    def need(self, horizons: int = 1) -> str:
        """The vars' sum that a span needs, with the horizon the marts were built with."""
        horizon = f"{self.horizon_days}" if self.horizon_days is not None else "?"
        times = f"{horizons} x " if horizons > 1 else ""
        return f"snapshot_min_history_days + {times}churn_horizon_days (horizon {horizon}) days"


@dataclass(frozen=True)
class Member:
    """One member of the ensemble: fitted on fit_as_ofs, Platt-calibrated on calibration_as_of.

    No fit as-ofs: fitted and calibrated by cross-validation within calibration_as_of."""

    fit_as_ofs: tuple[pd.Timestamp, ...]
    calibration_as_of: pd.Timestamp

    @property
    def cross_validated(self) -> bool:
        return not self.fit_as_ofs

    def as_dict(self) -> dict:
        return {
            "fit_as_ofs": [f"{t:%Y-%m-%d %H:%M}" for t in self.fit_as_ofs],
            "calibration_as_of": f"{self.calibration_as_of:%Y-%m-%d %H:%M}",
            "calibration": "cross_validated_within" if self.cross_validated else "later_as_of",
        }


@dataclass(frozen=True)
class Split:
    """The ensemble's members and the as-of they are tested on (None when scoring the current as-of)."""

    members: tuple[Member, ...]
    test_as_of: pd.Timestamp | None

    @property
    def training_as_ofs(self) -> tuple[pd.Timestamp, ...]:
        dates = {t for m in self.members for t in (*m.fit_as_ofs, m.calibration_as_of)}
        return tuple(sorted(dates))

    def as_dict(self) -> dict:
        return {
            "members": [m.as_dict() for m in self.members],
            "test_as_of": None if self.test_as_of is None else f"{self.test_as_of:%Y-%m-%d %H:%M}",
        }

    def describe(self) -> str:
        """'3 members calibrated on 2011-04-01, 2011-05-01, 2011-06-01' for the progress lines."""
        if len(self.members) == 1 and self.members[0].cross_validated:
            return f"fitted and calibrated by cross-validation within {self.members[0].calibration_as_of:%Y-%m-%d}"
        dates = ", ".join(f"{m.calibration_as_of:%Y-%m-%d}" for m in self.members)
        plural = "member" if len(self.members) == 1 else "members"
        return f"{len(self.members)} {plural} calibrated on {dates}"


def labelled_as_ofs(snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per labelled as-of with its label window end, oldest first."""
    as_ofs = snapshots[[config.AS_OF_COLUMN, config.LABEL_END_COLUMN]].drop_duplicates()
    if as_ofs[config.AS_OF_COLUMN].duplicated().any():
        raise ValueError("an as-of has more than one label window end")
    return as_ofs.sort_values(config.AS_OF_COLUMN).reset_index(drop=True)


def ensemble_members(training: list[pd.Timestamp], count: int = config.CALIBRATION_AS_OFS) -> tuple[Member, ...]:
    """Members for the latest `count` training as-ofs that have an earlier one to fit on, oldest first;
    one cross-validated member when there is a single training as-of."""
    if not training:
        raise ValueError("no training as-of")
    if len(training) == 1:
        return (Member((), training[0]),)
    calibrating = training[1:][-count:]
    return tuple(Member(tuple(t for t in training if t < c), c) for c in calibrating)


def training_as_ofs_for(as_ofs: pd.DataFrame, test_as_of: pd.Timestamp) -> list[pd.Timestamp]:
    """As-ofs before test_as_of whose label window ends by it: nothing they learn from is on or after it."""
    ends_by_test = as_ofs[config.LABEL_END_COLUMN] <= test_as_of
    before_test = as_ofs[config.AS_OF_COLUMN] < test_as_of
    return as_ofs.loc[ends_by_test & before_test, config.AS_OF_COLUMN].tolist()


def split_for_test(as_ofs: pd.DataFrame, test_as_of: pd.Timestamp, span: DataSpan) -> Split:
    training = training_as_ofs_for(as_ofs, test_as_of)
    if not training:
        raise NotEnoughHistoryError(
            f"test as-of {test_as_of:%Y-%m-%d} has no earlier as-of whose label window ends by it: "
            f"{span.describe()}; an out-of-time test needs about {span.need(horizons=2)}"
        )
    return Split(ensemble_members(training), test_as_of)


def out_of_time_split(as_ofs: pd.DataFrame, span: DataSpan) -> Split:
    """The headline split: test on the latest labelled as-of (raises when the data allows none)."""
    require_labelled(as_ofs, span)
    return split_for_test(as_ofs, as_ofs[config.AS_OF_COLUMN].iloc[-1], span)


def backtest_splits(as_ofs: pd.DataFrame, span: DataSpan, count: int = config.BACKTEST_TEST_AS_OFS) -> list[Split]:
    """The protocol repeated on the latest `count` labelled as-ofs that have a split, oldest first.

    Empty when even the latest labelled as-of (T) has no training as-of: the data allows no
    out-of-time test. Older test as-ofs without one are skipped, so short data gives fewer.
    """
    splits: list[Split] = []
    for test_as_of in reversed(as_ofs[config.AS_OF_COLUMN].tolist()):
        if len(splits) == count:
            break
        try:
            splits.append(split_for_test(as_ofs, test_as_of, span))
        except NotEnoughHistoryError:
            break  # older test as-ofs have even less history before them
    return splits[::-1]


def scoring_split(as_ofs: pd.DataFrame, span: DataSpan) -> Split:
    """For the current snapshot: the ensemble on every labelled as-of (no test as-of)."""
    require_labelled(as_ofs, span)
    return Split(ensemble_members(as_ofs[config.AS_OF_COLUMN].tolist()), None)


def validation_status(as_ofs: pd.DataFrame, backtest: list[Split]) -> str:
    if backtest:
        return config.VALIDATION_OUT_OF_TIME
    return config.VALIDATION_IN_TIME_ONLY if len(as_ofs) else config.VALIDATION_NONE


def require_labelled(as_ofs: pd.DataFrame, span: DataSpan) -> None:
    if as_ofs.empty:
        raise NotEnoughHistoryError(
            f"{config.TRAINING_TABLE} has no labelled as-of: {span.describe()}; "
            f"one labelled as-of needs at least {span.need()}"
        )


def rows_of(snapshots: pd.DataFrame, as_ofs: tuple[pd.Timestamp, ...] | list[pd.Timestamp]) -> pd.Series:
    """Boolean mask of the snapshot rows at the given as-ofs."""
    return snapshots[config.AS_OF_COLUMN].isin(list(as_ofs))
