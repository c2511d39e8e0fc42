"""CLI: `python -m ml run` does what `make run` needs (the three modes' production runs); the other
commands do one part, or a mode's full evaluation."""

from __future__ import annotations

import argparse
import sys

import duckdb

from ml.base.errors import MLStepError
from ml.forward import workflow as forward_workflow
from ml.seed import config, workflow
from ml.value import workflow as value_workflow


def command_evaluate(business: config.BusinessValues) -> None:
    """The seed mode's full comparison; its plotting stack (matplotlib, shap) loads only when asked for."""
    from ml.seed import evaluation

    evaluation.command_evaluate(business)


def command_explain() -> None:
    from ml.seed import evaluation

    evaluation.command_explain()


def command_run_all(business: config.BusinessValues) -> None:
    """The seed mode, the forward fast path and the predicted value: what `make run` needs."""
    workflow.command_run(business)
    forward_workflow.command_forward()
    value_workflow.command_value()


COMMANDS = {
    "run": (
        command_run_all,
        "seed mode (choose, train, write ml.churn_scores with exact drivers) + forward fast path + predicted value",
    ),
    "evaluate": (
        command_evaluate,
        "seed protocol, every variant on every customer, nested CV of the threshold rule, plots and SHAP",
    ),
    "train": (
        workflow.command_train,
        "choose variant and threshold, fit/save the final pipeline",
    ),
    "explain": (
        command_explain,
        "SHAP plots for the saved pipeline and the seed model",
    ),
    "score": (workflow.command_score, "write ml.churn_scores with the saved variant and threshold"),
    "forward": (
        forward_workflow.command_forward,
        "forward mode fast path: choose, fit, calibrate, write ml.forward_churn_scores",
    ),
    "value": (
        value_workflow.command_value,
        "predicted value: BG/NBD + Gamma-Gamma validated on the holdouts, write ml.customer_value_predictions",
    ),
    "value-evaluate": (
        value_workflow.command_value_evaluate,
        "predicted value with every compared forecast (MBG/NBD, boosted trees) on both holdouts, then score",
    ),
    "forward-evaluate": (
        forward_workflow.command_forward_evaluate,
        "forward mode evaluation: bootstrap intervals, rolling backtest, ablation, plots",
    ),
}
DESCRIPTION = (
    "The ml step. Seed mode: the seed document's churn model reproduced and its production variant "
    "(ml.churn_scores). Forward mode: point-in-time churn probability with reason contributions "
    "(ml.forward_churn_scores). Value mode: BG/NBD + Gamma-Gamma predicted value (ml.customer_value_predictions)."
)
# Subcommands that choose a threshold, and so use the expected-profit rule's money figures.
USES_BUSINESS_VALUES = ("run", "evaluate", "train")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ml", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name in USES_BUSINESS_VALUES:
            command.add_argument(
                "--contact-cost",
                type=float,
                default=None,
                help=f"cost of one retention contact (default {config.CONTACT_COST:g}, env {config.CONTACT_COST_ENV})",
            )
            command.add_argument(
                "--saved-churner-value",
                type=float,
                default=None,
                help=f"value of keeping one contacted churner (default {config.PROFIT_PER_SAVED_CHURNER:g}, "
                f"env {config.SAVED_CHURNER_VALUE_ENV})",
            )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    function = COMMANDS[args.command][0]
    try:
        if args.command in USES_BUSINESS_VALUES:
            function(config.business_values(args.contact_cost, args.saved_churner_value))
        else:
            function()
    except MLStepError as error:
        print(f"ml: error: {error}", file=sys.stderr)
        return 2
    except duckdb.Error as error:
        # Every warehouse access is wrapped into WarehouseIOError; this is the safety net for one that is not.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"ml: error: DuckDB: {first_line}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
