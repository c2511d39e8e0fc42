{#- Fails on every row where the SQL expression is false (NULL counts as a failure too).
    Usable on a model or on a column; the expression names its columns itself. -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
