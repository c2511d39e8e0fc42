-- Point-in-time features: one row per customer per as-of of the spine (past and current), for the
-- customers with at least one kept purchase before it, computed only from invoice rows strictly
-- before the as-of. The as-of sums and what derives from them (int_customers_running_totalled),
-- the R/F/M tiles (int_customers_rfm_tiled) and the main country
-- (int_customers_main_country_assigned), in the column order the marts' contracts follow. At the
-- current as-of these are also the seed's customer figures (int_customers_current_profiled).
{%- set windows = var('feature_windows_days') | map('int') | list -%}
{#- The contract's column names (spend_prev_90d, spend_trend_90d) carry the 90. -#}
{%- set trend_days = 90 %}

with

totals as (

    select * from {{ ref('int_customers_running_totalled') }}

),

tiles as (

    select * from {{ ref('int_customers_rfm_tiled') }}

),

countries as (

    select * from {{ ref('int_customers_main_country_assigned') }}

),

final as (

    select
        totals.as_of_at,
        totals.customer_id,
        countries.country,
        countries.is_domestic,

        ---------- lifetime, before the as-of
        totals.first_purchase_at,
        totals.last_purchase_at,
        totals.recency_days,
        totals.tenure_days,
        totals.purchase_span_days,
        totals.purchase_days,
        totals.invoices,
        totals.spend,
        totals.average_order_value,
        totals.items_per_order,
        totals.unique_products,
        totals.cancellation_invoices,
        totals.return_rate,
        totals.recent_spend_share,

        ---------- RFM tiles among the customers of the same as-of
        tiles.r_score,
        tiles.f_score,
        tiles.m_score,

        ---------- trailing windows
        {% for window in windows -%}
            {% for column in [
                'purchase_days', 'invoices', 'spend', 'average_order_value', 'items_per_order',
                'new_products', 'cancellation_invoices',
            ] -%}
                totals.{{ column }}_{{ window }}d,
            {% endfor -%}
        {% endfor -%}

        ---------- purchase rhythm and spend trend
        totals.gap_mean_days,
        totals.gap_std_days,
        totals.last_gap_days,
        totals.overdue_ratio,
        totals.spend_prev_{{ trend_days }}d,
        totals.spend_trend_{{ trend_days }}d
    from totals
    inner join tiles
        on
            totals.as_of_at = tiles.as_of_at
            and totals.customer_id = tiles.customer_id
    inner join countries
        on
            totals.as_of_at = countries.as_of_at
            and totals.customer_id = countries.customer_id

)

select * from final
