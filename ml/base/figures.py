"""Figures with stable names; Agg backend so the step runs on servers and in CI without a screen."""

from __future__ import annotations

from pathlib import Path

import matplotlib

# The backend is chosen before pyplot (and shap, which imports it) is loaded.
matplotlib.use("Agg")

import matplotlib.pyplot as plt

__all__ = ["plt", "save_figure"]


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Lay out, write at a fixed resolution and close (an open figure per plot would pile up)."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
