{#- Fails on every combination of `combination_of_columns` that appears on more than one row
    (a composite key, e.g. one row per customer per as-of date). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
