"""Predicted customer value: BG/NBD + Gamma-Gamma on marts.customer_value_summaries (python -m ml value)."""
