{#- The value of the feature named by `feature_name` (an expression giving a column name of the
    point-in-time marts) on a row of `relation` (an alias with those columns), as a double (booleans
    1 / 0): a lookup by name, where the reason codes meet the wide snapshot. NULL for a name that is
    not a feature column. -#}
{% macro point_in_time_feature_value(feature_name, relation) -%}
    case {{ feature_name }}
        {% for column in point_in_time_feature_columns() | reject('equalto', 'country') -%}
            when '{{ column }}' then cast({{ relation }}.{{ column }} as {{ type_double() }})
        {% endfor %}
    end
{%- endmacro %}
