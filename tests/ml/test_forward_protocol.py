"""The out-of-time protocol: no training label looks past the test as-of, and short data is refused clearly."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ml.errors import NotEnoughHistoryError
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
    """Every fit and calibration label window ends on or before the test as-of; calibration is later than fit."""
    for as_of in (*split.fit_as_ofs, split.calibration_as_of):
        assert label_end(as_ofs, as_of) <= split.test_as_of
        assert as_of < split.test_as_of
    assert all(as_of < split.calibration_as_of for as_of in split.fit_as_ofs)
    assert split.fit_as_ofs


@pytest.mark.parametrize("horizon_days", [30, 90, 120])
@pytest.mark.parametrize("step_days", [7, 14, 30, 45])
def test_no_training_or_calibration_label_window_ends_after_the_test_as_of(horizon_days, step_days):
    dates = pd.date_range("2011-01-01", "2011-12-01", freq=f"{step_days}D").strftime("%Y-%m-%d").tolist()
    as_ofs = as_ofs_table(dates, horizon_days)
    splits = protocol.backtest_splits(as_ofs, SPAN, count=5)
    assert splits[-1].test_as_of == as_ofs[config.AS_OF_COLUMN].max()
    for split in splits:
        assert_no_overlap(as_ofs, split)
    # The calibration as-of is the latest one allowed: the next as-of's label window would cross T.
    for split in splits:
        later = as_ofs[as_ofs[config.AS_OF_COLUMN] > split.calibration_as_of]
        assert (later[config.LABEL_END_COLUMN] > split.test_as_of).all()


def test_monthly_as_ofs_give_the_documented_split():
    split = protocol.out_of_time_split(MONTHLY, SPAN)
    assert split.test_as_of == pd.Timestamp("2011-09-01")
    # 2011-06-01 + 90 days = 2011-08-30 <= T; 2011-07-01's window ends 2011-09-29 > T.
    assert split.calibration_as_of == pd.Timestamp("2011-06-01")
    assert split.fit_as_ofs == tuple(pd.to_datetime(["2011-03-01", "2011-04-01", "2011-05-01"]))


def test_backtest_rolls_over_three_test_as_ofs_each_with_its_own_split():
    splits = protocol.backtest_splits(MONTHLY, SPAN)
    assert [s.test_as_of for s in splits] == list(pd.to_datetime(["2011-07-01", "2011-08-01", "2011-09-01"]))
    assert [s.calibration_as_of for s in splits] == list(pd.to_datetime(["2011-04-01", "2011-05-01", "2011-06-01"]))
    for split in splits:
        assert_no_overlap(MONTHLY, split)


def test_backtest_is_shorter_when_older_test_as_ofs_lack_history():
    as_ofs = MONTHLY.iloc[1:]  # from 2011-04-01: 2011-07-01 has one earlier labelled as-of only
    assert [s.test_as_of for s in protocol.backtest_splits(as_ofs, SPAN)] == list(
        pd.to_datetime(["2011-08-01", "2011-09-01"])
    )


def test_scoring_split_fits_on_all_but_the_latest_labelled_as_of_and_calibrates_on_it():
    split = protocol.scoring_split(MONTHLY, SPAN)
    assert split.calibration_as_of == pd.Timestamp("2011-09-01")
    assert split.fit_as_ofs == tuple(MONTHLY[config.AS_OF_COLUMN].iloc[:-1])
    assert split.test_as_of is None


def test_no_labelled_as_of_is_refused_naming_the_span_and_what_it_needs():
    short = protocol.DataSpan(pd.Timestamp("2011-01-01"), pd.Timestamp("2011-04-15"), 90)
    with pytest.raises(NotEnoughHistoryError) as error:
        protocol.out_of_time_split(MONTHLY.iloc[:0], short)
    message = str(error.value)
    assert "\n" not in message
    assert "no labelled as-of" in message and "spans 104 days" in message
    assert "snapshot_min_history_days + churn_horizon_days" in message and "horizon 90" in message


def test_too_few_as_ofs_before_the_test_as_of_are_refused():
    with pytest.raises(NotEnoughHistoryError, match=r"has 1 earlier as-of\(s\).*need 2 \(fit \+ calibrate\)"):
        protocol.out_of_time_split(MONTHLY.iloc[:4], SPAN)  # T = 2011-06-01: only 2011-03-01 ends by then
    with pytest.raises(NotEnoughHistoryError, match="only 1 labelled as-of"):
        protocol.scoring_split(MONTHLY.iloc[:1], SPAN)


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
