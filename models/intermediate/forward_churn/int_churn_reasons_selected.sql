-- The reasons shown for each scored customer, like a credit scorecard's reason codes: one row per
-- customer and shown reason (reason_rank 1..3). A family's score is the sum of its members'
-- contributions (seed churn_reason_codes maps every feature to one family), so overlapping features
-- that cancel each other out give no reason. A code qualifies when its family pushes the risk up
-- (score > 0) and the customer's value of its feature is on the risky side of that feature's
-- median over the scored customers; per family the qualifying code whose own feature contributes
-- most; families ranked by score, three at most. See the doc block churn_reason_codes.
{%- set feature_columns = point_in_time_feature_columns() | reject('equalto', 'country') | list %}

with

contributions as (

    select * from {{ ref('stg_ml__forward_churn_contributions') }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

),

features as (

    select * from {{ ref('churn_scoring_snapshot') }}

),

family_scores as (

    select * from {{ ref('int_churn_reason_families_scored') }}

),

-- One row: every feature's median over the scored customers (NULLs skipped).
feature_medians as (

    select
        {% for column in feature_columns -%}
            {{ median('cast(' ~ column ~ ' as ' ~ type_double() ~ ')') }}
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from features

),

-- Each code's median, as a row of the code (a small table: the big rows below join it by code).
code_medians as (

    select
        codes.code,
        {{ point_in_time_feature_value('codes.feature', 'feature_medians') }} as feature_median
    from codes
    cross join feature_medians

),

-- Codes of the families that push this customer's risk up, with their own feature's contribution
-- (a code whose feature the model does not use has none and is never shown). Kept narrow: these
-- are the big rows (customers x codes of pushing families).
candidates as (

    select
        family_scores.customer_id,
        family_scores.as_of_at,
        family_scores.family,
        family_scores.family_score,
        codes.code,
        codes.feature,
        contributions.contribution
    from family_scores
    inner join codes
        on family_scores.family = codes.family
    inner join contributions
        on
            family_scores.customer_id = contributions.customer_id
            and family_scores.as_of_at = contributions.as_of_at
            and codes.feature = contributions.feature
    where family_scores.family_score > 0

),

valued as (

    select
        candidates.*,
        {{ point_in_time_feature_value('candidates.feature', 'features') }} as feature_value
    from candidates
    inner join features
        on
            candidates.customer_id = features.customer_id
            and candidates.as_of_at = features.as_of_at

),

-- On the risky side, and not at an extreme the code leaves to another family (no extreme_template:
-- "no spend in the last 90 days" is the lapse family's to say).
qualified as (

    select
        valued.*,
        code_medians.feature_median
    from valued
    inner join codes
        on valued.code = codes.code
    inner join code_medians
        on valued.code = code_medians.code
    where
        {{ churn_reason_on_risky_side('codes', 'valued.feature_value', 'code_medians.feature_median') }}
        and not (
            {{ churn_reason_at_extreme('codes', 'valued.feature_value') }}
            and codes.extreme_template is null
        )

),

best_of_family as (

    select
        qualified.*,
        row_number() over (
            partition by qualified.customer_id, qualified.as_of_at, qualified.family
            order by qualified.contribution desc, qualified.code asc
        ) as rank_in_family
    from qualified

),

ranked as (

    select
        best_of_family.*,
        row_number() over (
            partition by best_of_family.customer_id, best_of_family.as_of_at
            order by best_of_family.family_score desc, best_of_family.family asc
        ) as reason_rank
    from best_of_family
    where best_of_family.rank_in_family = 1

),

-- customers_at_risk has three reason columns; only those rows get a baseline and a sentence.
shown as (

    select
        ranked.*,
        {{ point_in_time_feature_value('codes.baseline_feature', 'features') }} as baseline_value
    from ranked
    inner join features
        on
            ranked.customer_id = features.customer_id
            and ranked.as_of_at = features.as_of_at
    inner join codes
        on ranked.code = codes.code
    where ranked.reason_rank <= 3

),

final as (

    select
        shown.customer_id,
        shown.as_of_at,
        cast(shown.reason_rank as {{ dbt.type_int() }}) as reason_rank,
        shown.code,
        shown.family,
        shown.feature,
        shown.family_score,
        shown.contribution,
        shown.feature_value,
        shown.feature_median,
        {{ churn_reason_sentence('codes', 'shown.feature_value', 'shown.baseline_value') }} as reason
    from shown
    inner join codes
        on shown.code = codes.code

)

select * from final
