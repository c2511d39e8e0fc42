"""The stated threshold rules: where to cut the probabilities so the flag does what was promised."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

from ml.seed import config


def threshold_metrics(y_true: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 when customers with probability ≥ threshold are flagged.

    Plain counts (same numbers as sklearn's scorers with zero_division=0): this runs hundreds of
    times in nested CV, where sklearn's input validation would dominate the run time.
    """
    flagged = np.asarray(proba) >= threshold
    positive = np.asarray(y_true) == 1
    tp = int(np.sum(flagged & positive))
    precision = tp / int(flagged.sum()) if flagged.any() else 0.0
    recall = tp / int(positive.sum()) if positive.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "flagged_share": float(flagged.mean()),
    }


def threshold_for_target_recall(y_true: np.ndarray, proba: np.ndarray, target: float) -> float:
    """The highest threshold whose recall still reaches `target`: fewest contacts for that recall."""
    _, recall, thresholds = precision_recall_curve(y_true, proba)
    # recall[i] belongs to thresholds[i]; the last recall value (0) has no threshold.
    reaching = thresholds[recall[:-1] >= target]
    return float(reaching.max()) if reaching.size else float(thresholds.min())


def threshold_for_expected_profit(
    y_true: np.ndarray, proba: np.ndarray, profit_per_saved: float, contact_cost: float
) -> tuple[float, float]:
    """Threshold maximising profit_per_saved * TP - contact_cost * (TP + FP); returns (threshold, profit)."""
    order = np.argsort(-proba, kind="stable")
    sorted_proba, sorted_true = proba[order], y_true[order]
    profit = np.cumsum(sorted_true * profit_per_saved - contact_cost)
    # Only cut where the probability changes, so tied customers are flagged together.
    last_of_tie = np.r_[sorted_proba[1:] != sorted_proba[:-1], True]
    candidates = np.flatnonzero(last_of_tie)
    best = candidates[np.argmax(profit[candidates])]
    return float(sorted_proba[best]), float(profit[best])


def choose_threshold(y: np.ndarray, oof_proba: np.ndarray, variant: str, business: config.BusinessValues) -> dict:
    """Apply both stated rules to out-of-fold probabilities; config.THRESHOLD_RULE picks the one used.

    `selection` is the rule measured on the very probabilities it was chosen on (so the target
    recall is met by construction); an honest estimate needs held-out customers (nested_holdout).
    """
    recall_threshold = threshold_for_target_recall(y, oof_proba, config.TARGET_RECALL)
    profit_threshold, profit = threshold_for_expected_profit(
        y, oof_proba, business.saved_churner_value, business.contact_cost
    )
    rules = {
        "target_recall": {
            "target_recall": config.TARGET_RECALL,
            "threshold": recall_threshold,
            **threshold_metrics(y, oof_proba, recall_threshold),
        },
        "expected_profit": {
            "saved_churner_value": business.saved_churner_value,
            "contact_cost": business.contact_cost,
            "threshold": profit_threshold,
            "expected_profit_oof": profit,
            **threshold_metrics(y, oof_proba, profit_threshold),
        },
    }
    chosen = rules[config.THRESHOLD_RULE]
    return {
        "rule": config.THRESHOLD_RULE,
        "variant": variant,
        "value": chosen["threshold"],
        "chosen_on": "out-of-fold probabilities of the shipped variant, all customers",
        "selection": {
            "measured_on": "the same out-of-fold probabilities (optimistic: the rule was fitted to them)",
            **{k: chosen[k] for k in ("precision", "recall", "f1", "flagged_share")},
        },
        "rules": rules,
    }
