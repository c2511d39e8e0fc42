-- The as-of sums: one row per customer per as-of of the spine (past and current), for the customers
-- with at least one kept purchase before it, computed only from invoice rows strictly before the
-- as-of, and the features derived from them (ratios, purchase rhythm, spend trend). Windows:
-- [as_of - W days, as_of) for each W in var feature_windows_days. R/F/M tiles
-- (int_customers_rfm_tiled) and the main country (int_customers_main_country_assigned) are models
-- of their own; int_customers_point_in_time_featured joins the three.
--
-- Every figure is a sum or count over the invoice rows before a cut-off, so it is read from running
-- totals: the customer's invoice moments (one row per timestamp: rows at one timestamp are all
-- before or all at/after any as-of) carry running sums in time order, and each cut-off (the as-of,
-- and the as-of minus each window) takes the running totals of the customer's last moment before
-- it. A window is the difference of two cut-offs. Joining every invoice row to every later as-of
-- and aggregating instead made one group of ~45 sums per customer and as-of: 86 CPU seconds and a
-- spill at 100x, against ~20 here. Sums are of integer-valued doubles (spend in ten-thousandths
-- of a pound), exact below 2^53, so they and their differences do not depend on the order threads
-- add them in (equal spends stay equal and keep their M tile).
{%- set windows = var('feature_windows_days') | map('int') | list -%}
{#- The spend trend compares the last 90 days with the 90 before; the contract's column names
    (spend_prev_90d, spend_trend_90d) carry the 90, so it is fixed here rather than a var. -#}
{%- set trend_days = 90 -%}
{%- set recent_days = var('recent_spend_window_days') | int -%}
{#- Cut-offs in days before the as-of; 0 is the as-of itself (the lifetime figures). -#}
{%- set offsets = ([0] + windows + [trend_days, 2 * trend_days, recent_days]) | unique | list -%}
{%- set windowed = ['purchase_days', 'invoices', 'spend', 'units', 'new_products', 'cancellation_invoices'] -%}
{%- set summed = windowed + ['gaps', 'gap_sum', 'gap_square_sum'] -%}
{%- set running_frame -%}
    over (partition by customer_id order by invoiced_at rows between unbounded preceding and current row)
{%- endset %}

with

spine as (

    select as_of_at from {{ ref('int_snapshots_spined') }}

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

moments as (

    -- One row per customer and timestamp. At most one purchase day starts at a timestamp.
    select
        customer_id,
        invoiced_at,
        max(case when is_purchase then invoiced_at end) as purchased_at,
        max(case when starts_purchase_day then invoiced_at end) as purchase_day_started_at,
        max(gap_days) as gap_days,
        count(case when starts_purchase_day then 1 end) as purchase_days,
        count(case when counts_as_purchase_invoice then 1 end) as invoices,
        sum(cast(spend * 10000 as {{ type_double() }})) as spend,
        sum(cast(units as {{ type_double() }})) as units,
        sum(cast(new_products as {{ type_double() }})) as new_products,
        count(case when counts_as_cancellation_invoice then 1 end) as cancellation_invoices,
        count(gap_days) as gaps,
        sum(cast(gap_days as {{ type_double() }})) as gap_sum,
        sum(cast(gap_days * gap_days as {{ type_double() }})) as gap_square_sum
    from invoices_with_gaps
    group by customer_id, invoiced_at

),

running as (

    -- Totals over the customer's moments up to and including this one; next_invoiced_at bounds
    -- the cut-offs this row is the last moment before.
    select
        customer_id,
        invoiced_at,
        lead(invoiced_at) over (partition by customer_id order by invoiced_at) as next_invoiced_at,
        max(purchased_at) {{ running_frame }} as last_purchase_at,
        {{ max_by('gap_days', 'purchase_day_started_at') }} {{ running_frame }} as last_gap_days,
        {% for column in summed -%}
            sum({{ column }}) {{ running_frame }} as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from moments

),

customers as (

    select
        customer_id,
        min(purchased_at) as first_purchase_at
    from moments
    group by customer_id

),

customers_by_as_of as (

    -- The rows of the model: every customer with a kept purchase before the as-of.
    select
        spine.as_of_at,
        customers.customer_id,
        customers.first_purchase_at
    from customers
    inner join spine
        on customers.first_purchase_at < spine.as_of_at

),

{% for offset in offsets %}
    running_at_cut_off_{{ offset }} as (

        -- Running totals {{ offset }} days before each as-of: the last moment before that cut-off.
        select
            customers_by_as_of.as_of_at,
            customers_by_as_of.customer_id,
            {% if offset == 0 -%}
                customers_by_as_of.first_purchase_at,
            {% endif -%}
            running.last_purchase_at,
            running.last_gap_days,
            {% for column in summed -%}
                running.{{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from customers_by_as_of
        inner join running
            on
                customers_by_as_of.customer_id = running.customer_id
                and running.invoiced_at < {{ dbt.dateadd('day', -offset, 'customers_by_as_of.as_of_at') }}
                and (
                    running.next_invoiced_at >= {{ dbt.dateadd('day', -offset, 'customers_by_as_of.as_of_at') }}
                    or running.next_invoiced_at is null
                )

    ),

{% endfor %}
totals as (

    select
        running_at_cut_off_0.as_of_at,
        running_at_cut_off_0.customer_id,
        running_at_cut_off_0.first_purchase_at,
        running_at_cut_off_0.last_purchase_at,
        {{ whole_days_between(
            'running_at_cut_off_0.last_purchase_at', 'running_at_cut_off_0.as_of_at'
        ) }} as recency_days,
        running_at_cut_off_0.purchase_days,
        running_at_cut_off_0.invoices,
        running_at_cut_off_0.spend / 10000 as spend,
        running_at_cut_off_0.units,
        running_at_cut_off_0.new_products as unique_products,
        running_at_cut_off_0.cancellation_invoices,
        {% for window in windows -%}
            {% for column in windowed -%}
                (
                    running_at_cut_off_0.{{ column }}
                    - coalesce(running_at_cut_off_{{ window }}.{{ column }}, 0)
                ){% if column == 'spend' %} / 10000{% endif %} as {{ column }}_{{ window }}d,
            {% endfor -%}
        {% endfor -%}
        (
            running_at_cut_off_0.spend
            - coalesce(running_at_cut_off_{{ trend_days }}.spend, 0)
        ) / 10000 as spend_recent_trend,
        (
            coalesce(running_at_cut_off_{{ trend_days }}.spend, 0)
            - coalesce(running_at_cut_off_{{ 2 * trend_days }}.spend, 0)
        ) / 10000 as spend_previous_trend,
        (
            running_at_cut_off_0.spend
            - coalesce(running_at_cut_off_{{ recent_days }}.spend, 0)
        ) / 10000 as recent_spend,
        running_at_cut_off_0.gaps,
        running_at_cut_off_0.gap_sum,
        running_at_cut_off_0.gap_square_sum,
        running_at_cut_off_0.last_gap_days
    from running_at_cut_off_0
    {% for offset in offsets if offset != 0 -%}
        left join running_at_cut_off_{{ offset }}
            on
                running_at_cut_off_0.as_of_at = running_at_cut_off_{{ offset }}.as_of_at
                and running_at_cut_off_0.customer_id = running_at_cut_off_{{ offset }}.customer_id
    {% endfor %}

),

measured as (

    select
        *,
        {{ whole_days_between('first_purchase_at', 'as_of_at') }} as tenure_days,
        {{ purchase_gap_mean_days('gap_sum', 'gaps') }} as gap_mean_days
    from totals

),

final as (

    select
        as_of_at,
        customer_id,

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
        -- Net of returns booked in the window (see spend_trend_90d): a net return counts as 0, and
        -- so does the share of a customer whose every purchase was reversed (no spend to share).
        coalesce(
            cast(greatest(recent_spend, 0) as {{ type_double() }})
            / cast(nullif(spend, 0) as {{ type_double() }}),
            0
        ) as recent_spend_share,

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
        {{ purchase_overdue_ratio('recency_days', 'gap_mean_days') }} as overdue_ratio,

        ---------- spend trend
        cast(spend_previous_trend as {{ type_double() }}) as spend_prev_{{ trend_days }}d,
        -- A window's spend is net of the returns booked in it (int_customer_invoices_aggregated)
        -- and can be negative; the trend counts such a window as 0, so it stays in [-1, 1].
        cast(greatest(spend_recent_trend, 0) - greatest(spend_previous_trend, 0) as {{ type_double() }})
        / cast(nullif(greatest(spend_recent_trend, 0) + greatest(spend_previous_trend, 0), 0) as {{ type_double() }})
            as spend_trend_{{ trend_days }}d
    from measured

)

select * from final
