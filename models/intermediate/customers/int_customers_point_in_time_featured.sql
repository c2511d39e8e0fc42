-- Point-in-time features: one row per customer per as-of of the spine (past and current), for the
-- customers with at least one kept purchase before it, computed only from invoice rows strictly
-- before the as-of. Every feature is a conditional aggregate over one join of the customer-invoice
-- aggregate to the spine: adding as-of dates adds invoice rows, never a rescan of the lines.
-- Windows: [as_of - W days, as_of) for each W in var feature_windows_days. At the current as-of
-- these are also the seed's customer figures (customer_rfm, churn_features read them there).
{%- set windows = var('feature_windows_days') | map('int') | list -%}
{%- set tiles = var('rfm_tiles') | int -%}
{#- The spend trend compares the last 90 days with the 90 before; the contract's column names
    (spend_prev_90d, spend_trend_90d) carry the 90, so it is fixed here rather than a var. -#}
{%- set trend_days = 90 %}

with

spine as (

    select
        as_of_at,
        {% for window in windows -%}
            {{ dbt.dateadd('day', -window, 'as_of_at') }} as window_{{ window }}d_starts_at,
        {% endfor -%}
        {{ dbt.dateadd('day', -trend_days, 'as_of_at') }} as trend_recent_starts_at,
        {{ dbt.dateadd('day', -2 * trend_days, 'as_of_at') }} as trend_previous_starts_at,
        {{ dbt.dateadd('day', -1 * var('recent_spend_window_days') | int, 'as_of_at') }} as recent_spend_starts_at
    from {{ ref('int_snapshots_spined') }}

),

invoices as (

    select * from {{ ref('int_customer_invoices_aggregated') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days_gapped') }}

),

invoices_with_gaps as (

    -- The gap to the previous purchase day sits on the row that starts the purchase day.
    select
        invoices.*,
        purchase_days.gap_days
    from invoices
    left join purchase_days
        on
            invoices.starts_purchase_day
            and invoices.customer_id = purchase_days.customer_id
            and invoices.invoiced_on = purchase_days.purchased_on

),

invoices_before as (

    -- Amounts and counts summed as integer-valued doubles: such sums are exact (below 2^53), so
    -- they do not depend on the order threads add them in (equal spends stay equal and keep their
    -- M tile), and they are cheaper than the 128-bit sums of DECIMAL or INTEGER columns. Spend is
    -- in ten-thousandths of a pound (the invoice aggregate's exact 4-decimal amount).
    select
        spine.*,
        invoices_with_gaps.customer_id,
        invoices_with_gaps.invoice_no,
        invoices_with_gaps.invoiced_at,
        invoices_with_gaps.country,
        invoices_with_gaps.is_purchase,
        invoices_with_gaps.counts_as_purchase_invoice,
        invoices_with_gaps.counts_as_cancellation_invoice,
        invoices_with_gaps.starts_purchase_day,
        cast(invoices_with_gaps.spend * 10000 as {{ type_double() }}) as spend_ten_thousandths,
        cast(invoices_with_gaps.units as {{ type_double() }}) as units,
        cast(invoices_with_gaps.new_products as {{ type_double() }}) as new_products,
        cast(invoices_with_gaps.gap_days as {{ type_double() }}) as gap_days
    from invoices_with_gaps
    inner join spine
        on invoices_with_gaps.invoiced_at < spine.as_of_at

),

totals as (

    select
        as_of_at,
        customer_id,
        min(case when is_purchase then invoiced_at end) as first_purchase_at,
        max(case when is_purchase then invoiced_at end) as last_purchase_at,
        max(case when is_purchase then country end) as any_country,
        count(case when starts_purchase_day then 1 end) as purchase_days,
        count(case when counts_as_purchase_invoice then 1 end) as invoices,
        sum(spend_ten_thousandths) / 10000 as spend,
        sum(units) as units,
        sum(new_products) as unique_products,
        count(case when counts_as_cancellation_invoice then 1 end) as cancellation_invoices,
        {% for window in windows -%}
            {%- set in_window = 'invoiced_at >= window_' ~ window ~ 'd_starts_at' %}
            count(case when starts_purchase_day and {{ in_window }} then 1 end) as purchase_days_{{ window }}d,
            count(case when counts_as_purchase_invoice and {{ in_window }} then 1 end) as invoices_{{ window }}d,
            sum(case when {{ in_window }} then spend_ten_thousandths else 0 end) / 10000 as spend_{{ window }}d,
            sum(case when {{ in_window }} then units else 0 end) as units_{{ window }}d,
            sum(case when {{ in_window }} then new_products else 0 end) as new_products_{{ window }}d,
            count(
                case when counts_as_cancellation_invoice and {{ in_window }} then 1 end
            ) as cancellation_invoices_{{ window }}d,
        {% endfor -%}
        sum(
            case when invoiced_at >= trend_recent_starts_at then spend_ten_thousandths else 0 end
        ) / 10000 as spend_recent_trend,
        sum(
            case
                when invoiced_at >= trend_previous_starts_at and invoiced_at < trend_recent_starts_at
                    then spend_ten_thousandths
                else 0
            end
        ) / 10000 as spend_previous_trend,
        sum(
            case when invoiced_at >= recent_spend_starts_at then spend_ten_thousandths else 0 end
        ) / 10000 as recent_spend,
        -- Gap statistics from exact sums (a stddev aggregate can differ in the last bit between
        -- runs, depending on how threads combine partial results).
        count(gap_days) as gaps,
        sum(gap_days) as gap_sum,
        sum(gap_days * gap_days) as gap_square_sum,
        {{ max_by('gap_days', 'case when starts_purchase_day then invoiced_at end') }} as last_gap_days
    from invoices_before
    group by as_of_at, customer_id
    having count(case when counts_as_purchase_invoice then 1 end) > 0

),

multi_country_customers as (

    select customer_id
    from invoices
    where is_purchase
    group by customer_id
    having count(distinct country) > 1

),

country_invoices as (

    -- Only customers who bought from several countries need the per-country count.
    select
        invoices_before.as_of_at,
        invoices_before.customer_id,
        invoices_before.country,
        count(case when invoices_before.counts_as_purchase_invoice then 1 end) as invoices,
        max(invoices_before.invoiced_at) as last_invoiced_at
    from invoices_before
    inner join multi_country_customers
        on invoices_before.customer_id = multi_country_customers.customer_id
    where invoices_before.is_purchase
    group by invoices_before.as_of_at, invoices_before.customer_id, invoices_before.country

),

main_country as (

    {{ main_country_select('country_invoices') }}

),

measured as (

    select
        totals.*,
        coalesce(main_country.country, totals.any_country) as country,
        {{ whole_days_between('totals.last_purchase_at', 'totals.as_of_at') }} as recency_days,
        {{ whole_days_between('totals.first_purchase_at', 'totals.as_of_at') }} as tenure_days,
        cast(totals.gap_sum as {{ type_double() }}) / nullif(totals.gaps, 0) as gap_mean_days
    from totals
    left join main_country
        on
            totals.as_of_at = main_country.as_of_at
            and totals.customer_id = main_country.customer_id

),

scored as (

    select
        *,
        {{ tiles }} + 1 - {{ rfm_tile('recency_days', tiles, 'as_of_at') }} as r_score,
        {{ rfm_tile('invoices', tiles, 'as_of_at') }} as f_score,
        {{ rfm_tile('spend', tiles, 'as_of_at') }} as m_score
    from measured

),

final as (

    select
        as_of_at,
        customer_id,
        country,
        country = {{ sql_string(var('domestic_country')) }} as is_domestic,

        ---------- lifetime, before the as-of
        first_purchase_at,
        last_purchase_at,
        recency_days,
        tenure_days,
        -- From the first to the last purchase day: the sum of the gaps between purchase days.
        cast(coalesce(gap_sum, 0) as {{ dbt.type_int() }}) as purchase_span_days,
        cast(purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(invoices as {{ dbt.type_int() }}) as invoices,
        cast(spend as {{ type_double() }}) as spend,
        cast(spend as {{ type_double() }}) / invoices as average_order_value,
        cast(units as {{ type_double() }}) / invoices as items_per_order,
        cast(unique_products as {{ dbt.type_int() }}) as unique_products,
        cast(cancellation_invoices as {{ dbt.type_int() }}) as cancellation_invoices,
        cast(cancellation_invoices as {{ type_double() }}) / invoices as return_rate,
        cast(recent_spend as {{ type_double() }})
        / cast(nullif(spend, 0) as {{ type_double() }}) as recent_spend_share,

        ---------- RFM tiles among the customers of the same as-of
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,

        ---------- trailing windows
        {% for window in windows -%}
            cast(purchase_days_{{ window }}d as {{ dbt.type_int() }}) as purchase_days_{{ window }}d,
            cast(invoices_{{ window }}d as {{ dbt.type_int() }}) as invoices_{{ window }}d,
            cast(spend_{{ window }}d as {{ type_double() }}) as spend_{{ window }}d,
            cast(spend_{{ window }}d as {{ type_double() }})
            / nullif(invoices_{{ window }}d, 0) as average_order_value_{{ window }}d,
            cast(units_{{ window }}d as {{ type_double() }})
            / nullif(invoices_{{ window }}d, 0) as items_per_order_{{ window }}d,
            cast(new_products_{{ window }}d as {{ dbt.type_int() }}) as new_products_{{ window }}d,
            cast(cancellation_invoices_{{ window }}d as {{ dbt.type_int() }}) as cancellation_invoices_{{ window }}d,
        {% endfor -%}

        ---------- purchase rhythm (gaps in calendar days between purchase days)
        gap_mean_days,
        -- Population variance from exact sums: (n * sum(g^2) - sum(g)^2) / n^2.
        sqrt(
            cast(gaps * gap_square_sum - gap_sum * gap_sum as {{ type_double() }})
            / nullif(gaps * gaps, 0)
        ) as gap_std_days,
        cast(last_gap_days as {{ type_double() }}) as last_gap_days,
        recency_days / gap_mean_days as overdue_ratio,

        ---------- spend trend
        cast(spend_previous_trend as {{ type_double() }}) as spend_prev_{{ trend_days }}d,
        cast(spend_recent_trend - spend_previous_trend as {{ type_double() }})
        / cast(nullif(spend_recent_trend + spend_previous_trend, 0) as {{ type_double() }})
            as spend_trend_{{ trend_days }}d
    from scored

)

select * from final
