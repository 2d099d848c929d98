{#
    The recruitment marts not covered by assert_recruitment_mart_totals_reconcile
    (analyses 4-6): their grand totals equal the persons of the same
    population in the intermediate layer, in one query. Exactly under
    suppression, within D under the cell key method; suppressed totals are
    skipped; a total missing from a mart (or a mart total without population)
    is a row. If the population of an analysis changes, change it here too.
#}
{%- set total = var('total_label') -%}
{%- set string = dbt.type_string() -%}

with published_totals as (

    -- per municipality (the mart has no national row: municipality is a dim)
    select
        'institution_choice_by_municipality' as mart_name,
        cast(academic_year as {{ string }}) || '|' || recruitment_municipality_code as total_key,
        n
    from {{ ref('institution_choice_by_municipality') }}
    where sex = '{{ total }}' and institution_choice_code = '{{ total }}'

    union all

    select
        'parents_education_by_municipality' as mart_name,
        cast(academic_year as {{ string }}) as total_key,
        n
    from {{ ref('parents_education_by_municipality') }}
    where
        sex = '{{ total }}'
        and recruitment_county_code = '{{ total }}'
        and recruitment_municipality_code = '{{ total }}'
        and parents_sun_level = '{{ total }}'

    union all

    select
        'foreign_background_by_municipality' as mart_name,
        cast(academic_year as {{ string }}) as total_key,
        n
    from {{ ref('foreign_background_by_municipality') }}
    where
        sex = '{{ total }}'
        and recruitment_county_code = '{{ total }}'
        and recruitment_municipality_code = '{{ total }}'
        and foreign_background_code = '{{ total }}'

    union all

    select
        'parents_education_by_programme' as mart_name,
        institution_code || '|' || cast(window_start_year as {{ string }}) as total_key,
        n
    from {{ ref('parents_education_by_programme') }}
    where
        programme_code = '{{ total }}'
        and sex = '{{ total }}'
        and parents_sun_level = '{{ total }}'

    union all

    select
        'foreign_background_by_programme' as mart_name,
        institution_code || '|' || cast(window_start_year as {{ string }}) as total_key,
        n
    from {{ ref('foreign_background_by_programme') }}
    where
        programme_code = '{{ total }}'
        and sex = '{{ total }}'
        and foreign_background_code = '{{ total }}'

),

registered_per_year as (

    select
        person_id,
        academic_year,
        recruitment_municipality_code,
        is_transition_age
    from {{ ref('int_students_registered_per_year') }}

),

programme_students as (

    select distinct
        person_id,
        institution_code,
        window_start_year
    from {{ ref('int_students_registered_per_window') }}
    where programme_code is not null

),

expected_totals as (

    select
        'institution_choice_by_municipality' as mart_name,
        cast(academic_year as {{ string }}) || '|' || recruitment_municipality_code as total_key,
        count(distinct person_id) as n_expected
    from registered_per_year
    -- analysis 4 counts persons in the transition ages; analyses 5-6 every age
    where is_transition_age
    group by academic_year, recruitment_municipality_code

    union all

    select
        municipality_marts.mart_name,
        cast(registered_per_year.academic_year as {{ string }}) as total_key,
        count(distinct registered_per_year.person_id) as n_expected
    from registered_per_year
    cross join (
        values
        ('parents_education_by_municipality'),
        ('foreign_background_by_municipality')
    ) as municipality_marts (mart_name)
    group by municipality_marts.mart_name, registered_per_year.academic_year

    union all

    select
        programme_marts.mart_name,
        programme_students.institution_code || '|'
        || cast(programme_students.window_start_year as {{ string }}) as total_key,
        count(distinct programme_students.person_id) as n_expected
    from programme_students
    cross join (
        values
        ('parents_education_by_programme'),
        ('foreign_background_by_programme')
    ) as programme_marts (mart_name)
    group by
        programme_marts.mart_name,
        programme_students.institution_code,
        programme_students.window_start_year

),

{{ reconcile_totals('published_totals', 'expected_totals') }}
