-- The main country of every customer per as-of of the spine (customers with a kept purchase before
-- it), from purchase invoices strictly before the as-of: the country with most invoices, on a tie
-- the one bought from last, then by name (macro main_country_select). is_domestic compares it with
-- var domestic_country.
with

spine as (

    select as_of_at from {{ ref('int_snapshots_spined') }}

),

invoices as (

    select * from {{ ref('int_customer_invoices_aggregated') }}

),

customer_countries as (

    select
        customer_id,
        min(invoiced_at) as first_purchase_at,
        -- The only country of a customer who bought from one; others get main_country below.
        max(country) as any_country,
        count(distinct country) as countries
    from invoices
    where is_purchase
    group by customer_id

),

customers_by_as_of as (

    select
        spine.as_of_at,
        customer_countries.customer_id,
        customer_countries.any_country
    from customer_countries
    inner join spine
        on customer_countries.first_purchase_at < spine.as_of_at

),

country_invoices as (

    -- Only customers who bought from several countries need the per-country count.
    select
        spine.as_of_at,
        invoices.customer_id,
        invoices.country,
        count(case when invoices.counts_as_purchase_invoice then 1 end) as invoices,
        max(invoices.invoiced_at) as last_invoiced_at
    from invoices
    inner join customer_countries
        on invoices.customer_id = customer_countries.customer_id
    inner join spine
        on invoices.invoiced_at < spine.as_of_at
    where invoices.is_purchase and customer_countries.countries > 1
    group by spine.as_of_at, invoices.customer_id, invoices.country

),

main_country as (

    {{ main_country_select('country_invoices') }}

),

assigned as (

    select
        customers_by_as_of.as_of_at,
        customers_by_as_of.customer_id,
        coalesce(main_country.country, customers_by_as_of.any_country) as country
    from customers_by_as_of
    left join main_country
        on
            customers_by_as_of.as_of_at = main_country.as_of_at
            and customers_by_as_of.customer_id = main_country.customer_id

),

final as (

    select
        as_of_at,
        customer_id,
        country,
        country = {{ sql_string(var('domestic_country')) }} as is_domestic
    from assigned

)

select * from final
