"""What a build delivers from the finished warehouse, into its release's exports/ folder: the marts
as CSV and parquet (export.py), the dashboard (dashboard/, one HTML file that opens from file://)
and, with pantab installed, a Tableau extract (tableau.py). Each reads the warehouse read-only
through one capped connection (warehouse_reader.py); none writes to it."""
