{#- The sentences of the churn reason codes (seed churn_reason_codes): `codes` is the alias of a
    relation with the seed's columns, `value` the customer's value of the code's feature,
    `baseline_value` that of its baseline_feature, `median` the feature's median over the scored
    customers. Written for an account manager: units, thousands separators, singular and plural,
    no internal names. -#}

{#- Whether the value is on the code's risky side: strictly beyond the median (above for `high`,
    below for `low`) and beyond the code's fixed risky_bound when it has one (a spend trend must be
    a fall); a NULL value never is. -#}
{% macro churn_reason_on_risky_side(codes, value, median) -%}
    (
        {{ value }} is not null
        and (
            ({{ codes }}.risky_direction = 'high' and {{ value }} > {{ median }}
                and ({{ codes }}.risky_bound is null or {{ value }} > {{ codes }}.risky_bound))
            or ({{ codes }}.risky_direction = 'low' and {{ value }} < {{ median }}
                and ({{ codes }}.risky_bound is null or {{ value }} < {{ codes }}.risky_bound))
        )
    )
{%- endmacro %}

{#- Whether the value is at or beyond the code's extreme_value on the risky side (none at all, a
    spend that stopped), where the general template would read wrong ("spent £0"). -#}
{% macro churn_reason_at_extreme(codes, value) -%}
    (
        {{ codes }}.extreme_value is not null
        and (
            ({{ codes }}.risky_direction = 'high' and {{ value }} >= {{ codes }}.extreme_value)
            or ({{ codes }}.risky_direction = 'low' and {{ value }} <= {{ codes }}.extreme_value)
        )
    )
{%- endmacro %}

{#- A value in words by the code's value_format: `count` (a whole number and its unit, singular for
    exactly one), `money` (whole pounds), `ratio` (one decimal below 10, none when it is .0 or from 10 up, and the unit),
    `percent_change` (a spend trend t = (a - b) / (a + b): a / b - 1 = 2t / (1 - t)),
    `share_of_customers` (an R/F/M tile score: the share of customers in higher tiles), `none`. -#}
{% macro churn_reason_value(codes, value) -%}
    {%- set tiles = var('rfm_tiles') | int -%}
    case {{ codes }}.value_format
        when 'count' then {{ format_number(value) }} || ' '
            || case when round({{ value }}) = 1 then {{ codes }}.unit_singular else {{ codes }}.unit_plural end
        when 'money' then
            case when round({{ value }}) < 1 then 'less than £1' else '£' || {{ format_number(value) }} end
        when 'ratio' then
            case
                when round({{ value }}, 1) = round({{ value }}) or {{ value }} >= 10 then {{ format_number(value) }}
                else {{ format_number(value, 1) }}
            end || ' ' || {{ codes }}.unit_plural
        when 'percent_change' then
            case
                when {{ value }} >= 1 then 'rose from nothing'
                when round(200 * {{ value }} / nullif(1 - {{ value }}, 0)) = 0 then 'stayed level'
                when {{ value }} < 0 then 'fell ' || {{ format_number('-200 * ' ~ value ~ ' / nullif(1 - ' ~ value ~ ', 0)') }} || ' %'
                else 'rose ' || {{ format_number('200 * ' ~ value ~ ' / nullif(1 - ' ~ value ~ ', 0)') }} || ' %'
            end
        when 'share_of_customers' then
            {{ format_number('100.0 * (' ~ tiles ~ ' - ' ~ value ~ ') / ' ~ tiles) }} || ' %'
        else ''
    end
{%- endmacro %}

{#- The whole sentence: the extreme_template at the extreme, else the template with {value}; then
    the baseline_template with {baseline} when the customer's own baseline makes the value stand
    out ("no purchase for 145 days; usually buys every 47 days"). -#}
{% macro churn_reason_sentence(codes, value, baseline_value) -%}
    case
        when {{ churn_reason_at_extreme(codes, value) }} then {{ codes }}.extreme_template
        else replace({{ codes }}.template, '{value}', {{ churn_reason_value(codes, value) }})
    end
    || case
        when
            {{ codes }}.baseline_template is not null
            and (
                ({{ codes }}.risky_direction = 'high' and {{ baseline_value }} < {{ value }})
                or ({{ codes }}.risky_direction = 'low' and {{ baseline_value }} > {{ value }})
            )
            then replace({{ codes }}.baseline_template, '{baseline}', {{ churn_reason_value(codes, baseline_value) }})
        else ''
    end
{%- endmacro %}
