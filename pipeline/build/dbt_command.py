"""The build's dbt command lines, and what a finished dbt build reports in one line.

dbt prints a START and a PASS line per node (about 350 on the real data), in colour codes even when
its output goes to a file or a pipe. The build runs it at log level `warn`: a success prints nothing
but warnings, a failure prints dbt's own error in full (the failing test's count, the model's
database error, the unit test's diff). dbt's full log stays in logs/dbt.log; `--verbose` shows it all.

Unit tests are a pure function of the code and their fixtures (dbt's guidance: run them in
development and CI, not in production builds): about 15 s of a 1x build. A build leaves them out
unless asked (`--with-unit-tests`, as `make test` builds the sample). Data tests and contracts run in
every build: they check the data."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pipeline import config
from pipeline.build.progress import plural

# The marts that read ml tables are built after the ml step; everything else before it.
ML_DOWNSTREAM = "source:ml+"
ML_SOURCE_PREFIX = "source.customer_lifecycle.ml."
UNIT_TESTS = "test_type:unit"
BUILT_RESOURCES = {"model", "test", "unit_test", "snapshot", "seed"}
MANIFEST = config.REPO_ROOT / "target" / "manifest.json"
RUN_RESULTS = config.REPO_ROOT / "target" / "run_results.json"
# Resource type in dbt's results -> the noun a user reads, in the order they are listed.
NOUNS = {"model": "model", "seed": "seed", "snapshot": "snapshot", "test": "data test", "unit_test": "unit test"}


def executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else "dbt"


def selection(after_ml: bool, with_unit_tests: bool) -> list[str]:
    """The nodes of the dbt build before the ml step (everything but the ml readers) or after it."""
    unit_tests = [] if with_unit_tests else [UNIT_TESTS]
    if after_ml:
        return ["--select", ML_DOWNSTREAM, *(["--exclude", *unit_tests] if unit_tests else [])]
    return ["--exclude", ML_DOWNSTREAM, *unit_tests]


def output_options(verbose: bool, terminal: bool) -> list[str]:
    """Quiet unless verbose; colour codes only for a terminal (in a file or a pipe they are noise)."""
    # --log-level alone would lower the file log too: logs/dbt.log keeps every line.
    quiet = [] if verbose else ["--log-level", "warn", "--log-level-file", "debug"]
    return [*quiet, *([] if terminal else ["--no-use-colors"])]


def build_command(dbt_vars: str | None, nodes: list[str], verbose: bool, target: str | None = None) -> list[str]:
    return [
        executable(),
        "build",
        "--project-dir",
        str(config.REPO_ROOT),
        "--profiles-dir",
        str(config.REPO_ROOT),
        *(["--target", target] if target else []),
        *output_options(verbose, sys.stdout.isatty()),
        *nodes,
        *(["--vars", dbt_vars] if dbt_vars else []),
    ]


def summary(run_results: Path = RUN_RESULTS) -> str:
    """What the last dbt build did, e.g. `23 models, 4 seeds, 85 data tests, 1 warning`."""
    if not run_results.is_file():
        return ""
    results = json.loads(run_results.read_text())["results"]
    kinds = Counter(node["unique_id"].split(".")[0] for node in results)
    parts = [plural(kinds[kind], noun) for kind, noun in NOUNS.items() if kinds[kind]]
    warned = sum(node["status"] == "warn" for node in results)
    return ", ".join(parts + ([f"{plural(warned, 'warning')} (above)"] if warned else []))


def has_ml_downstream(manifest: Path = MANIFEST) -> bool:
    """Whether any dbt node reads an ml table, by the manifest the first dbt build just wrote.

    Without one, the second dbt build would only start dbt to find nothing to do (about 10 s)."""
    if not manifest.is_file():
        return True
    children = json.loads(manifest.read_text())["child_map"]
    readers = [node for source, nodes in children.items() if source.startswith(ML_SOURCE_PREFIX) for node in nodes]
    return any(node.split(".")[0] in BUILT_RESOURCES for node in readers)  # exposures are not built
