{#
    One row per first- or second-cycle degree, with its academic year of
    graduation, degree type, the degree its programme leads to, the
    graduation window and the three follow-up years.
#}
with degrees as (

    -- a degree delivered twice with identical attributes is one degree
    select distinct
        person_id,
        institution_code,
        degree_date,
        degree_code,
        programme_code,
        main_field_code
    from {{ ref('stg_ladok__degrees') }}

),

degree_codes as (

    select
        degree_code,
        degree_name,
        degree_type,
        cycle as degree_cycle
    from {{ ref('examenskoder') }}

),

programmes as (

    select
        institution_code,
        programme_code,
        degree_code as programme_degree_code
    from {{ ref('stg_ladok__programmes') }}

),

dated as (

    select
        {{ dbt.hash(dbt.concat([
            "cast(degrees.person_id as " ~ dbt.type_string() ~ ")",
            "'|'", "degrees.institution_code",
            "'|'", "cast(degrees.degree_date as " ~ dbt.type_string() ~ ")",
            "'|'", "degrees.degree_code",
            "'|'", "coalesce(degrees.programme_code, '')",
            "'|'", "degrees.main_field_code",
        ])) }} as degree_key,
        degrees.person_id,
        degrees.institution_code,
        degrees.degree_date,
        degrees.degree_code,
        coalesce(degree_codes.degree_type, '{{ var('unknown_code') }}') as degree_type,
        degree_codes.degree_cycle,
        degrees.programme_code,
        programmes.programme_degree_code,
        degrees.main_field_code,
        {{ academic_year_of_date('degrees.degree_date') }} as graduation_academic_year
    from degrees
    left join degree_codes
        on degrees.degree_code = degree_codes.degree_code
    left join programmes
        on
            degrees.institution_code = programmes.institution_code
            and degrees.programme_code = programmes.programme_code

)

select
    degree_key,
    person_id,
    institution_code,
    degree_date,
    degree_code,
    degree_type,
    degree_cycle,
    programme_code,
    programme_degree_code,
    main_field_code,
    graduation_academic_year,
    {{ window_start_year('graduation_academic_year') }} as window_start_year,
    {{ followup_year('graduation_academic_year', 1) }} as followup_year_1,
    {{ followup_year('graduation_academic_year', 3) }} as followup_year_3,
    {{ followup_year('graduation_academic_year', 5) }} as followup_year_5
from dated
