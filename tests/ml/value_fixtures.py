"""Customers simulated from known BG/NBD + Gamma-Gamma parameters, and their BTYD summaries at cut-offs.

Simulation, not real customers: each customer buys at Poisson rate lambda ~ Gamma(r, alpha) from
their first purchase day, drops out after each repeat purchase with probability p ~ Beta(a, b), and
spends Gamma(p_spend, nu) per purchase day with nu ~ Gamma(q, gamma). The summaries follow the dbt
definitions (marts.customer_value_summaries) on whole days, so the ml step reads them as it would
the mart.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.value.btyd import BetaGeo, GammaGamma

TRUE_PURCHASES = BetaGeo(r=0.25, alpha=30.0, a=0.8, b=2.5)
TRUE_SPEND = GammaGamma(p=6.0, q=4.0, gamma=15.0)
START = pd.Timestamp("2010-12-01")
# dbt var value_bulk_day_cap_multiple's default: a day counts at most 5 x the customer's median day.
BULK_DAY_CAP_MULTIPLE = 5.0


def simulate_days(customers: int, span_days: int, seed: int) -> list[tuple[int, list[int], list[float]]]:
    """(first day, purchase days, spends) per customer; first purchases spread over the span's first 2/3."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(customers):
        first = int(rng.integers(0, span_days * 2 // 3))
        rate = rng.gamma(TRUE_PURCHASES.r, 1 / TRUE_PURCHASES.alpha)
        dropout = rng.beta(TRUE_PURCHASES.a, TRUE_PURCHASES.b)
        nu = rng.gamma(TRUE_SPEND.q, 1 / TRUE_SPEND.gamma)
        days, t = [first], float(first)
        while True:
            t += rng.exponential(1 / rate) if rate > 0 else np.inf
            if t >= span_days:
                break
            day = int(t)
            if day != days[-1]:
                days.append(day)
            if rng.random() < dropout:
                break
        spends = list(rng.gamma(TRUE_SPEND.p, 1 / nu, size=len(days)))
        out.append((first, days, spends))
    return out


def summaries_at(
    simulated: list[tuple[int, list[int], list[float]]], cut_off_day: int, kind: str, holdout_days: int, span_days: int
) -> pd.DataFrame:
    """One cut-off's summary rows, as the mart defines them (cut-off at midnight of cut_off_day)."""
    rows = []
    complete = cut_off_day + holdout_days <= span_days
    for index, (_, days, spends) in enumerate(simulated):
        before = [(d, s) for d, s in zip(days, spends, strict=True) if d < cut_off_day]
        if not before:
            continue
        after = [(d, s) for d, s in zip(days, spends, strict=True) if cut_off_day <= d < cut_off_day + holdout_days]
        repeat = [s for _, s in before[1:]]
        median_day = float(np.median([s for _, s in before]))
        capped = [min(s, BULK_DAY_CAP_MULTIPLE * median_day) for _, s in before]
        rows.append(
            {
                "cut_off_at": START + pd.Timedelta(days=cut_off_day),
                "cut_off_kind": kind,
                "customer_id": f"{10000 + index}",
                "first_purchased_on": (START + pd.Timedelta(days=before[0][0])).date(),
                "last_purchased_on": (START + pd.Timedelta(days=before[-1][0])).date(),
                "purchase_days": len(before),
                "frequency": len(before) - 1,
                "recency_days": before[-1][0] - before[0][0],
                "t_days": cut_off_day - before[0][0],
                "total_spend": float(sum(s for _, s in before)),
                "first_day_spend": float(before[0][1]),
                "mean_repeat_spend": float(np.mean(repeat)) if repeat else None,
                "median_day_spend": median_day,
                "capped_mean_day_spend": float(np.mean(capped)),
                "capped_mean_repeat_spend": float(np.mean(capped[1:])) if repeat else None,
                "bulk_day_cap_multiple": BULK_DAY_CAP_MULTIPLE,
                "holdout_days": holdout_days,
                "holdout_ends_at": START + pd.Timedelta(days=cut_off_day + holdout_days),
                "has_complete_holdout": complete,
                "holdout_purchase_days": len(after) if complete else None,
                "holdout_spend": float(sum(s for _, s in after)) if complete else None,
                "clv_horizon_days": 365,
                "annual_discount_rate": 0.1,
                "retention_horizon_days": 90,
            }
        )
    return pd.DataFrame(rows)


def value_summaries(
    customers: int = 1500,
    seed: int = 3,
    span_days: int = 374,
    holdout_days: int = 90,
    bulk_day_customers: int = 0,
) -> pd.DataFrame:
    """Every cut-off as the dbt spine makes them: current, calibration, earlier every 30 days.

    `bulk_day_customers`: that many customers with five or more purchase days (the first ones, by
    id) get one bulk day, their second repeat day's spend x 100 (customer 21004 in the sample).
    """
    simulated = simulate_days(customers, span_days, seed)
    with_bulk_day = [index for index, (_, days, _) in enumerate(simulated) if len(days) >= 5][:bulk_day_customers]
    for index in with_bulk_day:
        simulated[index][2][2] *= 100
    calibration = span_days - holdout_days
    frames = [summaries_at(simulated, span_days, "current", holdout_days, span_days)]
    frames.append(summaries_at(simulated, calibration, "calibration", holdout_days, span_days))
    for back in range(calibration - 30, 89, -30):
        frames.append(summaries_at(simulated, back, "earlier", holdout_days, span_days))
    return pd.concat(frames, ignore_index=True)


def write_value_summaries(path: Path, frame: pd.DataFrame) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.register("summaries_frame", frame)
        con.execute(
            """
            create or replace table marts.customer_value_summaries as
            select
                cut_off_at::timestamp as cut_off_at, cut_off_kind::varchar as cut_off_kind,
                customer_id::varchar as customer_id, first_purchased_on::date as first_purchased_on,
                last_purchased_on::date as last_purchased_on, purchase_days::integer as purchase_days,
                frequency::integer as frequency, recency_days::integer as recency_days, t_days::integer as t_days,
                total_spend::double as total_spend, first_day_spend::double as first_day_spend,
                mean_repeat_spend::double as mean_repeat_spend, median_day_spend::double as median_day_spend,
                capped_mean_day_spend::double as capped_mean_day_spend,
                capped_mean_repeat_spend::double as capped_mean_repeat_spend,
                bulk_day_cap_multiple::double as bulk_day_cap_multiple, holdout_days::integer as holdout_days,
                holdout_ends_at::timestamp as holdout_ends_at, has_complete_holdout::boolean as has_complete_holdout,
                holdout_purchase_days::integer as holdout_purchase_days, holdout_spend::double as holdout_spend,
                clv_horizon_days::integer as clv_horizon_days, annual_discount_rate::double as annual_discount_rate,
                retention_horizon_days::integer as retention_horizon_days
            from summaries_frame
            """
        )
        con.unregister("summaries_frame")
    return path
