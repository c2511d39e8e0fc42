"""The bench report: one table (printed, markdown, JSON) and one plot."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.bench.measure import Measurement


@dataclass
class CaseResult:
    name: str
    kind: str
    times: float
    lines: int
    load_average: float
    build: Measurement
    dbt_nodes: dict[str, float]
    pandas: Measurement | None
    duckdb: Measurement | None
    ml: Measurement | None

    def stage_seconds(self, stage: str) -> float | None:
        return self.build.stages.get(stage, {}).get("seconds")

    def dbt_startup_and_parse(self) -> float | None:
        """dbt's wall time outside node execution: interpreter start, parse, writing its artefacts.
        dbt starts with the load, and when it is ready first it waits for the load inside its
        execution, so its whole wall time is load + the "dbt build" stage (the time after the load)."""
        dbt = self.stage_seconds("dbt build")
        if dbt is None or "execution_wall" not in self.dbt_nodes:
            return None
        return max(0.0, (self.stage_seconds("load") or 0.0) + dbt - self.dbt_nodes["execution_wall"])

    def dbt_parsed_everything(self) -> bool:
        """Whether dbt parsed the whole project (first build, or after a change of project, vars or
        profile) instead of reusing its saved parse: seconds of the "outside nodes" time."""
        return any(reason in self.build.output for reason in _FULL_PARSE_REASONS)

    def ratio(self, reference: Measurement | None) -> float | None:
        if reference is None or not reference.ok or not self.build.ok:
            return None
        return self.build.seconds / reference.seconds

    def as_dict(self) -> dict[str, object]:
        def measured(m: Measurement | None) -> dict[str, object] | None:
            if m is None:
                return None
            return {"seconds": m.seconds, "cpu_seconds": m.cpu_seconds, "peak_mib": m.peak_mib, "ok": m.ok}

        return {
            "case": self.name,
            "kind": self.kind,
            "times": self.times,
            "lines": self.lines,
            "load_average_at_start": self.load_average,
            "build": {**measured(self.build), "stages": self.build.stages},
            "dbt_startup_and_parse_seconds": self.dbt_startup_and_parse(),
            "dbt_full_parse": self.dbt_parsed_everything(),
            "dbt_node_seconds": self.dbt_nodes,
            "pandas_reference": measured(self.pandas),
            "duckdb_reference": measured(self.duckdb),
            "ml_step": measured(self.ml),
            "build_over_pandas": self.ratio(self.pandas),
            "build_over_duckdb": self.ratio(self.duckdb),
        }

    def one_line(self) -> str:
        return " | ".join(str(cell) for cell in _row(self))


_FULL_PARSE_REASONS = ("Unable to do partial parsing", "Starting full parse")

_HEADER = [
    "case",
    "lines",
    "load avg",
    "build s",
    "build CPU s",
    "build peak MiB",
    "load s",
    "dbt outside nodes s",
    "dbt exec s",
    "models / tests / unit tests (thread-s)",
    "exports s",
    "pandas s (MiB)",
    "DuckDB script s (MiB)",
    "build / pandas",
    "build / DuckDB",
    "ml step s (MiB)",
]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _measured(m: Measurement | None) -> str:
    if m is None:
        return "not run"
    return f"{m.seconds:.1f} ({m.peak_mib:,.0f})" + ("" if m.ok else " FAILED")


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _row(result: CaseResult) -> list[str]:
    nodes = result.dbt_nodes
    node_sums = " / ".join(_seconds(nodes.get(kind)) for kind in ("model", "test", "unit_test"))
    return [
        result.name,
        f"{result.lines:,}",
        f"{result.load_average:.1f}",
        _seconds(result.build.seconds) + ("" if result.build.ok else " FAILED"),
        _seconds(result.build.cpu_seconds),
        f"{result.build.peak_mib:,.0f}",
        _seconds(result.stage_seconds("load")),
        _seconds(result.dbt_startup_and_parse()) + (" (full parse)" if result.dbt_parsed_everything() else ""),
        _seconds(nodes.get("execution_wall")),
        node_sums,
        _seconds(result.stage_seconds("exports")),
        _measured(result.pandas),
        _measured(result.duckdb),
        _ratio(result.ratio(result.pandas)),
        _ratio(result.ratio(result.duckdb)),
        _measured(result.ml) if result.ml else "-",
    ]


def markdown_table(results: list[CaseResult]) -> str:
    lines = ["| " + " | ".join(_HEADER) + " |", "|" + " --- |" * len(_HEADER)]
    lines += ["| " + " | ".join(_row(result)) + " |" for result in results]
    return "\n".join(lines)


def _plot(results: list[CaseResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r.name for r in results]
    x = range(len(results))
    width = 0.27
    fig, (wall, memory) = plt.subplots(1, 2, figsize=(max(10, 1.6 * len(results) + 4), 5))
    series = [
        ("warehouse build", [r.build for r in results], "tab:blue"),
        ("pandas (seed method)", [r.pandas for r in results], "tab:orange"),
        ("DuckDB script (seed method)", [r.duckdb for r in results], "tab:green"),
    ]
    for offset, (label, measured, colour) in zip((-width, 0, width), series, strict=True):
        positions = [i + offset for i in x]
        wall.bar(positions, [m.seconds if m else 0 for m in measured], width, label=label, color=colour)
        memory.bar(positions, [m.peak_mib / 1024 if m else 0 for m in measured], width, label=label, color=colour)
    for axis, title, unit in ((wall, "Wall time", "seconds (log)"), (memory, "Peak RSS", "GiB")):
        axis.set_xticks(list(x), names, rotation=30, ha="right")
        axis.set_title(title)
        axis.set_ylabel(unit)
    wall.set_yscale("log")
    memory.axhline(4, color="grey", linestyle="--", linewidth=1, label="4 GiB goal")
    memory.legend(fontsize=8)
    fig.suptitle("Production build (load + dbt build with every data test + exports) vs the seed's method")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(results: list[CaseResult], out: Path) -> str:
    """Write bench.md, bench.json and bench.png under `out`; return the table as printed."""
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(results)
    note = (
        "Wall time and peak RSS per case. `dbt outside nodes` = dbt's wall time (it starts with the load) "
        "minus its node execution (interpreter start and parse, partly hidden behind the load, writing "
        "manifest and run results; `(full parse)`: dbt could not reuse its saved parse, e.g. the first "
        "build after a change of project or vars); "
        "`models / tests / unit tests` are dbt's per-node times (run_results.json) summed, in thread-seconds "
        "(2 threads; production builds leave unit tests out, so that column is empty). "
        "CPU = user + system seconds of the build and its children, steadier than wall time "
        "when other work shares the cores (`load avg` = 1-minute load average at the start). "
        "Ratios: build wall time / reference wall time (below 1 = the build is faster).\n"
    )
    (out / "bench.md").write_text(f"# make bench\n\n{note}\n{table}\n")
    (out / "bench.json").write_text(json.dumps([r.as_dict() for r in results], indent=2))
    if results:
        _plot(results, out / "bench.png")
    return f"{table}\n\nreport: {out / 'bench.md'}, {out / 'bench.json'}, {out / 'bench.png'}"
