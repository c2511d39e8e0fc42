"""Run one command as a child process and measure it: wall time, peak RSS (os.wait4), the
`[build] <stage>: X s, peak RSS Y MiB` lines it printed, and dbt's per-node timings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import config

# The stage lines of a build run with --peak-memory (pipeline/build/progress.py).
_STAGE_LINE = re.compile(
    r"^\[build\] (?P<stage>[\w ]+): (?P<seconds>[\d.]+) s, peak RSS (?P<peak>[\d,]+) MiB( \(.*\))?$"
)


@dataclass
class Measurement:
    seconds: float
    peak_mib: float
    ok: bool
    log: Path
    # User + system CPU of the process and its children: steadier than wall time when other work
    # shares the machine's cores.
    cpu_seconds: float = 0.0
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    output: str = ""


def load_average() -> float:
    return os.getloadavg()[0]


def measure(command: list[str], env: dict[str, str], log: Path) -> Measurement:
    """Run `command`; its peak RSS is the largest of it and every process it waited for (dbt)."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=config.REPO_ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    text = log.read_text(errors="replace")
    stages = {}
    for line in text.splitlines():
        if match := _STAGE_LINE.match(line.strip()):
            peak = float(match["peak"].replace(",", ""))
            stages[match["stage"]] = {"seconds": float(match["seconds"]), "peak_mib": peak}
    ok = os.waitstatus_to_exitcode(status) == 0
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, usage.ru_maxrss / 1024, ok, log, cpu_seconds=cpu, stages=stages, output=text)


def dbt_node_times(run_results: Path) -> dict[str, float]:
    """Seconds dbt spent per resource type (model, test, unit_test, seed), summed over nodes, and
    its execution wall time. Nodes run on several threads, so the sums can exceed the wall time."""
    results = json.loads(run_results.read_text())
    sums: dict[str, float] = defaultdict(float)
    for node in results["results"]:
        sums[node["unique_id"].split(".")[0]] += node["execution_time"]
    sums["execution_wall"] = results["elapsed_time"]
    return dict(sums)
