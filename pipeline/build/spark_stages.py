"""The stages of a build on Spark (`python -m pipeline build --target spark`): as on DuckDB, with dbt
building on Spark and the tables crossing as parquet (pipeline/build/spark.py says how)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pipeline import config
from pipeline.build import dbt_command, publish, run, spark, tied_child
from pipeline.build.progress import Progress
from pipeline.ingest import LoadSummary


def run_spark_dbt(
    layout: publish.Layout, database: Path, dbt_vars: str | None, nodes: list[str], verbose: bool, imports: str
) -> str:
    """dbt build on Spark with `imports` handed over first; the marts it built land in `database`."""
    exchange = spark.exchange_in(database.parent)
    command = dbt_command.build_command(dbt_vars, nodes, verbose, target=spark.TARGET)
    spark.spark_dir(layout.warehouse).mkdir(parents=True, exist_ok=True)  # Derby logs there from the start
    env = {**run._build_env(database), **spark.spark_env(layout.warehouse, exchange, imports)}
    described = run._finished_dbt(subprocess.run(tied_child.command(command), env=env, cwd=config.REPO_ROOT).returncode)
    spark.read_from_spark(database, exchange)
    return described


def spark_stages(
    layout: publish.Layout,
    data: Path,
    dbt_vars: str | None,
    run_ml: bool,
    options: run.BuildOptions,
    progress: Progress,
) -> LoadSummary:
    """Load, dbt build, ml step and dbt build after it, with Spark building (pipeline/build/spark.py)."""
    database = layout.database_in(layout.scratch)
    exchange = spark.exchange_in(layout.scratch)
    summary = progress.stage("load", run.load, database, data, describe=run._describe_load(data))
    raw = spark.write_for_spark(database, spark.RAW_TABLES, exchange)
    nodes = dbt_command.selection(after_ml=False, with_unit_tests=options.with_unit_tests)
    progress.stage(
        "dbt build on spark", run_spark_dbt, layout, database, dbt_vars, nodes, options.verbose, raw, describe=str
    )
    if run_ml:
        progress.stage("ml step", run.run_ml_step, database, layout.ml_in(layout.scratch), options.verbose)
        if dbt_command.has_ml_downstream():
            scores = spark.write_for_spark(database, spark.ml_tables(database), exchange)
            nodes = dbt_command.selection(after_ml=True, with_unit_tests=options.with_unit_tests)
            progress.stage(
                "dbt build after ml on spark",
                run_spark_dbt,
                layout,
                database,
                dbt_vars,
                nodes,
                options.verbose,
                scores,
                describe=str,
            )
    shutil.rmtree(exchange, ignore_errors=True)
    return summary
