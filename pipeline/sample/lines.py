"""Invoice lines for a chunk of invoices: products, quantities, prices and special lines.

Lines are compact numeric arrays (indices into code and description tables); strings are
only materialised by generate.py when a chunk is turned into an Arrow table.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from pipeline.sample import profile
from pipeline.sample.catalogue import ADJUSTMENT_NOTES, Catalogue, hash_uniform
from pipeline.sample.customers import Customers
from pipeline.sample.invoices import CANCELLATION, NO_CODE, PURCHASE, SINGLE_LINE, Headers
from pipeline.sample.quirks import (
    ADJUSTMENT,
    BAD_DEBT,
    BAD_DEBT_CODE,
    BAD_DEBT_DESCRIPTION,
    NON_PRODUCT_CODES,
    PREFIX_C,
    cancelled_quantity,
    duplicate_counts,
)


@dataclass
class Lines:
    """Invoice lines; every field is a numpy array of the same length."""

    invoice: np.ndarray  # global header index
    code: np.ndarray  # index into CodeTables.codes
    description: np.ndarray  # index into CodeTables.descriptions (last entry is NULL)
    quantity: np.ndarray
    price: np.ndarray

    def __len__(self) -> int:
        return len(self.invoice)

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(**{
            f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Lines)
        })

    def take(self, idx: np.ndarray) -> Lines:
        return Lines(**{f.name: getattr(self, f.name)[idx] for f in fields(Lines)})


@dataclass(frozen=True)
class CodeTables:
    """Stock codes and descriptions: products first, then non-product and special codes."""

    codes: list[str]
    descriptions: list[str | None]
    n_products: int

    @classmethod
    def build(cls, catalogue: Catalogue) -> CodeTables:
        extra = [profile.NON_PRODUCT[c][0] for c in NON_PRODUCT_CODES]
        return cls(
            codes=catalogue.stock_code + NON_PRODUCT_CODES + [BAD_DEBT_CODE],
            descriptions=catalogue.description + extra + [BAD_DEBT_DESCRIPTION]
            + list(ADJUSTMENT_NOTES) + [None],
            n_products=len(catalogue),
        )

    def non_product(self, idx: np.ndarray) -> np.ndarray:
        return self.n_products + idx

    @property
    def bad_debt(self) -> int:
        return self.n_products + len(NON_PRODUCT_CODES)

    @property
    def first_note(self) -> int:
        return self.bad_debt + 1

    @property
    def null_description(self) -> int:
        return len(self.descriptions) - 1


def _quantities(rng: np.random.Generator, shift: np.ndarray) -> np.ndarray:
    values = np.asarray(profile.QUANTITY_VALUES)
    weights = np.asarray(profile.QUANTITY_WEIGHTS, dtype=float)
    step = rng.choice(len(values), size=len(shift), p=weights / weights.sum())
    # Fractional shifts move a line up (or down) one more step with that probability.
    step = step + np.floor(shift + rng.random(len(shift))).astype(np.int64)
    qty = values[np.clip(step, 0, len(values) - 1)].astype(np.int64)
    bulk = rng.random(len(qty)) < profile.BULK_LINE_RATE
    huge = np.exp(rng.uniform(np.log(1000), np.log(profile.BULK_LINE_MAX), bulk.sum()))
    qty[bulk] = np.round(huge).astype(np.int64)
    return qty


def _lognormal_price(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.round(median * np.exp(rng.normal(0, sigma, len(median))), 2)


class LineMaker:
    """Generates lines chunk by chunk, carrying cancellations forward to their C-invoice."""

    def __init__(
        self,
        rng: np.random.Generator,
        headers: Headers,
        customers: Customers,
        catalogue: Catalogue,
        seed: int,
    ) -> None:
        self.rng, self.h, self.customers, self.catalogue = rng, headers, customers, catalogue
        self.seed = seed
        self.tables = CodeTables.build(catalogue)
        self.pending: list[Lines] = []
        # For each purchase: the C-invoice that cancels some of its lines, if any.
        cancels = np.flatnonzero(headers.kind == CANCELLATION)
        self.cancelled_by = np.full(len(headers), -1, dtype=np.int64)
        self.cancelled_by[headers.target[cancels]] = cancels

    def chunk(self, start: int, stop: int) -> Lines:
        """All lines of invoices [start, stop), ordered by invoice."""
        idx = np.arange(start, stop)
        kind = self.h.kind[idx]
        products = self._products(idx[kind == PURCHASE])
        self._set_aside_cancellations(products)
        products = products.take(np.repeat(np.arange(len(products)), duplicate_counts(
            self.rng, len(products))))
        parts = [products, self._extra_lines(idx[kind == PURCHASE]),
                 self._single_lines(idx[kind == SINGLE_LINE])]
        due = [p for p in self.pending if len(p)]
        self.pending = []
        for p in due:
            now = p.invoice < stop
            parts.append(p.take(np.flatnonzero(now)))
            self.pending.append(p.take(np.flatnonzero(~now)))
        lines = Lines.concat(parts)
        return lines.take(np.argsort(lines.invoice, kind="stable"))

    def _products(self, inv: np.ndarray) -> Lines:
        rng, cat, h = self.rng, self.catalogue, self.h
        n = h.n_lines[inv]
        line_inv = np.repeat(inv, n)
        total = len(line_inv)
        pos = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        cust = h.customer[line_inv]
        is_cust = cust >= 0
        u = rng.random(total)
        # Repeat buying: part of a customer's lines come from a personal repertoire of
        # products, consecutive slots from a random start so one order holds no repeats.
        start = rng.integers(0, profile.REPERTOIRE_SIZE, size=len(inv))
        slot = (np.repeat(start, n) + pos) % profile.REPERTOIRE_SIZE
        from_repertoire = is_cust & (rng.random(total) < profile.REPERTOIRE_SHARE)
        u[from_repertoire] = hash_uniform(
            cust[from_repertoire], slot[from_repertoire], self.seed)
        product = cat.pick(u)
        shift = cat.quantity_shift[product] + np.where(
            is_cust, self.customers.quantity_shift[np.maximum(cust, 0)], profile.GUEST_QUANTITY_STEPS)
        qty = _quantities(rng, shift)
        price = cat.base_price[product] * np.where(is_cust, 1.0, profile.GUEST_PRICE_MARKUP)
        price = np.where(qty >= profile.BULK_QUANTITY, price * profile.BULK_PRICE_FACTOR, price)
        price = np.where(rng.random(total) < profile.FREE_LINE_RATE, 0.0, np.round(price, 2))
        return Lines(line_inv, product.astype(np.int32), product.astype(np.int32), qty, price)

    def _set_aside_cancellations(self, products: Lines) -> None:
        """Pick the lines each cancellation reverses and keep them for their C-invoice."""
        by = self.cancelled_by[products.invoice]
        hit = np.flatnonzero(by >= 0)
        if not len(hit):
            return
        key = self.rng.random(len(hit))
        order = hit[np.lexsort((key, products.invoice[hit]))]
        group_start = np.r_[True, products.invoice[order][1:] != products.invoice[order][:-1]]
        first = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0))
        rank = np.arange(len(order)) - first
        cancel_inv = by[order]
        chosen = order[rank < self.h.n_cancel[cancel_inv]]
        src = products.take(chosen)
        self.pending.append(Lines(
            invoice=by[chosen], code=src.code, description=src.description,
            quantity=cancelled_quantity(self.rng, src.quantity), price=src.price,
        ))

    def _extra_lines(self, inv: np.ndarray) -> Lines:
        inv = inv[self.h.extra_code[inv] != NO_CODE]
        code = self.h.extra_code[inv].astype(np.int64)
        median = np.asarray([profile.NON_PRODUCT[c][2] for c in NON_PRODUCT_CODES])[code]
        qty = np.where(code == NON_PRODUCT_CODES.index("POST"),
                       self.rng.choice([1, 1, 1, 2, 3], size=len(inv)), 1)
        price = _lognormal_price(self.rng, median, 0.5)
        table = self.tables.non_product(code).astype(np.int32)
        return Lines(inv, table, table, qty.astype(np.int64), price)

    def _single_lines(self, inv: np.ndarray) -> Lines:
        rng, t = self.rng, self.tables
        kind = self.h.line_kind[inv].astype(np.int64)
        n = len(inv)
        code = np.zeros(n, dtype=np.int64)
        desc = np.zeros(n, dtype=np.int64)
        qty = np.ones(n, dtype=np.int64)
        price = np.zeros(n)

        special = kind < ADJUSTMENT
        medians = np.asarray([profile.NON_PRODUCT[c][2] for c in NON_PRODUCT_CODES])
        code[special] = desc[special] = t.non_product(kind[special])
        price[special] = _lognormal_price(rng, medians[kind[special]], 0.6)
        credit = special & (self.h.prefix[inv] == PREFIX_C)
        qty[credit] = -1

        adj = kind == ADJUSTMENT
        product = self.catalogue.pick(rng.random(adj.sum()))
        code[adj] = product
        # Stock adjustments are keyed in by staff: often no description or a note.
        r = rng.random(adj.sum())
        note = t.first_note + rng.integers(0, len(ADJUSTMENT_NOTES), adj.sum())
        desc[adj] = np.where(r < profile.ADJUSTMENT_NULL_DESCRIPTION, t.null_description,
                             np.where(r < 0.8, note, product))
        size = _quantities(rng, np.zeros(adj.sum(), dtype=np.int64)) * rng.integers(1, 10, adj.sum())
        qty[adj] = np.where(rng.random(adj.sum()) < profile.ADJUSTMENT_NEGATIVE, -size, size)

        debt = kind >= BAD_DEBT
        code[debt] = desc[debt] = t.bad_debt
        price[debt] = profile.BAD_DEBT_AMOUNT * np.asarray(profile.BAD_DEBT_PRICES)[
            kind[debt] - BAD_DEBT]
        return Lines(inv, code.astype(np.int32), desc.astype(np.int32), qty, price)
