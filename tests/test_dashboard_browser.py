"""The dashboard in a real browser (Debian's headless Chromium through Playwright), offline.

With every request other than file:// blocked: no console errors, no outside request, every view
drawn, and choosing a segment or a country changes the numbers shown to exactly the mart's (the
lifecycle views' numbers are checked against customer_lifecycle_stages and customer_rfm, not against
the cells they draw)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import config
from pipeline.build.publish import Layout
from pipeline.deliver.dashboard import write_dashboard
from tests.browser import launch, offline_page, sync_api

ARTIFACTS = config.REPO_ROOT / "warehouse" / "test" / "artifacts"
VIEWS = (
    "headline",
    "segment_customers",
    "value_contribution",
    "rf_matrix",
    "segment_ltv",
    "recency_bins",
    "at_risk",
    "cohort_retention",
    "cohort_value",
    "lifecycle_stages",
)
# Items of the Vega marks named `<name>_marks` (one item per bar, cell or text), with their data.
READ_MARKS = """async (name) => {
  await window.dashboardView.runAsync();
  const found = [];
  const wanted = new RegExp("^" + name + "(_[0-9]+)?_marks$");
  const walk = (node) => {
    if (!node) return;
    if (node.marktype && node.name && wanted.test(node.name)) {
      node.items.forEach((item) => found.push(item.datum));
    }
    (node.items || []).forEach(walk);
  };
  walk(window.dashboardView.scenegraph().root);
  return found;
}"""

AT_RISK_SQL = """
    create table marts.customers_at_risk as
    select customer_id, snapshot_at as as_of_at, 0.5 + 0.4 * (r_score = 1)::int as churn_probability,
           case r_score when 1 then 'high' when 2 then 'elevated' else 'normal' end as risk_level,
           90 as horizon_days, segment_key, segment_name_en, segment_name_zh, suggested_action, country,
           ltv as historical_ltv, ltv / 2 as expected_horizon_value,
           (0.5 + 0.4 * (r_score = 1)::int) * ltv / 2 as value_at_risk,
           row_number() over (order by (0.5 + 0.4 * (r_score = 1)::int) * ltv desc, customer_id)::int
               as value_at_risk_rank,
           'no purchase for ' || recency_days || ' days' as reason_1, null as reason_2, null as reason_3,
           'out_of_time' as validation_status, 'test' as model_version
    from marts.customer_rfm
"""


@pytest.fixture(scope="module")
def warehouse(published: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the published warehouse with customers_at_risk (a stand-in when the forward marts are absent)."""
    copy = tmp_path_factory.mktemp("dashboard") / "lifecycle.duckdb"
    shutil.copyfile(published.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        present = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' "
            "and table_name = 'customers_at_risk'"
        ).fetchall()[0][0]
        if not present:
            con.execute(AT_RISK_SQL)
    return copy


@pytest.fixture(scope="module")
def page(warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    html = write_dashboard(warehouse, tmp_path_factory.mktemp("html") / "dashboard.html")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page, observed = offline_page(browser, {"width": 1400, "height": 1900})
        page.goto(html.as_uri())
        page.wait_for_function("document.body.dataset.ready === 'true'", timeout=30_000)
        page.observed = observed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        yield page
        page.screenshot(path=str(ARTIFACTS / "dashboard_filtered.png"), full_page=True)
        browser.close()


def _marks(page, name: str) -> list[dict]:
    return page.evaluate(READ_MARKS, name)


def _choose(page, signal: str, value: str) -> None:
    page.select_option(f"select[name={signal}]", value)
    page.wait_for_function(f"window.dashboardView.signal('{signal}') === {value!r}")


def _mart(warehouse: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_page_draws_every_view_offline_without_errors(page) -> None:
    for view in VIEWS:
        assert _marks(page, view), f"view {view} drew nothing"
    assert page.observed.errors == []
    assert page.observed.outside == []
    assert page.locator("a[href^='http']").count() == 0


def test_views_show_the_mart_numbers_before_and_after_each_filter(page, warehouse: Path) -> None:
    segment, country = _mart(
        warehouse,
        "select (select segment_name_en from marts.customer_rfm group by 1 order by count(*) desc, 1 limit 1), "
        "(select country from marts.customer_rfm group by 1 order by count(*) desc, 1 limit 1 offset 1)",
    )[0]
    filters = {"segment": "All segments", "country": "All countries"}
    for signal, value in (("segment", segment), ("country", country)):
        before = _marks(page, "headline")[0]["customers"]
        _choose(page, signal, value)
        filters[signal] = value
        where = "(? = 'All segments' or segment_name_en = ?) and (? = 'All countries' or country = ?)"
        args = (filters["segment"], filters["segment"], filters["country"], filters["country"])
        expected = dict(
            _mart(
                warehouse, f"select segment_name_en, count(*) from marts.customer_rfm where {where} group by 1", *args
            )
        )
        shown = {d["segment"]: d["customers"] for d in _marks(page, "segment_customers")}
        assert shown == expected
        assert _marks(page, "headline")[0]["customers"] == sum(expected.values()) != before
        cells = _mart(
            warehouse,
            f"select r_score, f_score, count(*), avg(ltv) from marts.customer_rfm where {where} group by 1, 2",
            *args,
        )
        shown_cells = {(d["r_score"], d["f_score"]): (d["customers"], d["mean_ltv"]) for d in _marks(page, "rf_matrix")}
        assert set(shown_cells) == {(r, f) for r, f, _, _ in cells}
        for r, f, customers, mean_ltv in cells:
            assert shown_cells[(r, f)][0] == customers
            assert shown_cells[(r, f)][1] == pytest.approx(mean_ltv)
        at_risk = [
            row[0]
            for row in _mart(
                warehouse,
                "select customer_id from marts.customers_at_risk "
                f"where {where} and risk_level in ('high', 'elevated') order by value_at_risk_rank limit 15",
                *args,
            )
        ]
        assert [d["customer_id"] for d in sorted(_marks(page, "at_risk"), key=lambda d: d["value_at_risk_rank"])] == (
            at_risk
        )
    assert page.observed.errors == []


LIFECYCLE_WHERE = "(? = 'All segments' or r.segment_name_en = ?) and (? = 'All countries' or r.country = ?)"


def _expected_lifecycle(warehouse: Path, segment: str, country: str) -> tuple[dict, dict, dict]:
    """Under the filters, from the customer-level marts: buying customers per (cohort, month since),
    net revenue per cohort customer over all months (the last point of each value line), and
    customers per (month, stage)."""
    args = (segment, segment, country, country)
    buying = _mart(
        warehouse,
        "select strftime(s.cohort_month, '%Y-%m'), s.months_since_first_purchase, count(*) "
        "from marts.customer_lifecycle_stages s join marts.customer_rfm r using (customer_id) "
        f"where s.has_purchase_in_month and {LIFECYCLE_WHERE} group by 1, 2",
        *args,
    )
    value = _mart(
        warehouse,
        "select strftime(date_trunc('month', r.first_purchase_at), '%Y-%m'), avg(r.monetary) "
        f"from marts.customer_rfm r where {LIFECYCLE_WHERE} group by 1",
        *args,
    )
    stages = _mart(
        warehouse,
        "select strftime(s.stage_month, '%Y-%m'), s.lifecycle_stage, count(*) "
        "from marts.customer_lifecycle_stages s join marts.customer_rfm r using (customer_id) "
        f"where {LIFECYCLE_WHERE} group by 1, 2",
        *args,
    )
    return (
        {(cohort, months): n for cohort, months, n in buying},
        dict(value),
        {(month, stage): n for month, stage, n in stages},
    )


def test_lifecycle_views_follow_both_filters(page, warehouse: Path) -> None:
    segment, country = _mart(
        warehouse,
        "select (select segment_name_en from marts.customer_rfm group by 1 order by count(*) desc, 1 limit 1), "
        "(select country from marts.customer_rfm group by 1 order by count(*) desc, 1 limit 1)",
    )[0]
    _choose(page, "segment", "All segments")
    _choose(page, "country", "All countries")
    for chosen_segment, chosen_country in (
        ("All segments", "All countries"),
        (segment, "All countries"),
        (segment, country),
    ):
        _choose(page, "segment", chosen_segment)
        _choose(page, "country", chosen_country)
        buying, value, stages = _expected_lifecycle(warehouse, chosen_segment, chosen_country)
        cells = _marks(page, "cohort_retention")
        shown = {(d["cohort"], d["months_since"]): d["active_customers"] for d in cells if d["active_customers"]}
        assert shown == buying
        for d in cells:
            assert d["retention"] == pytest.approx(d["active_customers"] / d["cohort_customers"])
            if d["months_since"] == 0:
                assert d["retention"] == 1
        last_points: dict[str, dict] = {}
        for d in _marks(page, "cohort_value"):
            if d["months_since"] >= last_points.get(d["cohort"], {"months_since": -1})["months_since"]:
                last_points[d["cohort"]] = d
        assert set(last_points) == set(value)
        for cohort, d in last_points.items():
            assert d["value_per_customer"] == pytest.approx(value[cohort], abs=1e-6)
        assert {(d["month"], d["stage"]): d["customers"] for d in _marks(page, "lifecycle_stages")} == stages
    assert page.observed.errors == []
