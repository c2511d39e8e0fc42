"""What the forward mode works on: the snapshots, their labelled as-ofs, the splits the protocol
makes of them and the validation the data allows; and the forward section of metrics.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.base.log import log
from ml.base.metrics import update_section
from ml.base.outputs import warehouse_path
from ml.forward import config, protocol
from ml.forward.data import Snapshots, load_snapshots


@dataclass
class Plan:
    """The snapshots and every split the protocol makes of them."""

    snapshots: Snapshots
    as_ofs: pd.DataFrame  # labelled as-ofs with their label window ends, oldest first
    backtest: list[protocol.Split]  # oldest first; the last one tests on T; empty without T

    @property
    def out_of_time(self) -> protocol.Split | None:
        return self.backtest[-1] if self.backtest else None

    @property
    def validation(self) -> str:
        return protocol.validation_status(self.as_ofs, self.backtest)

    def no_labelled_as_of(self) -> str:
        """Why no forward model can be fitted, when no as-of is labelled."""
        span = self.snapshots.span
        return f"no labelled as-of ({span.describe()}; one needs at least {span.need()})"

    def validation_section(self) -> dict:
        span = self.snapshots.span
        reasons = {
            config.VALIDATION_OUT_OF_TIME: (
                f"tested out of time on {self.backtest[-1].test_as_of:%Y-%m-%d}" if self.backtest else ""
            ),
            config.VALIDATION_IN_TIME_ONLY: (
                f"{len(self.as_ofs)} labelled as-of(s) but none with an earlier one whose label window ends by "
                f"it: fitted and calibrated, not tested on a later month ({span.describe()}; an out-of-time "
                f"test needs about {span.need(horizons=2)})"
            ),
            config.VALIDATION_NONE: (
                f"{self.no_labelled_as_of()}: the seed mode's probability ({config.SEED_SCORES_TABLE}) stands in"
            ),
        }
        return {"status": self.validation, "reason": reasons[self.validation]}


def load_plan() -> Plan:
    path = warehouse_path()
    log(f"forward: reading {config.TRAINING_TABLE} and {config.SCORING_TABLE} from {path}")
    snapshots = load_snapshots(path)
    as_ofs = protocol.labelled_as_ofs(snapshots.training)
    plan = Plan(snapshots, as_ofs, protocol.backtest_splits(as_ofs, snapshots.span))
    training = snapshots.training
    rate = f"{training[config.LABEL_COLUMN].mean():.1%}" if len(training) else "no"
    test = f"test as-of T = {plan.out_of_time.test_as_of:%Y-%m-%d}" if plan.out_of_time else "no test as-of"
    log(
        f"  {len(as_ofs)} labelled as-of(s), {len(training):,} customer-snapshots ({rate} churned in "
        f"{snapshots.span.horizon_days} days), {len(snapshots.scoring):,} customers to score, "
        f"{len(snapshots.features)} features; {test}; validation {plan.validation}"
    )
    return plan


def data_section(plan: Plan) -> dict:
    training = plan.snapshots.training
    return {
        "training_table": config.TRAINING_TABLE,
        "scoring_table": config.SCORING_TABLE,
        "labelled_as_ofs": [f"{t:%Y-%m-%d %H:%M}" for t in plan.as_ofs[config.AS_OF_COLUMN]],
        "customer_snapshots": len(training),
        "churn_rate": float(training[config.LABEL_COLUMN].mean()) if len(training) else None,
        "horizon_days": plan.snapshots.span.horizon_days,
        "customers_scored": len(plan.snapshots.scoring),
        "features": list(plan.snapshots.features),
        "fingerprint_sha256": plan.snapshots.fingerprint,
    }


def update_metrics(out_dir: Path, plan: Plan, sections: dict) -> Path:
    """Merge into metrics.json under "forward", leaving the other modes' sections as they are.

    The forward section is started afresh when it described other snapshot data."""
    content = {"data": data_section(plan), "validation": plan.validation_section(), **sections}
    return update_section(out_dir, config.METRICS_SECTION, plan.snapshots.fingerprint, content)
