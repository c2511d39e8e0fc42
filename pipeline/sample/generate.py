"""Assembly of the sample data set and writing it as parquet.

The output is deterministic: one PCG64 stream consumed in a fixed order, chunks of a fixed
number of invoices, and a parquet writer with fixed options and no schema metadata, so the
same seed and scale give a byte-identical file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.sample import profile
from pipeline.sample.catalogue import build_catalogue
from pipeline.sample.customers import country_names, draw_customers
from pipeline.sample.invoices import (
    Headers,
    customer_purchases,
    guest_purchases,
    number_in_time_order,
)
from pipeline.sample.lines import LineMaker, Lines
from pipeline.sample.quirks import (
    PREFIX_A,
    PREFIX_C,
    attach_extra_lines,
    cancellations,
    single_line_invoices,
)
from pipeline.sample.timeline import build_timeline, start_minute

SCHEMA = pa.schema([
    ("InvoiceNo", pa.string()),
    ("StockCode", pa.string()),
    ("Description", pa.string()),
    ("Quantity", pa.int64()),
    ("InvoiceDate", pa.string()),
    ("UnitPrice", pa.float64()),
    ("CustomerID", pa.float64()),
    ("Country", pa.string()),
])

_WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def _chunks(scale: float, seed: int) -> Iterator[pa.Table]:
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.Generator(np.random.PCG64(seed))
    timeline = build_timeline()
    catalogue = build_catalogue(rng)
    customers = draw_customers(rng, timeline, scale)
    purchases = Headers.concat([
        customer_purchases(rng, customers, timeline),
        guest_purchases(rng, timeline, scale),
    ])
    attach_extra_lines(rng, purchases, customers, scale)
    headers = number_in_time_order(Headers.concat([
        purchases,  # first, so cancellation targets index into it unchanged
        cancellations(rng, purchases, timeline),
        single_line_invoices(rng, purchases, timeline, scale),
    ]))
    maker = LineMaker(rng, headers, customers, catalogue, seed)
    invoice_no = _invoice_numbers(headers)
    invoice_date = pc.strftime(
        pa.array((start_minute() + headers.minute.astype("timedelta64[m]")).astype("datetime64[s]")),
        format="%Y-%m-%d %H:%M:%S",
    )
    customer_id = pa.array(
        customers.customer_id[np.maximum(headers.customer, 0)], mask=headers.customer < 0
    )
    country = pa.array(country_names(), pa.string()).take(pa.array(headers.country))
    codes = pa.array(maker.tables.codes, pa.string())
    descriptions = pa.array(maker.tables.descriptions, pa.string())
    for start in range(0, len(headers), profile.ROW_GROUP_INVOICES):
        lines: Lines = maker.chunk(start, min(start + profile.ROW_GROUP_INVOICES, len(headers)))
        inv = pa.array(lines.invoice)
        yield pa.table([
            invoice_no.take(inv),
            codes.take(pa.array(lines.code)),
            descriptions.take(pa.array(lines.description)),
            pa.array(lines.quantity, pa.int64()),
            invoice_date.take(inv),
            pa.array(lines.price, pa.float64()),
            customer_id.take(inv),
            country.take(inv),
        ], schema=SCHEMA)


def _invoice_numbers(headers: Headers) -> pa.Array:
    prefixes = np.array(["", "", ""])
    prefixes[PREFIX_C], prefixes[PREFIX_A] = "C", "A"
    prefix = prefixes[headers.prefix]
    number = (profile.FIRST_INVOICE_NO + np.arange(len(headers))).astype(str)
    return pa.array(np.char.add(prefix, number).tolist(), pa.string())


def generate_sample(scale: float = 1.0, seed: int = 42) -> pa.Table:
    """The sample as one Arrow table with the schema of the real Online Retail data."""
    return pa.concat_tables(list(_chunks(scale, seed)))


def write_sample(path: str | Path, scale: float = 1.0, seed: int = 42) -> Path:
    """Write the sample to a parquet file, one row group per chunk (bounded memory)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, SCHEMA, **_WRITER_OPTIONS) as writer:
        for table in _chunks(scale, seed):
            writer.write_table(table, row_group_size=max(len(table), 1))
    return path
