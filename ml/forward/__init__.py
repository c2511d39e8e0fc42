"""Forward churn mode: predict "no kept purchase in the next horizon_days" from point-in-time snapshots.

Reads `marts.churn_training_snapshots` (labelled as-ofs) and `marts.churn_scoring_snapshot` (the
current as-of); features are defined once, in SQL, and never recomputed here. The seed mode
(`ml.churn_scores`) is untouched.
"""
