"""Paths the pipeline reads and writes, in one place; each can be moved with an environment variable."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _path_from_env(variable: str, default: Path) -> Path:
    """Relative paths are taken from the repository root, as dbt (run there) and the ml step do."""
    value = os.environ.get(variable)
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def warehouse_path() -> Path:
    """The DuckDB file BI tools and the ml step read (profiles.yml reads the same variable)."""
    return _path_from_env("LIFECYCLE_WAREHOUSE_PATH", REPO_ROOT / "warehouse" / "lifecycle.duckdb")


def exports_dir() -> Path:
    return _path_from_env("LIFECYCLE_EXPORTS_DIR", REPO_ROOT / "exports")


def ml_output_dir() -> Path:
    """The ml step's artefacts (ml.base.outputs reads it through this function)."""
    return _path_from_env("LIFECYCLE_ML_OUTPUT_DIR", REPO_ROOT / "outputs" / "ml")


def sample_dir() -> Path:
    return _path_from_env("LIFECYCLE_SAMPLE_DIR", REPO_ROOT / "data" / "sample")


def cache_dir() -> Path:
    """Derived files that are slow to make and safe to reuse (e.g. the dashboard's JavaScript)."""
    return _path_from_env("LIFECYCLE_CACHE_DIR", REPO_ROOT / "data" / "cache")


def _sample_generator_fingerprint() -> str:
    """Hash of the generator's code: a cached sample made by older code is never reused."""
    digest = hashlib.sha256()
    for source in sorted((REPO_ROOT / "pipeline" / "sample").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def sample_path(scale: float = 1.0, seed: int = 42) -> Path:
    name = f"online_retail_sample_scale{scale:g}_seed{seed}_{_sample_generator_fingerprint()}.parquet"
    return sample_dir() / name


REAL_DATA_PATH = REPO_ROOT.parent / "shared" / "data" / "online_retail.parquet"


def duckdb_memory_limit() -> str:
    """Cap for DuckDB's memory in the loader (profiles.yml reads the same variable for dbt): past it,
    DuckDB spills to disk instead of crowding out the machine."""
    return os.environ.get("LIFECYCLE_DUCKDB_MEMORY_LIMIT", "3GB")


def duckdb_settings() -> dict[str, str]:
    """Settings for the loader's DuckDB connection. Insertion order stays preserved here: CSV and
    xlsx lines are numbered by row_number() over the scan, in file order."""
    return {"memory_limit": duckdb_memory_limit()}
