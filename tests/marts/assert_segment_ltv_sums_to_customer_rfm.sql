-- segment_ltv is a partition of customer_rfm: its customers, revenue and profit add up to the
-- customer mart's, and its shares to 1. Returns a row when they do not.
with

customers as (

    select
        count(*) as customers,
        sum(monetary) as revenue,
        sum(ltv) as profit
    from {{ ref('customer_rfm') }}

),

segments as (

    select
        sum(customers) as customers,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(customer_share) as customer_share,
        sum(revenue_share) as revenue_share,
        sum(profit_share) as profit_share
    from {{ ref('segment_ltv') }}

),

compared as (

    select
        customers.customers as customer_rfm_customers,
        segments.customers as segment_ltv_customers,
        customers.revenue as customer_rfm_revenue,
        segments.revenue as segment_ltv_revenue,
        customers.profit as customer_rfm_profit,
        segments.profit as segment_ltv_profit,
        segments.customer_share,
        segments.revenue_share,
        segments.profit_share
    from customers
    cross join segments

)

select * from compared
where
    customer_rfm_customers != segment_ltv_customers
    or abs(customer_rfm_revenue - segment_ltv_revenue) > 0.01
    or abs(customer_rfm_profit - segment_ltv_profit) > 0.01
    or abs(customer_share - 1) > 1e-9
    or abs(revenue_share - 1) > 1e-9
    or abs(profit_share - 1) > 1e-9
