{#- First-in-first-out matching of reversals to purchases as intervals on a cumulative quantity
    axis, per (customer_id, match_key). `events` has one row per purchase or reversal:
    customer_id, match_key, transaction_line_id, invoiced_at, is_reversal_event, event_quantity (> 0).
    A purchase holds [units purchased before it, + its quantity) of the axis; a reversal holds the
    stretch of purchased units it takes back, in time order, so a purchase and a reversal are
    matched by the overlap of their intervals (partial quantities included).
    A reversal only takes back units bought at or before its timestamp (purchases sort first on a
    tie): the units it cannot match (nothing left to take back) are dropped, not owed by later
    purchases. With cumulative purchased P and reversed R, the units dropped so far are
    max(0, the running maximum of R - P); what reversals have matched is R minus that. Running sums
    and a running maximum are plain windows: no recursion, no engine-specific SQL. -#}
{% macro fifo_reversal_intervals(events) -%}
    {%- set ordered -%}
        partition by customer_id, match_key order by invoiced_at, is_reversal_event, transaction_line_id
    {%- endset -%}
    select
        matched.*,
        case
            when matched.is_reversal_event
                then matched.matched_through
                - (matched.event_quantity - (matched.unmatched_through - matched.previous_unmatched_through))
            else matched.purchased_through - matched.event_quantity
        end as interval_start,
        case
            when matched.is_reversal_event then matched.matched_through
            else matched.purchased_through
        end as interval_end
    from (
        select
            unmatched.*,
            unmatched.reversed_through - unmatched.unmatched_through as matched_through,
            coalesce(lag(unmatched.unmatched_through) over ({{ ordered }}), 0) as previous_unmatched_through
        from (
            select
                running.*,
                greatest(
                    0,
                    max(running.reversed_through - running.purchased_through) over (
                        {{ ordered }} rows between unbounded preceding and current row
                    )
                ) as unmatched_through
            from (
                select
                    {{ events }}.*,
                    sum(case when {{ events }}.is_reversal_event then 0 else {{ events }}.event_quantity end) over (
                        {{ ordered }} rows between unbounded preceding and current row
                    ) as purchased_through,
                    sum(case when {{ events }}.is_reversal_event then {{ events }}.event_quantity else 0 end) over (
                        {{ ordered }} rows between unbounded preceding and current row
                    ) as reversed_through
                from {{ events }}
            ) as running
        ) as unmatched
    ) as matched
{%- endmacro %}

{#- The (purchase, reversal) pairs of two intervals CTEs' rows that overlap, with the overlap. -#}
{% macro fifo_overlapping_pairs(intervals) -%}
    select
        purchases.customer_id,
        purchases.transaction_line_id as purchase_line_id,
        reversals.transaction_line_id as reversal_line_id,
        least(purchases.interval_end, reversals.interval_end)
        - greatest(purchases.interval_start, reversals.interval_start) as overlap_quantity
    from {{ intervals }} as purchases
    inner join {{ intervals }} as reversals
        on
            purchases.customer_id = reversals.customer_id
            and purchases.match_key = reversals.match_key
            and not purchases.is_reversal_event
            and reversals.is_reversal_event
            and greatest(purchases.interval_start, reversals.interval_start)
            < least(purchases.interval_end, reversals.interval_end)
{%- endmacro %}
