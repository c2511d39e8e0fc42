"""The dashboard's views as one Vega-Altair chart, all re-filtered by two dropdowns (segment, country):
the snapshot views here, the lifecycle views over months in lifecycle_charts.py.

Every view aggregates the embedded marts in the browser after the filters, so the numbers always
add up to the mart's. Each view has a `name`: the Vega marks are `<name>_marks`, which the browser
test reads back."""

from __future__ import annotations

import altair as alt

from pipeline.deliver.dashboard.data import DashboardData
from pipeline.deliver.dashboard.filters import (
    ALL_COUNTRIES,
    ALL_SEGMENTS,
    BOTH_FILTERS,
    COUNTRY_FILTER,
    SEGMENT_FILTER,
    WIDTH,
)
from pipeline.deliver.dashboard.lifecycle_charts import cohort_retention, cohort_value, lifecycle_stages

SCORES = [1, 2, 3, 4]
AT_RISK_ABSENT = "Customers at risk: shown once the ml step has scored customers forward (marts.customers_at_risk)."


def _filters(data: DashboardData) -> tuple[alt.Parameter, alt.Parameter]:
    segment = alt.param(
        name="segment",
        value=ALL_SEGMENTS,
        bind=alt.binding_select(options=[ALL_SEGMENTS, *data.segments], name="Segment "),
    )
    country = alt.param(
        name="country",
        value=ALL_COUNTRIES,
        bind=alt.binding_select(options=[ALL_COUNTRIES, *data.countries], name="Country "),
    )
    return segment, country


def headline(data: DashboardData) -> alt.Chart:
    """Customers, profit and churned share of the selection, as text."""
    return (
        alt.Chart(data.cells, name="headline", width=2 * WIDTH + 60, height=24)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(customers="sum(customers)", profit="sum(profit)", churned="sum(churned_customers)")
        .transform_calculate(
            text="format(datum.customers, ',') + ' customers  ·  profit (LTV) ' + format(datum.profit, ',.0f')"
            " + '  ·  churned ' + format(datum.churned / datum.customers, '.1%')"
        )
        .mark_text(align="left", x=0, fontSize=15, fontWeight="bold")
        .encode(text="text:N")
    )


def customers_per_segment(data: DashboardData) -> alt.LayerChart:
    base = (
        alt.Chart(data.cells, title="Customers per segment", width=WIDTH)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(customers="sum(customers)", groupby=["segment"])
        .encode(
            y=alt.Y("segment:N", sort=alt.EncodingSortField("customers", op="sum", order="descending"), title=None),
            x=alt.X("customers:Q", title="customers"),
            tooltip=["segment:N", alt.Tooltip("customers:Q", format=",")],
        )
    )
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("customers:Q", format=","))
    bars = base.mark_bar(color="#4c78a8")
    return alt.layer(bars.properties(name="segment_customers"), labels.properties(name="segment_customers_labels"))


def value_contribution(data: DashboardData) -> alt.Chart:
    """Each segment's share of customers against its share of profit, within the chosen country."""
    return (
        alt.Chart(
            data.cells,
            name="value_contribution",
            title="Value contribution: profit share vs customer share",
            width=WIDTH,
        )
        .transform_filter(COUNTRY_FILTER)
        .transform_aggregate(customers="sum(customers)", profit="sum(profit)", groupby=["segment"])
        .transform_joinaggregate(all_customers="sum(customers)", all_profit="sum(profit)")
        .transform_calculate(
            **{
                "share of customers": "datum.customers / datum.all_customers",
                "share of profit": "datum.all_profit == 0 ? 0 : datum.profit / datum.all_profit",
            }
        )
        .transform_filter(SEGMENT_FILTER)
        .transform_fold(["share of customers", "share of profit"], as_=["measure", "share"])
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", title=None, sort=alt.EncodingSortField("profit", order="descending")),
            yOffset=alt.YOffset("measure:N"),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of the country's total"),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=["share of customers", "share of profit"], range=["#9ecae9", "#e45756"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["segment:N", "measure:N", alt.Tooltip("share:Q", format=".1%")],
        )
    )


def rf_matrix(data: DashboardData) -> alt.LayerChart:
    """Customers and mean LTV per (R, F) cell; both axes fixed at 1-4 so empty cells stay visible."""
    base = (
        alt.Chart(data.cells, title="R x F matrix: customers and mean LTV", width=WIDTH, height=WIDTH * 0.75)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(customers="sum(customers)", profit="sum(profit)", groupby=["r_score", "f_score"])
        .transform_calculate(
            mean_ltv="datum.profit / datum.customers",
            label="format(datum.customers, ',') + ' · ' + format(datum.profit / datum.customers, ',.0f')",
        )
        .encode(
            x=alt.X("f_score:O", scale=alt.Scale(domain=SCORES), title="F score (frequency)"),
            y=alt.Y("r_score:O", scale=alt.Scale(domain=SCORES[::-1]), title="R score (recency, 4 = recent)"),
            tooltip=[
                "r_score:O",
                "f_score:O",
                alt.Tooltip("customers:Q", format=","),
                alt.Tooltip("mean_ltv:Q", format=",.0f", title="mean LTV"),
            ],
        )
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "customers:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(title="customers", orient="bottom")
        )
    )
    labels = base.mark_text(fontSize=11).encode(text="label:N")
    return alt.layer(cells.properties(name="rf_matrix"), labels.properties(name="rf_matrix_labels"))


def ltv_per_segment(data: DashboardData) -> alt.LayerChart:
    base = (
        alt.Chart(data.cells, title="Mean LTV (historical profit) per segment", width=WIDTH)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(customers="sum(customers)", profit="sum(profit)", groupby=["segment"])
        .transform_calculate(mean_ltv="datum.profit / datum.customers")
        .encode(
            y=alt.Y("segment:N", sort=alt.EncodingSortField("mean_ltv", op="sum", order="descending"), title=None),
            x=alt.X("mean_ltv:Q", title="mean LTV per customer"),
            tooltip=["segment:N", alt.Tooltip("mean_ltv:Q", format=",.0f"), alt.Tooltip("customers:Q", format=",")],
        )
    )
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("mean_ltv:Q", format=",.0f"))
    bars = base.mark_bar(color="#54a24b")
    return alt.layer(bars.properties(name="segment_ltv"), labels.properties(name="segment_ltv_labels"))


def churn_threshold(data: DashboardData) -> alt.LayerChart:
    """Recency distribution of the selection, split by churn status, against the threshold."""
    days = data.threshold_days
    title = (
        f"Churn threshold: {days:.0f} days without a purchase (P{100 * data.threshold_percentile:.0f} of purchase gaps)"
        if days is not None
        else "Churn threshold: none (no customer has two purchase days)"
    )
    bars = (
        alt.Chart(data.recency_bins, name="recency_bins", title=title, width=WIDTH)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(
            customers="sum(customers)", groupby=["recency_bin_start_days", "recency_bin_days", "churn_status"]
        )
        .transform_calculate(recency_bin_end_days="datum.recency_bin_start_days + datum.recency_bin_days")
        .mark_bar()
        .encode(
            x=alt.X(
                "recency_bin_start_days:Q",
                title="days since the last purchase",
                scale=alt.Scale(domainMin=0, nice=False, padding=0),
            ),
            x2="recency_bin_end_days:Q",
            y=alt.Y("sum(customers):Q", title="customers", stack=True),
            color=alt.Color(
                "churn_status:N",
                scale=alt.Scale(domain=["active", "churned"], range=["#72b7b2", "#e45756"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["recency_bin_start_days:Q", "churn_status:N", alt.Tooltip("sum(customers):Q", format=",")],
        )
    )
    if days is None:
        return alt.layer(bars)
    threshold = alt.Chart(alt.Data(values=[{"threshold_days": days, "label": f"threshold {days:.0f} days"}]))
    rule = threshold.mark_rule(color="black", strokeDash=[4, 3]).encode(x="threshold_days:Q")
    label = threshold.mark_text(align="left", dx=4, y=8).encode(x="threshold_days:Q", text="label:N")
    return alt.layer(bars, rule.properties(name="threshold_rule"), label.properties(name="threshold_label"))


def customers_at_risk(data: DashboardData) -> alt.HConcatChart | alt.Chart:
    """The high- and elevated-risk customers with the most value at risk in the selection, with their reasons."""
    if data.at_risk is None or data.at_risk.empty:
        return (
            alt.Chart(
                alt.Data(values=[{"text": AT_RISK_ABSENT}]),
                name="at_risk_missing",
                width=2 * WIDTH + 60,
                height=20,
            )
            .mark_text(align="left", x=0, fontStyle="italic")
            .encode(text="text:N")
        )
    base = (
        alt.Chart(data.at_risk)
        .transform_filter(BOTH_FILTERS)
        .transform_window(row="row_number()", sort=[alt.SortField("value_at_risk_rank", order="ascending")])
        .transform_filter("datum.row <= 15")
        .encode(y=alt.Y("customer_id:N", sort=alt.EncodingSortField("value_at_risk_rank"), title="customer"))
    )
    value = (
        base.mark_bar()
        .encode(
            x=alt.X("value_at_risk:Q", title="value at risk (£)", axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "risk_level:N",
                scale=alt.Scale(domain=["high", "elevated"], range=["#d62728", "#f58518"]),
                legend=alt.Legend(title="risk", orient="bottom"),
            ),
            tooltip=[
                "customer_id:N",
                "segment:N",
                "country:N",
                "risk_level:N",
                alt.Tooltip("churn_probability:Q", format=".0%"),
                alt.Tooltip("value_at_risk:Q", format=",.0f"),
                "reason_1:N",
                "reason_2:N",
                "reason_3:N",
            ],
        )
        .properties(
            name="at_risk",
            title="High and elevated churn risk, most value at risk first (value at risk = P(churn) x expected value)",
            width=260,
        )
    )
    reasons = (
        base.mark_text(align="left", x=4)
        .encode(
            y=alt.Y("customer_id:N", sort=alt.EncodingSortField("value_at_risk_rank"), axis=None),
            text=alt.Text("reason_label:N"),
        )
        .transform_calculate(
            reason_label="format(datum.churn_probability, '.0%') + ' · ' + datum.segment + ' · '"
            " + datum.reason_1 + (datum.reason_2 ? '; ' + datum.reason_2 : '')"
            " + (datum.reason_3 ? '; ' + datum.reason_3 : '')"
        )
        .properties(name="at_risk_reasons", title="P(churn) · segment · reasons", width=560)
    )
    return alt.hconcat(value, reasons, spacing=4)


def dashboard_chart(data: DashboardData) -> alt.VConcatChart:
    segment, country = _filters(data)
    chart = alt.vconcat(
        headline(data),
        alt.hconcat(customers_per_segment(data), value_contribution(data), spacing=60),
        alt.hconcat(rf_matrix(data), ltv_per_segment(data), spacing=60),
        alt.hconcat(churn_threshold(data), spacing=60),
        customers_at_risk(data),
        alt.hconcat(cohort_retention(data), cohort_value(data), spacing=60),
        lifecycle_stages(data),
        spacing=30,
    )
    return chart.add_params(segment, country).configure_view(stroke=None)
