-- A customer's reasons are about different things: no two shown codes of one family (the issue's
-- "no order in the last 90 days / no purchase in the last 90 days / no purchase for 145 days").
with

shown as (

    {{ shown_churn_reasons() }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

)

select
    shown.customer_id,
    codes.family,
    count(*) as codes_shown
from shown
inner join codes
    on shown.code = codes.code
group by
    shown.customer_id,
    codes.family
having count(*) > 1
