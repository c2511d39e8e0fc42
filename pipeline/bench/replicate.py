"""Real-shaped scale data: a transaction file copied N times, each copy a new set of customers and
invoices (ids offset per copy, the C / A prefixes of cancellations and adjustments kept), written
by DuckDB straight to parquet: streamed, so 1000 copies (540 M lines) need little memory.

Copies share the original's dates, products and prices, so the result is the same shop with N times
the customers: the volumes and the skew of the real data, not a synthetic guess. Line order across
copies is not kept (DuckDB writes in parallel); within the file it changes nothing the warehouse
computes, since identical lines are interchangeable and copies never share an id."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.sql import sql_string

# Larger than any id in the UCI data (invoices up to 581,587, customers up to 18,287), so the
# offsets of two copies never collide.
INVOICE_OFFSET = 1_000_000
CUSTOMER_OFFSET = 100_000


def replicated_path(source: Path, times: int) -> Path:
    return config.REPO_ROOT / "data" / "replicated" / f"{source.stem}_x{times}.parquet"


def replicate(source: Path, times: int, out: Path | None = None, memory_limit: str = "2GB") -> Path:
    """Write `times` renumbered copies of `source` to `out` (default: data/replicated/…); return it."""
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    out = out or replicated_path(source, times)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    # Invoice numbers keep their letter prefix; the digits get copy * INVOICE_OFFSET added.
    invoice = (
        "regexp_extract(\"InvoiceNo\", '^[A-Za-z]*') || "
        "cast(cast(regexp_extract(\"InvoiceNo\", '[0-9]+$') as bigint) + copy * "
        f"{INVOICE_OFFSET} as varchar)"
    )
    with duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False}) as con:
        reader = f"read_parquet({sql_string(str(source))})"
        types = {row[0]: row[1] for row in con.execute(f"describe select * from {reader}").fetchall()}
        selected = []
        for column, column_type in types.items():
            if column == "InvoiceNo":
                selected.append(f'case when copy = 0 then "InvoiceNo" else {invoice} end as "InvoiceNo"')
            elif column == "CustomerID":
                offset = f'"CustomerID" + copy * {CUSTOMER_OFFSET}'
                if column_type.upper().startswith("VARCHAR"):
                    offset = f'cast(cast("CustomerID" as double) + copy * {CUSTOMER_OFFSET} as varchar)'
                selected.append(f'{offset} as "CustomerID"')
            else:
                selected.append(f'"{column}"')
        con.execute(
            f"copy (select {', '.join(selected)} from range({times}) as copies(copy) "
            f"cross join {reader}) "
            f"to {sql_string(str(partial))} (format parquet, compression zstd, row_group_size 1000000)"
        )
    return partial.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline replicate", description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, required=True)
    parser.add_argument("--data", type=Path, default=config.REAL_DATA_PATH)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    print(replicate(args.data, args.times, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
