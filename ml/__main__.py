"""CLI: `python -m ml run` does everything; `evaluate`, `train`, `explain`, `score` do one part."""

from __future__ import annotations

import argparse
import sys

from ml import workflow
from ml.errors import MLStepError

COMMANDS = {
    "run": (workflow.command_run, "evaluate, train, explain and write ml.churn_scores"),
    "evaluate": (
        workflow.command_evaluate,
        "seed protocol + cross-validated variants, metrics and plots",
    ),
    "train": (
        workflow.command_train,
        "choose the threshold and fit/save the final pipeline",
    ),
    "explain": (
        workflow.command_explain,
        "SHAP plots for the saved pipeline and the seed model",
    ),
    "score": (workflow.command_score, "write ml.churn_scores with the saved pipeline"),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ml", description="Churn model on marts.churn_features.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        COMMANDS[args.command][0]()
    except MLStepError as error:
        print(f"ml: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
