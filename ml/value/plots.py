"""The predicted-value validation figures (Agg backend via ml.plots)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ml.base.figures import plt, save_figure

COLOURS = {"actual": "black", "bgnbd": "tab:blue", "naive": "tab:orange"}


def calibration_by_frequency(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Mean holdout purchases per calibration-frequency bucket: actual against BG/NBD and naive."""
    fig, axes = plt.subplots(1, len(tables), figsize=(6 * len(tables), 4.2), squeeze=False)
    for ax, (title, table) in zip(axes[0], tables.items(), strict=True):
        positions = np.arange(len(table))
        width = 0.27
        for offset, column in zip((-width, 0, width), ("actual", "bgnbd", "naive"), strict=True):
            ax.bar(positions + offset, table[column], width, label=column, color=COLOURS[column])
        ax.set_xticks(
            positions, [f"{label}\n(n={n})" for label, n in zip(table.index, table["customers"], strict=True)]
        )
        ax.set_xlabel("repeat purchase days before the cut-off (frequency)")
        ax.set_ylabel("mean purchase days in the holdout")
        ax.set_title(title)
        ax.legend()
    return save_figure(fig, path)


def predicted_vs_actual(
    summary: pd.DataFrame, forecasts: dict[str, tuple[np.ndarray, np.ndarray]], title: str, path: Path
) -> Path:
    """Per-customer holdout spend predicted vs actual (log scale), and totals of purchases and spend."""
    actual_purchases = summary["holdout_purchase_days"].to_numpy(dtype=float)
    actual_spend = summary["holdout_spend"].to_numpy(dtype=float)
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    for name in ("naive", "bgnbd"):
        axes[0].scatter(forecasts[name][1] + 1, actual_spend + 1, s=4, alpha=0.35, label=name, color=COLOURS[name])
    top = max(actual_spend.max(), max(f[1].max() for f in forecasts.values())) + 1
    axes[0].plot([1, top], [1, top], color="grey", linewidth=1)
    axes[0].set(xscale="log", yscale="log", xlabel="predicted holdout spend + 1", ylabel="actual holdout spend + 1")
    axes[0].set_title(f"per customer, {title}")
    axes[0].legend()
    names = list(forecasts)
    axes[1].bar(
        ["actual", *names],
        [actual_purchases.sum(), *(forecasts[n][0].sum() for n in names)],
        color=["black"] + ["tab:grey"] * len(names),
    )
    axes[1].set_title("total purchase days in the holdout")
    axes[2].bar(
        ["actual", *names],
        [actual_spend.sum(), *(forecasts[n][1].sum() for n in names)],
        color=["black"] + ["tab:grey"] * len(names),
    )
    axes[2].set_title("total spend in the holdout")
    for ax in axes[1:]:
        ax.tick_params(axis="x", rotation=35)
    return save_figure(fig, path)
