"""Column names users' files carry, mapped onto the UCI "Online Retail" names the warehouse uses.

"Online Retail II" renamed three columns; both spellings are common in the wild."""

from __future__ import annotations

CANONICAL_COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)

ALIASES: dict[str, tuple[str, ...]] = {
    "InvoiceNo": ("InvoiceNo", "Invoice"),
    "StockCode": ("StockCode",),
    "Description": ("Description",),
    "Quantity": ("Quantity",),
    "InvoiceDate": ("InvoiceDate",),
    "UnitPrice": ("UnitPrice", "Price"),
    "CustomerID": ("CustomerID", "Customer ID"),
    "Country": ("Country",),
}


def _normalise(name: str) -> str:
    return name.strip().lower()


def map_columns(found: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return {canonical: name in file} and the canonical columns that are missing."""
    by_normalised = {_normalise(name): name for name in found}
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for canonical in CANONICAL_COLUMNS:
        match = next(
            (by_normalised[_normalise(a)] for a in ALIASES[canonical] if _normalise(a) in by_normalised),
            None,
        )
        if match is None:
            missing.append(canonical)
        else:
            mapping[canonical] = match
    return mapping, missing


def describe_missing(column: str) -> str:
    spellings = " or ".join(repr(a) for a in ALIASES[column])
    return f"required column missing (expected {spellings})"
