"""What a build prints: one line per stage as it ends, a skipped stage as skipped, and at the end
where to open what it published.

    [build] load: 3.3 s (541,909 lines, parquet)
    [build] dbt build: 11.9 s (23 models, 4 seeds, 85 data tests)
    [build] tableau extract: skipped (pantab is not installed: `make tableau` adds it)

`make bench` reads the stage lines of a build run with `--peak-memory`, which adds the peak memory
so far (`[build] load: 3.3 s, peak RSS 166 MiB (...)`): measured where the work happens, not
estimated. Without it the figure is noise to a user."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

PREFIX = "[build] "


def peak_rss_mib() -> float:
    """The largest resident set so far of this process and of any child it has waited for (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def stage_line(stage: str, seconds: float, detail: str = "", peak_mib: float | None = None) -> str:
    memory = f", peak RSS {peak_mib:,.0f} MiB" if peak_mib is not None else ""
    return f"{PREFIX}{stage}: {seconds:.1f} s{memory}{f' ({detail})' if detail else ''}"


@dataclass(frozen=True)
class Progress:
    """The build's voice. `peak_memory` adds the peak RSS to stage lines (Linux keeps no per-stage
    peak: for a stage run in a child process, such as dbt, it is that child's peak when it is the
    largest yet)."""

    peak_memory: bool = False

    def say(self, message: str) -> None:
        print(f"{PREFIX}{message}", flush=True)

    def stage(self, name: str, step: Callable[..., T], *args, describe: Callable[[T], str] | None = None) -> T:
        """Run one stage; when it succeeds print its line, with what `describe` says of its result."""
        started = time.perf_counter()
        result = step(*args)
        seconds = time.perf_counter() - started
        detail = describe(result) if describe else ""
        print(stage_line(name, seconds, detail, peak_rss_mib() if self.peak_memory else None), flush=True)
        return result

    def skipped(self, name: str, reason: str) -> None:
        self.say(f"{name}: skipped ({reason})")


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def where_to_open(places: dict[str, Path | str], docs: Path) -> list[str]:
    """The closing lines: each published thing beside its absolute path, names aligned."""
    docs_note = "from the last `make docs`" if docs.is_file() else "`make docs` writes it"
    rows = {**{name: str(path) for name, path in places.items()}, "docs": f"{docs} ({docs_note})"}
    width = max(len(name) for name in rows) + 1
    return [f"  {name + ':':<{width}} {where}" for name, where in rows.items()]
