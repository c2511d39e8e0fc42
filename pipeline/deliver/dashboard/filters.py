"""The page's two filters (segment, country) as Vega expressions, and the width of a view: shared by
the snapshot views (charts.py) and the lifecycle views (lifecycle_charts.py)."""

from __future__ import annotations

ALL_SEGMENTS = "All segments"
ALL_COUNTRIES = "All countries"
WIDTH = 380
SEGMENT_FILTER = f"(segment == '{ALL_SEGMENTS}' || datum.segment == segment)"
COUNTRY_FILTER = f"(country == '{ALL_COUNTRIES}' || datum.country == country)"
BOTH_FILTERS = f"{SEGMENT_FILTER} && {COUNTRY_FILTER}"
