"""Plain `dbt build`, as an analyst types it in a fresh clone: it loads the bundled sample or a named
file with the pipeline's loader and errors, and a warehouse held by a reader is reported in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from pipeline import config
from pipeline.build.dbt_plugin import Plugin

DBT = Path(sys.executable).with_name("dbt")
MOVED_BY_ENV = ("LIFECYCLE_WAREHOUSE_PATH", "LIFECYCLE_EXPORTS_DIR", "LIFECYCLE_ML_OUTPUT_DIR", "LIFECYCLE_DATA")


def _clone(target: Path) -> Path:
    """The repository's files as a clone has them (tracked and new, not ignored), without build output."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=config.REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    archive = target.with_suffix(".tar")
    with tarfile.open(archive, "w") as tar:
        for name in filter(None, listed.split("\0")):
            if (config.REPO_ROOT / name).is_file() and name != ".venv":
                tar.add(config.REPO_ROOT / name, arcname=name)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def _dbt(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in MOVED_BY_ENV and k != "DBT_PROFILES_DIR"}
    return subprocess.run(
        [str(DBT), "build", *args],
        cwd=clone,
        env={**clean, "DBT_PROFILES_DIR": ".", **env},
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clone(tmp_path_factory.mktemp("fresh") / "repo")


def test_plain_dbt_build_on_a_fresh_clone_loads_the_file_named_by_the_environment(
    clone: Path, small_sample: Path
) -> None:
    assert not (clone / "warehouse").exists()
    result = _dbt(clone, LIFECYCLE_DATA=str(small_sample))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with duckdb.connect(str(clone / "warehouse" / "lifecycle.duckdb"), read_only=True) as con:
        (source,) = con.execute("select source_file from raw.load_metadata").fetchall()[0]
        (customers,) = con.execute("select count(*) from marts.customer_rfm").fetchall()[0]
    assert source == str(small_sample.resolve()) and customers > 0


def test_plain_dbt_build_refuses_a_bad_file_named_by_a_var_in_one_line(clone: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,x,six,2011-01-01 10:00:00,1.0,1,UK\n"
    )
    result = _dbt(clone, "--vars", f"{{raw_data_file: '{bad}'}}")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "column 'Quantity'" in output and "six" in output
    assert "Traceback" not in output


def test_plain_dbt_build_names_the_process_holding_the_warehouse(clone: Path) -> None:
    warehouse = clone / "warehouse" / "lifecycle.duckdb"
    if not warehouse.exists():
        pytest.skip("needs the warehouse of the fresh-clone build")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(warehouse)!r}, read_only=True); "
            "print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        result = _dbt(clone)
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    lines = [line for line in output.splitlines() if "is open in" in line]
    assert len(lines) == 1 and f"(PID {reader.pid})" in lines[0] and "make run" in lines[0]
    assert "Traceback" not in output and "Could not set lock" not in output


def test_without_a_named_file_the_plugin_loads_the_bundled_sample_once(
    tmp_path: Path, small_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.sample.bundled

    monkeypatch.delenv("LIFECYCLE_DBT_AUTOLOAD", raising=False)
    monkeypatch.setattr(pipeline.sample.bundled, "ensure_sample", lambda say: small_sample)
    warehouse = tmp_path / "new" / "lifecycle.duckdb"
    credentials = SimpleNamespace(path=str(warehouse))
    Plugin(name="loader", plugin_config={"raw_data_file": ""}, credentials=credentials)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first = con.execute("select source_file, loaded_at from raw.load_metadata").fetchall()[0]
    assert first[0] == str(small_sample.resolve())
    Plugin(name="loader", plugin_config={"raw_data_file": ""}, credentials=credentials)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select source_file, loaded_at from raw.load_metadata").fetchall()[0] == first
