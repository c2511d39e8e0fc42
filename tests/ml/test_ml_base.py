"""The shared base: one metrics.json updater for every mode, and modes that import only the base."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from ml.base.metrics import METRICS_FILE, update_section

ML_DIR = Path(__file__).resolve().parents[2] / "ml"
MODES = ("seed", "forward", "value")


def test_a_changed_fingerprint_resets_only_that_modes_section(tmp_path):
    update_section(tmp_path, "seed", "a" * 64, {"data": {"fingerprint_sha256": "a" * 64}, "scores": 1})
    update_section(tmp_path, "forward", "b" * 64, {"data": {"fingerprint_sha256": "b" * 64}, "scores": 2})
    update_section(tmp_path, "seed", "a" * 64, {"explain": 3})  # same data: merged
    before = json.loads((tmp_path / METRICS_FILE).read_text())
    assert before["seed"] == {"data": {"fingerprint_sha256": "a" * 64}, "scores": 1, "explain": 3}

    update_section(tmp_path, "seed", "c" * 64, {"data": {"fingerprint_sha256": "c" * 64}, "scores": 4})
    after = json.loads((tmp_path / METRICS_FILE).read_text())
    assert after["seed"] == {"data": {"fingerprint_sha256": "c" * 64}, "scores": 4}
    assert after["forward"] == before["forward"]
    assert not list(tmp_path.glob(".*.partial"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_each_mode_imports_only_the_base_and_itself():
    for mode in MODES:
        for path in sorted((ML_DIR / mode).glob("*.py")):
            ml_imports = {name for name in _imported_modules(path) if name == "ml" or name.startswith("ml.")}
            foreign = {name for name in ml_imports if not name.startswith(("ml.base", f"ml.{mode}"))}
            assert not foreign, f"{path.relative_to(ML_DIR)} imports {sorted(foreign)}"


def test_the_base_imports_no_mode():
    for path in sorted((ML_DIR / "base").glob("*.py")):
        ml_imports = {name for name in _imported_modules(path) if name.startswith("ml.")}
        assert all(name.startswith("ml.base") for name in ml_imports), path.name
