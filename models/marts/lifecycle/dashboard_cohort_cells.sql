-- The dashboard's cohort cube: active customers and net revenue per cohort, month since the first
-- purchase, segment and country (both at the current snapshot, from customer_rfm), from the
-- customer-month grain. The cohort views sum these cells after the page's filters; a cohort's size
-- under a filter is its month-0 active customers (everyone buys in their first month).
with

customer_months as (

    select * from {{ ref('int_customer_months_aggregated') }}

),

customers as (

    select
        customer_id,
        segment_key,
        segment_name_en,
        country
    from {{ ref('customer_rfm') }}

),

cells as (

    select
        customer_months.cohort_month,
        customer_months.months_since_first_purchase,
        customers.segment_key,
        customers.segment_name_en,
        customers.country,
        count(case when customer_months.is_active then 1 end) as active_customers,
        sum(customer_months.net_revenue) as net_revenue
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    group by
        customer_months.cohort_month,
        customer_months.months_since_first_purchase,
        customers.segment_key,
        customers.segment_name_en,
        customers.country

),

final as (

    select
        cohort_month,
        months_since_first_purchase,
        segment_key,
        segment_name_en,
        country,
        cast(active_customers as {{ dbt.type_int() }}) as active_customers,
        cast(net_revenue as {{ type_double() }}) as net_revenue
    from cells

)

select * from final
