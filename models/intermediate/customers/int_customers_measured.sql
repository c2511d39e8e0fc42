-- One row per customer per as-of: recency, frequency, monetary and the behavioural features,
-- from the kept lines before the as-of (and, for returns, the cancellation lines of the ledger).
with

spine as (

    -- The seed's contemporaneous chain computes the current snapshot only: copying every line once
    -- per as-of does not scale. Past as-ofs get their features from the customer-invoice aggregate
    -- (int_customers_point_in_time_featured).
    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

lines as (

    select * from {{ ref('int_customer_lines_snapshotted') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days_sequenced') }}

),

ledgered as (

    select * from {{ ref('int_transaction_lines_ledgered') }}

),

windowed_lines as (

    select
        *,
        -- Amounts summed as exact decimals: a sum of doubles depends on the order the threads add
        -- them in, so customers with equal spend could differ by an ulp and swap M tiles between
        -- runs. Prices have at most 3 decimals, so 4 decimals hold every line amount exactly (a
        -- price with more is rounded to 4 decimals, well below a penny).
        cast(line_amount as decimal(18, 4)) as exact_line_amount,
        {{ dbt.dateadd('day', -1 * var('recent_spend_window_days') | int, 'as_of_at') }}
            as recent_spend_starts_at
    from lines

),

line_totals as (

    select
        as_of_at,
        customer_id,
        min(invoiced_at) as first_purchase_at,
        max(invoiced_at) as last_purchase_at,
        count(distinct invoice_no) as frequency,
        sum(exact_line_amount) as monetary,
        sum(quantity) as units,
        count(distinct stock_code) as unique_products,
        sum(
            case when invoiced_at >= recent_spend_starts_at then exact_line_amount else 0 end
        ) as recent_spend
    from windowed_lines
    group by as_of_at, customer_id

),

purchase_rhythm as (

    select
        as_of_at,
        customer_id,
        count(*) as purchase_days,
        min(purchased_on) as first_purchased_on,
        max(purchased_on) as last_purchased_on,
        avg(gap_days) as mean_purchase_gap_days,
        -- Population standard deviation, as numpy's np.std; no gap (one purchase day) counts as 0.
        coalesce(stddev_pop(gap_days), 0) as purchase_interval_std
    from purchase_days
    group by as_of_at, customer_id

),

purchase_span as (

    select
        *,
        {{ dbt.datediff('first_purchased_on', 'last_purchased_on', 'day') }}
            as tenure_days
    from purchase_rhythm

),

country_invoices as (

    select
        as_of_at,
        customer_id,
        country,
        count(distinct invoice_no) as invoices,
        max(invoiced_at) as last_invoiced_at
    from lines
    group by as_of_at, customer_id, country

),

main_country as (

    -- A customer's country: the one with most invoices; on a tie, the one bought from last.
    select
        as_of_at,
        customer_id,
        country
    from country_invoices
    qualify row_number() over (
        partition by as_of_at, customer_id
        order by invoices desc, last_invoiced_at desc, country asc
    ) = 1

),

cancellations as (

    -- Cancellation (return) invoices whatever the policy did with them: returns are a behaviour,
    -- even when the lines are excluded from revenue.
    select
        spine.as_of_at,
        ledgered.customer_id,
        count(distinct ledgered.invoice_no) as cancellation_invoices
    from ledgered
    inner join spine
        on ledgered.invoiced_at < spine.as_of_at
    where ledgered.is_cancellation and ledgered.customer_id is not null
    group by spine.as_of_at, ledgered.customer_id

),

final as (

    select
        line_totals.as_of_at,
        line_totals.customer_id,
        main_country.country,
        main_country.country = {{ sql_string(var('domestic_country')) }} as is_domestic,
        line_totals.first_purchase_at,
        line_totals.last_purchase_at,
        {{ whole_days_between('line_totals.last_purchase_at', 'line_totals.as_of_at') }} as recency_days,
        cast(line_totals.frequency as {{ dbt.type_int() }}) as frequency,
        cast(line_totals.monetary as {{ type_double() }}) as monetary,
        cast(line_totals.units as {{ dbt.type_bigint() }}) as units,
        cast(line_totals.unique_products as {{ dbt.type_int() }}) as unique_products,
        cast(purchase_span.purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(purchase_span.tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(purchase_span.mean_purchase_gap_days as {{ type_double() }}) as mean_purchase_gap_days,
        cast(purchase_span.purchase_interval_std as {{ type_double() }}) as purchase_interval_std,
        cast(line_totals.monetary as {{ type_double() }}) / line_totals.frequency as average_order_value,
        cast(line_totals.units / line_totals.frequency as {{ type_double() }}) as items_per_order,
        cast(coalesce(cancellations.cancellation_invoices, 0) as {{ dbt.type_int() }})
            as cancellation_invoices,
        cast(
            coalesce(cancellations.cancellation_invoices, 0) / line_totals.frequency
            as {{ type_double() }}
        ) as return_rate,
        cast(line_totals.recent_spend as {{ type_double() }}) as recent_spend,
        cast(line_totals.recent_spend as {{ type_double() }})
        / cast(nullif(line_totals.monetary, 0) as {{ type_double() }}) as recent_spend_share
    from line_totals
    inner join purchase_span
        on
            line_totals.as_of_at = purchase_span.as_of_at
            and line_totals.customer_id = purchase_span.customer_id
    inner join main_country
        on
            line_totals.as_of_at = main_country.as_of_at
            and line_totals.customer_id = main_country.customer_id
    left join cancellations
        on
            line_totals.as_of_at = cancellations.as_of_at
            and line_totals.customer_id = cancellations.customer_id

)

select * from final
