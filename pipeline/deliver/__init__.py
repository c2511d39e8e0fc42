"""What a build delivers from the finished warehouse, into its release's exports/ folder: the marts
as CSV and parquet (export.py), the dashboard (dashboard/, one HTML file that opens from file://)
and, with pantab installed, a Tableau extract (tableau.py). Each reads the warehouse read-only
through one capped connection (warehouse_reader.py); none writes to it.

Kept light to import: the dashboard's charting stack and pantab are imported by the stage that
needs them."""

from __future__ import annotations

from pathlib import Path

from pipeline.deliver.export import write_exports

DASHBOARD_NAME = "dashboard.html"


def write_dashboard(warehouse: Path, exports_dir: Path) -> Path:
    from pipeline.deliver.dashboard import write_dashboard as write

    return write(warehouse, exports_dir / DASHBOARD_NAME)


def tableau_available() -> bool:
    from pipeline.deliver import tableau

    return tableau.available()


def write_tableau_extract(warehouse: Path, exports_dir: Path) -> Path:
    from pipeline.deliver import tableau

    return tableau.write_extract(warehouse, exports_dir / tableau.EXTRACT_NAME)


__all__ = ["DASHBOARD_NAME", "tableau_available", "write_dashboard", "write_exports", "write_tableau_extract"]
