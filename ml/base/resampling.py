"""Checks every mode makes before it resamples with SMOTE."""

from __future__ import annotations

import numpy as np

from ml.base.errors import TooFewMinorityError

# imbalanced-learn's own default: each synthetic row interpolates between a minority row and one of
# its 5 nearest minority neighbours.
SMOTE_K_NEIGHBORS = 5


def check_smote_feasible(y_train: np.ndarray, part: str, k_neighbors: int = SMOTE_K_NEIGHBORS) -> None:
    """SMOTE interpolates between a minority row and its k neighbours, so it needs > k of them."""
    minority = int(min(np.sum(y_train == 1), np.sum(y_train == 0)))
    if minority <= k_neighbors:
        raise TooFewMinorityError(
            f"too few churned customers for SMOTE: {minority} in the {part} (need more than k_neighbors={k_neighbors})"
        )
