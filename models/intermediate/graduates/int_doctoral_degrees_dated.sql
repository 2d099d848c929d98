{#
    One row per third-cycle degree (doktorsexamen and licentiatexamen) with
    its academic year, window and follow-up years, like int_degrees_dated.
#}
with doctoral_degrees as (

    select distinct
        person_id,
        institution_code,
        degree_date,
        doctoral_degree_type,
        research_subject_code
    from {{ ref('stg_ladok__doctoral_degrees') }}

),

dated as (

    select
        {{ dbt.hash(dbt.concat([
            "cast(person_id as " ~ dbt.type_string() ~ ")",
            "'|'", "institution_code",
            "'|'", "cast(degree_date as " ~ dbt.type_string() ~ ")",
            "'|'", "coalesce(doctoral_degree_type, '')",
            "'|'", "research_subject_code",
        ])) }} as degree_key,
        person_id,
        institution_code,
        degree_date,
        coalesce(doctoral_degree_type, '{{ var('unknown_code') }}') as doctoral_degree_type,
        research_subject_code,
        {{ academic_year_of_date('degree_date') }} as graduation_academic_year
    from doctoral_degrees

)

select
    degree_key,
    person_id,
    institution_code,
    degree_date,
    doctoral_degree_type,
    research_subject_code,
    graduation_academic_year,
    {{ window_start_year('graduation_academic_year') }} as window_start_year,
    {{ followup_year('graduation_academic_year', 1) }} as followup_year_1,
    {{ followup_year('graduation_academic_year', 3) }} as followup_year_3,
    {{ followup_year('graduation_academic_year', 5) }} as followup_year_5
from dated
