"""Churn model step: reads `marts.churn_features`, trains, explains and writes `ml.churn_scores` back.

Features are defined once, in SQL (the dbt mart); this package never recomputes them.
"""
