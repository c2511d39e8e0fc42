{#- Fails when any of `column_names` is NULL on some row, with an error that names the model, the
    column and how many rows: "stg_retail__transaction_lines.invoice_no is NULL on 3 rows".
    One query and one dbt node for all of a model's NOT NULL columns: dbt spends about 35 ms of its
    own time on every test node, whatever the query, so one not_null test per column cost more than
    the queries. Marts, which have enforced contracts, declare NOT NULL as a constraint instead. -#}
{% test not_null_columns(model, column_names) %}

with

null_rows as (

    select
        {%- for column_name in column_names %}
        sum(case when {{ column_name }} is null then 1 else 0 end) as {{ column_name }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

failures as (

    {%- for column_name in column_names %}
    select
        '{{ column_name }}' as column_name,
        {{ column_name }} as rows_with_null
    from null_rows
    where {{ column_name }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    column_name,
    rows_with_null,
    {{ raise_error_in_query(
        "'" ~ model.identifier ~ ".' || column_name || ' is NULL on '"
        ~ " || cast(rows_with_null as " ~ dbt.type_string() ~ ") || ' rows'"
    ) }} as failure
from failures

{% endtest %}
