"""The dashboard's lifecycle views over months: the cohort retention triangle, cumulative net revenue
per customer by cohort, and the lifecycle stages per month.

Like the snapshot views they sum the embedded cells (marts dashboard_cohort_cells and
dashboard_lifecycle_stage_cells) in the browser after the page's filters. A cohort's size under a
filter is its month-0 active customers: everyone buys in the month of their first purchase."""

from __future__ import annotations

import altair as alt

from pipeline.deliver.dashboard.data import DashboardData
from pipeline.deliver.dashboard.filters import BOTH_FILTERS, WIDTH

# Stage order in the stack and the legend, from the start of a customer's life to its end.
STAGES = ["new", "active", "reactivated", "at_risk", "lapsed"]
STAGE_COLOURS = ["#4c78a8", "#54a24b", "#b279a2", "#f58518", "#bab0ac"]


def _cohort_cells(data: DashboardData, title: str | alt.TitleParams) -> alt.Chart:
    """Active customers and net revenue per cohort and month of the selection, with the cohort's size."""
    return (
        alt.Chart(data.cohorts, title=title, width=WIDTH, height=WIDTH * 0.75)
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(
            active_customers="sum(active_customers)",
            net_revenue="sum(net_revenue)",
            groupby=["cohort", "months_since"],
        )
        .transform_calculate(first_month_customers="datum.months_since == 0 ? datum.active_customers : 0")
        .transform_joinaggregate(cohort_customers="sum(first_month_customers)", groupby=["cohort"])
        .transform_filter("datum.cohort_customers > 0")
    )


def _retention_colour_max(data: DashboardData) -> float:
    """The colour scale's top: the highest retention after month 0, so month 0 (always 100 %) does not
    wash out the rest of the triangle."""
    cohorts = data.cohorts.groupby(["cohort", "months_since"], as_index=False)["active_customers"].sum()
    sizes = cohorts[cohorts["months_since"] == 0].set_index("cohort")["active_customers"]
    later = cohorts[cohorts["months_since"] > 0]
    if later.empty:
        return 1.0
    return float(max((later["active_customers"] / later["cohort"].map(sizes)).max(), 0.05))


def cohort_retention(data: DashboardData) -> alt.LayerChart:
    """The retention triangle: each cohort's share of customers buying n months after their first month."""
    base = (
        _cohort_cells(
            data,
            alt.TitleParams(
                "Cohort retention: share of each month's new customers buying n months later",
                subtitle="The last diagonal is the snapshot's month, which is not over.",
            ),
        )
        # A month with only returns has a cell and no buyer: left blank like a month with nothing.
        .transform_filter("datum.active_customers > 0")
        .transform_calculate(retention="datum.active_customers / datum.cohort_customers")
        .encode(
            x=alt.X("months_since:O", title="months since the first purchase"),
            y=alt.Y("cohort:O", title="cohort (month of the first purchase)"),
            tooltip=[
                "cohort:O",
                alt.Tooltip("months_since:O", title="months since"),
                alt.Tooltip("retention:Q", format=".1%"),
                alt.Tooltip("active_customers:Q", format=",", title="buying customers"),
                alt.Tooltip("cohort_customers:Q", format=",", title="cohort customers"),
            ],
        )
    )
    top = _retention_colour_max(data)
    cells = base.mark_rect().encode(
        color=alt.Color(
            "retention:Q",
            scale=alt.Scale(scheme="blues", domain=[0, top], clamp=True),
            legend=alt.Legend(title="retention", format="%", orient="bottom"),
        )
    )
    labels = base.mark_text(fontSize=8).encode(
        text=alt.Text("retention:Q", format=".0%"),
        color=alt.condition(f"datum.retention > {top / 2}", alt.value("white"), alt.value("#222")),
    )
    return alt.layer(cells.properties(name="cohort_retention"), labels.properties(name="cohort_retention_labels"))


def cohort_value(data: DashboardData) -> alt.Chart:
    """Cumulative net revenue per cohort customer by months since the first purchase (the LTV curve)."""
    return (
        _cohort_cells(data, "Cumulative net revenue per customer, by cohort")
        .transform_window(
            cumulative_net_revenue="sum(net_revenue)",
            groupby=["cohort"],
            sort=[alt.SortField("months_since", order="ascending")],
            frame=[None, 0],
        )
        .transform_calculate(value_per_customer="datum.cumulative_net_revenue / datum.cohort_customers")
        .mark_line(point=True, strokeWidth=1.5)
        .encode(
            x=alt.X("months_since:Q", title="months since the first purchase", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "value_per_customer:Q", title="cumulative net revenue per customer (£)", axis=alt.Axis(format=",.0f")
            ),
            color=alt.Color(
                "cohort:O", scale=alt.Scale(scheme="viridis"), legend=alt.Legend(title="cohort", columns=2)
            ),
            tooltip=[
                "cohort:O",
                alt.Tooltip("months_since:Q", title="months since"),
                alt.Tooltip("value_per_customer:Q", format=",.0f", title="£ per customer"),
                alt.Tooltip("cohort_customers:Q", format=",", title="cohort customers"),
            ],
        )
        .properties(name="cohort_value")
    )


def lifecycle_stages(data: DashboardData) -> alt.Chart:
    """Customers per lifecycle stage at each month-end, stacked."""
    return (
        alt.Chart(
            data.stages,
            name="lifecycle_stages",
            title="Lifecycle stages at each month-end (the last month ends at the snapshot)",
            width=2 * WIDTH + 60,
            height=WIDTH * 0.6,
        )
        .transform_filter(BOTH_FILTERS)
        .transform_aggregate(customers="sum(customers)", groupby=["month", "stage"])
        .transform_calculate(stage_order=f"indexof({STAGES!r}, datum.stage)")
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="month"),
            y=alt.Y("customers:Q", title="customers", stack=True),
            color=alt.Color(
                "stage:N",
                scale=alt.Scale(domain=STAGES, range=STAGE_COLOURS),
                legend=alt.Legend(orient="bottom", title="stage", labelExpr="replace(datum.label, '_', ' ')"),
            ),
            order=alt.Order("stage_order:Q"),
            tooltip=["month:O", "stage:N", alt.Tooltip("customers:Q", format=",")],
        )
    )
