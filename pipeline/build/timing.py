"""Stage timing for long commands: wall time and peak memory of each stage, printed as it ends.

`make bench` reads these lines from a build's output, so the figures it reports per stage are
measured where the work happens, not estimated."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGE_PREFIX = "[build] "


def peak_rss_mib() -> float:
    """The largest resident set so far of this process and of any child it has waited for (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


@contextmanager
def timed_stage(stage: str) -> Iterator[None]:
    """Print `[build] <stage>: X.X s, peak RSS Y MiB` when the stage ends (not when it fails).

    The peak is the high-water mark so far (Linux keeps no per-stage peak): for a stage run in a
    child process, such as dbt, it is that child's peak when it is the largest yet."""
    started = time.perf_counter()
    yield
    print(
        f"{STAGE_PREFIX}{stage}: {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mib():,.0f} MiB", flush=True
    )
