"""The ml step: three modes that read the dbt marts and write their tables back to the warehouse.

- seed (`ml.seed`): the seed document's churn model reproduced, and its production variant scored
  with exact per-customer drivers into `ml.churn_scores`;
- forward (`ml.forward`): each current customer's point-in-time churn probability with reason
  contributions, into `ml.forward_churn_scores`;
- value (`ml.value`): predicted customer value from BG/NBD + Gamma-Gamma, into
  `ml.customer_value_predictions`.

The modes share only `ml.base` (warehouse I/O, metrics.json, logging, outputs) and never import each
other. Features are defined once, in SQL (the dbt marts); this package never recomputes them.
"""
