"""The out-of-time protocol: no training label looks past the test as-of, and short data is refused clearly."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ml.base.errors import NotEnoughHistoryError
from ml.forward import config, protocol

from .forward_fixtures import CONTRACT_TYPES, LABEL_COLUMNS

SPAN = protocol.DataSpan(pd.Timestamp("2010-12-01"), pd.Timestamp("2011-12-10"), 90)


def as_ofs_table(dates: list[str], horizon_days: int = 90) -> pd.DataFrame:
    as_of = pd.to_datetime(dates)
    return pd.DataFrame({config.AS_OF_COLUMN: as_of, config.LABEL_END_COLUMN: as_of + pd.Timedelta(days=horizon_days)})


MONTHLY = as_ofs_table([f"2011-{m:02d}-01" for m in range(3, 10)])


def label_end(as_ofs: pd.DataFrame, as_of: pd.Timestamp) -> pd.Timestamp:
    return as_ofs.set_index(config.AS_OF_COLUMN).loc[as_of, config.LABEL_END_COLUMN]


def assert_no_overlap(as_ofs: pd.DataFrame, split: protocol.Split) -> None:
    """Every fit and calibration label window ends on or before the test as-of; each member is
    calibrated on an as-of later than every one it was fitted on."""
    for as_of in split.training_as_ofs:
        assert label_end(as_ofs, as_of) <= split.test_as_of
        assert as_of < split.test_as_of
    for member in split.members:
        assert all(as_of < member.calibration_as_of for as_of in member.fit_as_ofs)
    assert 1 <= len(split.members) <= config.CALIBRATION_AS_OFS


def dates(*values: str) -> tuple[pd.Timestamp, ...]:
    return tuple(pd.to_datetime(list(values)))


@pytest.mark.parametrize("horizon_days", [30, 90, 120])
@pytest.mark.parametrize("step_days", [7, 14, 30, 45])
def test_no_training_or_calibration_label_window_ends_after_the_test_as_of(horizon_days, step_days):
    values = pd.date_range("2011-01-01", "2011-12-01", freq=f"{step_days}D").strftime("%Y-%m-%d").tolist()
    as_ofs = as_ofs_table(values, horizon_days)
    splits = protocol.backtest_splits(as_ofs, SPAN, count=5)
    assert splits[-1].test_as_of == as_ofs[config.AS_OF_COLUMN].max()
    for split in splits:
        assert_no_overlap(as_ofs, split)
    # The latest member calibrates on the latest as-of allowed: the next one's window would cross T.
    for split in splits:
        later = as_ofs[as_ofs[config.AS_OF_COLUMN] > split.members[-1].calibration_as_of]
        assert (later[config.LABEL_END_COLUMN] > split.test_as_of).all()


def test_monthly_as_ofs_give_the_documented_split():
    split = protocol.split_for_test(MONTHLY, pd.Timestamp("2011-09-01"), SPAN)
    # 2011-06-01 + 90 days = 2011-08-30 <= T; 2011-07-01's window ends 2011-09-29 > T. Three members,
    # each calibrated on one of the latest training as-ofs and fitted on those before it.
    assert split.training_as_ofs == dates("2011-03-01", "2011-04-01", "2011-05-01", "2011-06-01")
    assert [m.calibration_as_of for m in split.members] == list(dates("2011-04-01", "2011-05-01", "2011-06-01"))
    assert [m.fit_as_ofs for m in split.members] == [
        dates("2011-03-01"),
        dates("2011-03-01", "2011-04-01"),
        dates("2011-03-01", "2011-04-01", "2011-05-01"),
    ]


def test_backtest_rolls_over_three_test_as_ofs_each_with_its_own_split():
    splits = protocol.backtest_splits(MONTHLY, SPAN)
    assert [s.test_as_of for s in splits] == list(dates("2011-07-01", "2011-08-01", "2011-09-01"))
    assert [len(s.members) for s in splits] == [1, 2, 3]
    for split in splits:
        assert_no_overlap(MONTHLY, split)


def test_a_single_training_as_of_is_calibrated_by_cross_validation_and_still_tested_out_of_time():
    split = protocol.split_for_test(MONTHLY.iloc[:4], pd.Timestamp("2011-06-01"), SPAN)
    assert split.members == (protocol.Member((), pd.Timestamp("2011-03-01")),)
    assert split.members[0].cross_validated
    assert protocol.validation_status(MONTHLY.iloc[:4], protocol.backtest_splits(MONTHLY.iloc[:4], SPAN)) == (
        config.VALIDATION_OUT_OF_TIME
    )


def test_backtest_is_shorter_when_older_test_as_ofs_lack_history():
    as_ofs = MONTHLY.iloc[2:]  # from 2011-05-01: 2011-07-01 has no earlier as-of ending by it
    assert [s.test_as_of for s in protocol.backtest_splits(as_ofs, SPAN)] == list(dates("2011-08-01", "2011-09-01"))


def test_scoring_split_uses_every_labelled_as_of_with_the_latest_three_calibrating():
    split = protocol.scoring_split(MONTHLY, SPAN)
    assert split.test_as_of is None
    assert split.training_as_ofs == tuple(MONTHLY[config.AS_OF_COLUMN])
    assert [m.calibration_as_of for m in split.members] == list(dates("2011-07-01", "2011-08-01", "2011-09-01"))
    assert split.members[-1].fit_as_ofs == tuple(MONTHLY[config.AS_OF_COLUMN].iloc[:-1])


@pytest.mark.parametrize(
    ("labelled", "status", "backtest"),
    [
        (7, config.VALIDATION_OUT_OF_TIME, 3),
        (4, config.VALIDATION_OUT_OF_TIME, 1),
        (3, config.VALIDATION_IN_TIME_ONLY, 0),
        (1, config.VALIDATION_IN_TIME_ONLY, 0),
        (0, config.VALIDATION_NONE, 0),
    ],
)
def test_short_histories_get_the_validation_they_allow(labelled, status, backtest):
    as_ofs = MONTHLY.iloc[:labelled]
    splits = protocol.backtest_splits(as_ofs, SPAN)
    assert len(splits) == backtest
    assert protocol.validation_status(as_ofs, splits) == status
    if labelled:
        assert protocol.scoring_split(as_ofs, SPAN).members  # something to fit on, always


def test_no_labelled_as_of_is_refused_naming_the_span_and_what_it_needs():
    short = protocol.DataSpan(pd.Timestamp("2011-01-01"), pd.Timestamp("2011-04-15"), 90)
    with pytest.raises(NotEnoughHistoryError) as error:
        protocol.scoring_split(MONTHLY.iloc[:0], short)
    message = str(error.value)
    assert "\n" not in message
    assert "no labelled as-of" in message and "spans about 104 days" in message
    assert "snapshot_min_history_days + churn_horizon_days (horizon 90)" in message


def test_a_test_as_of_without_training_as_ofs_is_refused():
    with pytest.raises(NotEnoughHistoryError, match=r"no earlier as-of whose label window ends by it.*2 x churn"):
        protocol.split_for_test(MONTHLY.iloc[:3], pd.Timestamp("2011-05-01"), SPAN)


def test_every_contract_feature_is_in_exactly_one_group_and_keys_in_none():
    features = [c for c in CONTRACT_TYPES if c not in LABEL_COLUMNS]
    grouped = {c: config.group_of(c) for c in features}
    assert {c for c, g in grouped.items() if g is None} == {"as_of_at", "customer_id", "horizon_days", "country"}
    assert set(grouped.values()) - {None} == set(config.FEATURE_GROUPS)
    # Windows are found by pattern, so a new window length joins its group without a config change.
    assert config.group_of("spend_60d") == "windows" and config.group_of("new_products_7d") == "windows"
    assert config.group_of("spend_prev_90d") == "trend"
    for group, pattern in config.FEATURE_GROUPS.items():
        assert re.fullmatch(pattern, "customer_id") is None, group


def test_seed_and_recency_baseline_features_are_mart_features():
    assert {config.group_of(c) for c in config.SEED_FEATURES} == {"frequency", "monetary", "rhythm", "basket"}
    assert config.group_of(config.RECENCY_FEATURE) == "recency"
