"""Where the ml step writes its artefacts, and what it records about the libraries it ran with."""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path

# One place resolves the paths every stage shares (LIFECYCLE_WAREHOUSE_PATH, LIFECYCLE_ML_OUTPUT_DIR),
# so dbt, the exports and the ml step cannot disagree about them.
from pipeline.config import ml_output_dir as output_dir
from pipeline.config import warehouse_path

__all__ = ["library_versions", "output_dir", "prepared_output_dir", "warehouse_path"]

# The variables those two functions read (relative paths are taken from the repository root).
WAREHOUSE_ENV = "LIFECYCLE_WAREHOUSE_PATH"
OUTPUT_DIR_ENV = "LIFECYCLE_ML_OUTPUT_DIR"

LIBRARIES = ("scikit-learn", "imbalanced-learn", "shap", "numpy", "pandas", "duckdb", "joblib")


def prepared_output_dir() -> Path:
    """The output folder, created if missing (plots, metrics, model; never inside the warehouse)."""
    out_dir = output_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def library_versions() -> dict[str, str]:
    """Recorded beside a saved model, so a result can be traced to the code that produced it."""
    return {"python": platform.python_version(), **{name: version(name) for name in LIBRARIES}}
