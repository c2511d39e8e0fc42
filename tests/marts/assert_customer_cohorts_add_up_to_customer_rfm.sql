-- The cohorts hold every customer of customer_rfm once, in the month of their first purchase, and
-- over all months their orders and net revenue are customer_rfm's frequency and monetary: the
-- customer-month grain neither drops nor double counts a customer, an order or a reversal.
with

cohorts as (

    select
        cohort_month,
        max(cohort_customers) as cohort_customers,
        sum(orders) as orders,
        sum(net_revenue) as net_revenue
    from {{ ref('customer_cohorts') }}
    group by cohort_month

),

customers as (

    select
        cast({{ dbt.date_trunc('month', 'first_purchase_at') }} as date) as cohort_month,
        count(*) as customers,
        sum(frequency) as frequency,
        sum(monetary) as monetary
    from {{ ref('customer_rfm') }}
    group by cast({{ dbt.date_trunc('month', 'first_purchase_at') }} as date)

)

select
    coalesce(cohorts.cohort_month, customers.cohort_month) as cohort_month,
    cohorts.cohort_customers,
    customers.customers,
    cohorts.orders,
    customers.frequency,
    cohorts.net_revenue,
    customers.monetary
from cohorts
full outer join customers
    on cohorts.cohort_month = customers.cohort_month
where
    cohorts.cohort_month is null
    or customers.cohort_month is null
    or cohorts.cohort_customers != customers.customers
    or cohorts.orders != customers.frequency
    or abs(cohorts.net_revenue - customers.monetary) > 0.01
