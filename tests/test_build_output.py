"""What a build prints: one line per stage, no dbt node lines or colour codes, the peak memory only for
the bench, and at the end where to open what it published. Production builds leave dbt's unit
tests out; `--with-unit-tests` (make test) keeps them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline import config
from pipeline.bench.measure import _STAGE_LINE
from pipeline.build import dbt_command
from pipeline.build.progress import stage_line
from pipeline.build.publish import Layout
from pipeline.build.run import build_warehouse


def test_a_build_prints_a_line_per_stage_and_where_to_open_what_it_published(
    small_sample: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    layout = Layout(tmp_path / "lifecycle.duckdb", tmp_path / "exports", tmp_path / "ml")
    build_warehouse(small_sample, None, layout.warehouse, layout.exports_dir, layout.ml_dir, run_ml=False)
    lines = capfd.readouterr().out.splitlines()
    assert "\x1b[" not in "\n".join(lines)
    assert not [line for line in lines if not line.startswith(("[build] ", "  "))], "dbt's node lines leaked"
    stages = [line.split(":")[0] for line in lines if line.startswith("[build] ") and " s" in line.split(":")[1]]
    assert len(stages) == len(set(stages)), "a stage printed twice"
    assert not [line for line in lines if "peak RSS" in line]
    closing = lines[lines.index(next(line for line in lines if line.startswith("[build] published"))) + 1 :]
    places = {line.split(":")[0].strip(): line.split(": ", 1)[1].strip() for line in closing}
    assert set(places) == {"dashboard", "exports", "warehouse", "docs"}
    for name in ("dashboard", "exports", "warehouse"):
        assert Path(places[name]).is_absolute() and Path(places[name]).exists(), places[name]
    assert "building" not in "\n".join(closing)


def test_the_bench_reads_stage_lines_with_their_peak_memory() -> None:
    measured = _STAGE_LINE.match(stage_line("dbt build", 11.94, "23 models, 85 data tests", peak_mib=1234.4))
    assert measured and measured["stage"] == "dbt build" and measured["seconds"] == "11.9"
    assert measured["peak"] == "1,234"
    assert _STAGE_LINE.match(stage_line("exports", 0.4, peak_mib=300.0))
    assert not _STAGE_LINE.match(stage_line("exports", 0.4)), "without --peak-memory there is nothing to read"


def _listed_resource_types(nodes: list[str]) -> set[str]:
    """What dbt would build with these selection arguments (dbt ls opens no warehouse)."""
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": ":memory:", "LIFECYCLE_DBT_AUTOLOAD": "off"}
    command = [dbt_command.executable(), "ls", "--project-dir", str(config.REPO_ROOT)]
    command += ["--profiles-dir", str(config.REPO_ROOT), "--output", "json", "--quiet", *nodes]
    listed = subprocess.run(command, env=env, cwd=config.REPO_ROOT, capture_output=True, text=True, check=True)
    return {json.loads(line)["resource_type"] for line in listed.stdout.splitlines() if line.startswith("{")}


def test_production_builds_leave_unit_tests_out_and_keep_data_tests() -> None:
    production = _listed_resource_types(dbt_command.selection(after_ml=False, with_unit_tests=False))
    assert "unit_test" not in production and {"model", "test", "seed"} <= production
    assert "unit_test" in _listed_resource_types(dbt_command.selection(after_ml=False, with_unit_tests=True))
    after_ml = _listed_resource_types(dbt_command.selection(after_ml=True, with_unit_tests=False))
    assert "unit_test" not in after_ml and {"model", "test"} <= after_ml


def test_dbt_is_quiet_and_colourless_unless_asked() -> None:
    assert dbt_command.output_options(verbose=False, terminal=False) == [
        "--log-level",
        "warn",
        "--log-level-file",
        "debug",
        "--no-use-colors",
    ]
    assert dbt_command.output_options(verbose=True, terminal=True) == []


def test_the_ml_step_prints_its_summary_and_logs_the_rest_when_the_build_names_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ml.base.log import DETAIL_LOG_ENV, log

    detail = tmp_path / "run.log"
    monkeypatch.setenv(DETAIL_LOG_ENV, str(detail))
    log("cross-validating three variants")
    log("seed mode: 12 of 40 customers flagged", summary=True)
    assert capsys.readouterr().out == "[ml] seed mode: 12 of 40 customers flagged\n"
    assert detail.read_text().splitlines() == [
        "[ml] cross-validating three variants",
        "[ml] seed mode: 12 of 40 customers flagged",
    ]
    monkeypatch.delenv(DETAIL_LOG_ENV)
    log("run directly: every line is printed")
    assert capsys.readouterr().out == "[ml] run directly: every line is printed\n"
