{#- The tile (1..tiles) of `value` among the rows of its partition, as pandas
    `qcut(value.rank(method='first'), tiles)` assigns it (the seed's rule, so R, F and M share it):

    * rank 1..n ascending by `value`; ties broken by `tie_breaker` as a number when it is one
      ('9' before '10'), non-numeric ids after all numeric ones, compared as text. The seed's rows
      were customers sorted by their numeric CustomerID, and rank(method='first') breaks ties by
      row order; comparing the ids as text would put '10' before '9';
    * tile = the smallest k with rank <= 1 + (n - 1) * k / tiles, i.e. ceil((rank - 1) * tiles / (n - 1)),
      at least 1. `ntile()` splits remainders differently and disagrees for a few rows.

    A partition of one row gets tile 1 (pandas would refuse: all bin edges equal).
    (rank - 1) * tiles and n - 1 are integers, so the division is exact whenever the true quotient
    is an integer and ceil() never lands on the wrong side of an edge. -#}
{% macro rfm_tile(value, tiles, partition_by, tie_breaker='customer_id') -%}
    {%- set window_partition = 'partition by ' ~ partition_by -%}
    {%- set window_order -%}
        order by
            {{ value }},
            {{ dbt.safe_cast(tie_breaker, dbt.type_bigint()) }} nulls last,
            cast({{ tie_breaker }} as {{ dbt.type_string() }})
    {%- endset -%}
    case
        when count(*) over ({{ window_partition }}) = 1 then 1
        else greatest(
            1,
            cast(ceil(
                (
                    row_number() over ({{ window_partition }} {{ window_order }}) - 1
                ) * {{ tiles }}
                / cast(count(*) over ({{ window_partition }}) - 1 as {{ type_double() }})
            ) as {{ dbt.type_int() }})
        )
    end
{%- endmacro %}
