{#- The exclusion reasons the ledger evaluates, each from a boolean column `is_<reason>`. Their
    priorities and descriptions are data (seeds/exclusion_reasons.csv); this list is the code side,
    kept equal to the seed by tests/intermediate/assert_exclusion_reasons_match_the_seed.sql.
    `reversal` and `reversed` are decided by matching cancellations to purchases
    (int_transaction_line_reversals_matched), the others by the line and its duplicates. -#}
{% macro exclusion_reasons() -%}
    {{ return([
        'missing_customer', 'reversal', 'reversed', 'cancellation', 'adjustment', 'non_product_code',
        'non_positive_quantity', 'non_positive_price', 'exact_duplicate',
    ]) }}
{%- endmacro %}

{#- The reasons a line shows before reversals are matched: what decides whether a purchase line
    could be reversed at all (only a line the policy would keep can be). -#}
{% macro line_exclusion_reasons() -%}
    {{ return(exclusion_reasons() | reject('in', ['reversal', 'reversed']) | list) }}
{%- endmacro %}

{#- One row: the priority of each of `reasons` under the cleaning policy in var `cleaning_policy`,
    NULL for a reason the policy does not apply. -#}
{% macro policy_priorities_select(reasons) -%}
    select
        {% for reason in reasons %}
            min(
                case when exclusion_reasons.exclusion_reason = '{{ reason }}' then exclusion_reasons.priority end
            ) as {{ reason }}_priority{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('cleaning_policies') }} as cleaning_policies
    inner join {{ ref('exclusion_reasons') }} as exclusion_reasons
        on cleaning_policies.exclusion_reason = exclusion_reasons.exclusion_reason
    where cleaning_policies.cleaning_policy = {{ sql_string(var('cleaning_policy')) }}
{%- endmacro %}

{#- The highest-priority (lowest `priority`) reason among `reasons` that flags the line
    (`<flags>.is_<reason>`) and the policy applies (`<priorities>.<reason>_priority`); NULL when none.
    least() skips NULLs: one pass over the lines, no union of one row per flag and no window. -#}
{% macro policy_exclusion_reason(reasons, flags, priorities) -%}
    case least(
        {% for reason in reasons %}
            case when {{ flags }}.is_{{ reason }} then {{ priorities }}.{{ reason }}_priority end
            {% if not loop.last %},{% endif %}
        {% endfor %}
    )
        {% for reason in reasons %}
            when {{ priorities }}.{{ reason }}_priority then '{{ reason }}'
        {% endfor %}
    end
{%- endmacro %}
