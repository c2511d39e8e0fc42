{#- Fails on every row whose `column_name` is not its row's position in the table (1 = first row
    written). Row positions are distinct, so a column that passes is unique and never NULL: the
    same guarantee as `unique`, from one streaming scan instead of an aggregation with a group per
    row (54 M groups at 100x: 17-44 s, spilling). Meant for a key that numbers the lines in the
    order they were written, as the loader's raw_line_number does. A table written in another order
    fails (a false alarm, never a false pass). Engines without a row position run `unique`. -#}
{% test unique_row_position(model, column_name) %}
    {{ return(adapter.dispatch('unique_row_position')(model, column_name)) }}
{% endtest %}

{% macro default__unique_row_position(model, column_name) %}
select
    {{ column_name }},
    count(*) as duplicate_rows
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endmacro %}

{% macro duckdb__unique_row_position(model, column_name) %}
-- DuckDB's rowid is the row's position (from 0) in a table no row was deleted from.
select
    rowid + 1 as row_position,
    {{ column_name }}
from {{ model }}
where {{ column_name }} is distinct from rowid + 1
{% endmacro %}
