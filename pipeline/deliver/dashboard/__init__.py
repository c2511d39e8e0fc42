"""The dashboard anyone can open: one self-contained HTML file written with every build.

Reads the small dashboard marts (models/marts/dashboard/), draws the views with Vega-Altair and
inlines Vega's JavaScript, so the page opens from file:// with no network."""

from __future__ import annotations

from pathlib import Path

from pipeline.deliver.dashboard.charts import dashboard_chart
from pipeline.deliver.dashboard.data import read_dashboard_data
from pipeline.deliver.dashboard.page import render_page


def write_dashboard(warehouse: Path, target: Path) -> Path:
    data = read_dashboard_data(warehouse)
    html = render_page(dashboard_chart(data), title="Customer lifecycle dashboard")
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(html, encoding="utf-8")
    return partial.replace(target)


__all__ = ["write_dashboard"]
