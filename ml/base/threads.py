"""Native thread settings shared by every model fit."""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import threadpool_limits

# Native threads (OpenMP, BLAS) per fit. One: HistGradientBoosting's OpenMP threads spin-wait, and
# on a shared 2-core machine two of them fitted the same trees 10-20x slower than one (200 trees on
# 6,250 rows: 28 s with 2 threads under load, 1.5 s with 1).
NATIVE_THREADS = 1


def native_thread_limit() -> AbstractContextManager:
    """The limit above, for a `with` block around a fit or a prediction."""
    return threadpool_limits(NATIVE_THREADS)
