-- At the current snapshot every customer of customer_rfm has exactly one stage row, read at the
-- snapshot, and it is `lapsed` exactly when customer_rfm says churned (same recency, same
-- threshold).
with

current_stages as (

    select * from {{ ref('customer_lifecycle_stages') }}
    where is_current

),

customers as (

    select * from {{ ref('customer_rfm') }}

)

select
    coalesce(current_stages.customer_id, customers.customer_id) as customer_id,
    current_stages.lifecycle_stage,
    current_stages.recency_days as stage_recency_days,
    customers.recency_days,
    customers.churn_status
from current_stages
full outer join customers
    on current_stages.customer_id = customers.customer_id
where
    current_stages.customer_id is null
    or customers.customer_id is null
    or current_stages.month_end_at != customers.snapshot_at
    or current_stages.recency_days != customers.recency_days
    or (current_stages.lifecycle_stage = 'lapsed') != (customers.churn_status = 'churned')
