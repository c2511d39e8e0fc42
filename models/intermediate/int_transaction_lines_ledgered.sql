{#- Every raw line, once, with the outcome of cleaning under the chosen policy.
    A line with several exclusion reasons reports the highest-priority (lowest `priority`) one that
    the policy applies. Each reason is a boolean column is_<reason>: staging's, plus
    is_non_product_code, which needs the seed lookup and so is decided here, not in staging.
    The reason is picked per line with least() over the policy's priorities (a one-row table),
    not by unioning one row per flag and ranking them: one pass over the lines, no window. -#}
{%- set reasons = exclusion_reasons() -%}

with

lines as (

    select * from {{ ref('stg_retail__transaction_lines') }}

),

non_product_stock_codes as (

    select upper(stock_code) as stock_code from {{ ref('non_product_stock_codes') }}

),

policy_priorities as (

    -- One row: the priority of each reason the policy applies, NULL for a reason it does not.
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

),

flagged as (

    select
        lines.*,
        upper(lines.stock_code) in (
            select non_product_stock_codes.stock_code from non_product_stock_codes
        ) as is_non_product_code
    from lines

),

reasoned as (

    select
        flagged.*,
        -- least() skips NULLs: the smallest priority among the flags the policy applies, if any.
        case least(
            {% for reason in reasons %}
                case when flagged.is_{{ reason }} then policy_priorities.{{ reason }}_priority end
                {% if not loop.last %},{% endif %}
            {% endfor %}
        )
            {% for reason in reasons %}
                when policy_priorities.{{ reason }}_priority then '{{ reason }}'
            {% endfor %}
        end as exclusion_reason
    from flagged
    cross join policy_priorities

),

ledgered as (

    select
        *,
        {{ sql_string(var('cleaning_policy')) }} as cleaning_policy,
        case when exclusion_reason is null then 'kept' else 'excluded' end as ledger_status
    from reasoned

)

select * from ledgered
