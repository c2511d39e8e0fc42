{#- dbt's dateadd() and datediff() on Spark, lean. dbt-spark's own wrap every argument in
    assert_not_null() and rebuild the clock time from unix seconds: each argument is written out
    eight times or more, and nested calls (a dateadd of a datediff) grew queries to thousands of
    lines that took Spark tens of seconds to plan. These count as DuckDB's date_diff() and
    date_add() do: a datediff counts the boundaries crossed (a 'day' is a change of date, a 'second'
    a change of whole second), a dateadd returns a timestamp and a month step keeps the day of the
    month where it exists (31 January + 1 month = 28 or 29 February). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- if datepart | lower not in ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] -%}
        {{ exceptions.raise_compiler_error("dateadd: datepart '" ~ datepart ~ "' is not supported on Spark here") }}
    {%- endif -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set part = datepart | lower -%}
    {%- if part == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif part == 'month' -%}
        ((year({{ second_date }}) - year({{ first_date }})) * 12 + month({{ second_date }}) - month({{ first_date }}))
    {%- elif part == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- elif part in ['hour', 'minute', 'second'] -%}
        {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1}[part] -%}
        (floor(unix_timestamp({{ second_date }}) / {{ seconds }}) - floor(unix_timestamp({{ first_date }}) / {{ seconds }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff: datepart '" ~ datepart ~ "' is not supported on Spark here") }}
    {%- endif -%}
{%- endmacro %}
