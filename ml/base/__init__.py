"""What the three modes share and nothing mode-specific: warehouse reads and writes, the metrics.json
updater, logging, the output folder, figures, thread settings, explain helpers and the errors.

`ml.seed`, `ml.forward` and `ml.value` import from here and never from each other."""
