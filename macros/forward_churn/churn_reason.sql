{#- A plain-English sentence for an account manager: why the model thinks the customer may stop
    buying, from the name of a driver feature (`driver`, a column name of churn_scoring_snapshot)
    and that feature's value on the row (`features`, the alias of the scoring snapshot). Every
    feature of point_in_time_feature_columns() has a sentence; windowed ones by pattern. An unknown
    name (a feature added later) falls back to the name itself. -#}
{% macro churn_reason(driver, features) -%}
    {%- set f = features ~ '.' -%}
    {%- set tiles = var('rfm_tiles') | int -%}
    {%- set sentences = {
        'country': "'buys from ' || " ~ f ~ "country",
        'is_domestic': "case when " ~ f ~ "is_domestic then 'a home-market customer' else 'buys from abroad (' || " ~ f ~ "country || ')' end",
        'recency_days': "'no purchase for ' || " ~ reason_number(f ~ 'recency_days') ~ " || ' days'",
        'tenure_days': "'first purchase only ' || " ~ reason_number(f ~ 'tenure_days') ~ " || ' days ago'",
        'purchase_days': "'has bought on ' || " ~ reason_count(f ~ 'purchase_days', 'day', 'different days') ~ " || ' in all'",
        'invoices': "'has placed ' || " ~ reason_count(f ~ 'invoices', 'order', 'orders') ~ " || ' in all'",
        'spend': "'has spent £' || " ~ reason_number(f ~ 'spend') ~ " || ' in all'",
        'average_order_value': "'orders average £' || " ~ reason_number(f ~ 'average_order_value') ~ "",
        'items_per_order': "'orders average ' || " ~ reason_number(f ~ 'items_per_order', 1) ~ " || ' items'",
        'unique_products': "'has bought ' || " ~ reason_count(f ~ 'unique_products', 'product', 'different products'),
        'cancellation_invoices': "'has cancelled ' || " ~ reason_count(f ~ 'cancellation_invoices', 'order', 'orders'),
        'r_score': "'recency score ' || " ~ reason_number(f ~ 'r_score') ~ " || ' of " ~ tiles ~ " (" ~ tiles ~ " = most recent)'",
        'f_score': "'frequency score ' || " ~ reason_number(f ~ 'f_score') ~ " || ' of " ~ tiles ~ "'",
        'm_score': "'spend score ' || " ~ reason_number(f ~ 'm_score') ~ " || ' of " ~ tiles ~ "'",
        'gap_mean_days': "case when " ~ f ~ "gap_mean_days is null then 'has bought on one day only' else 'usually buys every ' || " ~ reason_number(f ~ 'gap_mean_days') ~ " || ' days' end",
        'gap_std_days': "case when " ~ f ~ "gap_std_days is null then 'has bought on one day only' else 'buys irregularly: gaps vary by ' || " ~ reason_number(f ~ 'gap_std_days') ~ " || ' days' end",
        'last_gap_days': "case when " ~ f ~ "last_gap_days is null then 'has bought on one day only' else 'waited ' || " ~ reason_number(f ~ 'last_gap_days') ~ " || ' days between the last two purchase days' end",
        'overdue_ratio': "case when " ~ f ~ "overdue_ratio is null then 'has bought on one day only, ' || " ~ reason_number(f ~ 'recency_days') ~ " || ' days ago' else 'no purchase for ' || " ~ reason_number(f ~ 'overdue_ratio', 1) ~ " || 'x their usual gap' end",
        'spend_prev_90d': "'spent £' || " ~ reason_number(f ~ 'spend_prev_90d') ~ " || ' in the 90 days before the last 90'",
        'spend_trend_90d': churn_reason_spend_trend(f ~ 'spend_trend_90d'),
    } -%}
    {%- for window in var('feature_windows_days') | map('int') -%}
        {%- set in_window = " || ' in the last " ~ window ~ " days'" -%}
        {%- set c = f ~ '@_' ~ window ~ 'd' -%}
        {%- do sentences.update({
            'purchase_days_' ~ window ~ 'd': "case when " ~ c.replace('@', 'purchase_days') ~ " = 0 then 'no purchase' else 'bought on only ' || " ~ reason_count(c.replace('@', 'purchase_days'), 'day', 'days') ~ " end" ~ in_window,
            'invoices_' ~ window ~ 'd': "case when " ~ c.replace('@', 'invoices') ~ " = 0 then 'no order' else 'only ' || " ~ reason_count(c.replace('@', 'invoices'), 'order', 'orders') ~ " end" ~ in_window,
            'spend_' ~ window ~ 'd': "'spent £' || " ~ reason_number(c.replace('@', 'spend')) ~ in_window,
            'average_order_value_' ~ window ~ 'd': "case when " ~ c.replace('@', 'average_order_value') ~ " is null then 'no order' else 'orders averaging £' || " ~ reason_number(c.replace('@', 'average_order_value')) ~ " end" ~ in_window,
            'items_per_order_' ~ window ~ 'd': "case when " ~ c.replace('@', 'items_per_order') ~ " is null then 'no order' else 'orders averaging ' || " ~ reason_number(c.replace('@', 'items_per_order'), 1) ~ " || ' items' end" ~ in_window,
            'new_products_' ~ window ~ 'd': "case when " ~ c.replace('@', 'new_products') ~ " = 0 then 'no new product tried' else " ~ reason_count(c.replace('@', 'new_products'), 'new product', 'new products') ~ " || ' tried' end" ~ in_window,
            'cancellation_invoices_' ~ window ~ 'd': reason_count(c.replace('@', 'cancellation_invoices'), 'cancelled order', 'cancelled orders') ~ in_window,
        }) -%}
    {%- endfor -%}
    case {{ driver }}
        {%- for name, sentence in sentences.items() %}
        when '{{ name }}' then {{ sentence }}
        {%- endfor %}
        else {{ driver }}
    end
{%- endmacro %}

{#- "spend in the last 90 days fell 80 % against the 90 days before". The trend t = (a - b) / (a + b)
    gives the relative change a / b - 1 = 2t / (1 - t); t = 1 means nothing in the earlier period. -#}
{% macro churn_reason_spend_trend(trend) -%}
    case
        when {{ trend }} is null then 'no spend in the last 180 days'
        when {{ trend }} = 1 then 'spend in the last 90 days, none in the 90 days before'
        when {{ trend }} < 0
            then 'spend in the last 90 days fell '
            || {{ reason_number('-200 * ' ~ trend ~ ' / (1 - ' ~ trend ~ ')') }}
            || ' % against the 90 days before'
        else 'spend in the last 90 days rose '
            || {{ reason_number('200 * ' ~ trend ~ ' / (1 - ' ~ trend ~ ')') }}
            || ' % against the 90 days before'
    end
{%- endmacro %}

{#- A number as text with `decimals` decimals (0: a whole number, no ".0"). -#}
{% macro reason_number(value, decimals=0) -%}
    cast(cast(round({{ value }}, {{ decimals }}) as decimal(18, {{ decimals }})) as {{ dbt.type_string() }})
{%- endmacro %}

{#- A count with its noun, singular for exactly one ("1 order", "3 orders"). -#}
{% macro reason_count(value, singular, plural) -%}
    case when {{ value }} = 1 then '1 {{ singular }}' else {{ reason_number(value) }} || ' {{ plural }}' end
{%- endmacro %}
