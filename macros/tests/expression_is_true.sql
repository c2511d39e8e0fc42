{#- Fails on every row where the SQL expression is false (NULL counts as a failure too). -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
