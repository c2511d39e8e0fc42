"""Seed mode: the seed document's churn model reproduced (five features, SMOTE, 70/30 split) and its
production variant (a log1p pipeline whose variant and threshold are chosen by stated rules), scored
out of fold with exact per-customer drivers into `ml.churn_scores`."""
