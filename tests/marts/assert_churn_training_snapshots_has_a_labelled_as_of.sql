-- Warns (does not fail) when the data spans too little time for one labelled as-of: the first past
-- as-of needs snapshot_min_history_days of history and its label window churn_horizon_days more
-- before the last invoice. The build still succeeds (small fixtures are built on purpose); the
-- forward ml step refuses to train on an empty churn_training_snapshots.
{{ config(severity='warn') }}

select
    'churn_training_snapshots is empty: the data spans too little time for one labelled as-of '
    || '(needs snapshot_min_history_days + churn_horizon_days between the first and last invoice)'
        as problem
where not exists (select 1 from {{ ref('churn_training_snapshots') }})
