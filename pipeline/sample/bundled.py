"""The bundled sample: what a build loads when it is given no file, generated on first use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline import config


def ensure_sample(scale: float = 1.0, seed: int = 42, say: Callable[[str], None] = print) -> Path:
    """The sample's path; generated when absent (deterministic, so a cached file is as good)."""
    path = config.sample_path(scale, seed)
    if not path.exists():
        from pipeline.sample import write_sample

        say(f"generating the sample data (scale {scale:g}, seed {seed}), once: {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        write_sample(partial, scale=scale, seed=seed)
        partial.replace(path)
    return path
