{#
    Mart totals reconcile with the intermediate population: the published
    grand-total rows equal the persons counted in the intermediate models
    (exactly under suppression; within the maximum perturbation D under the
    cell key method). Suppressed totals are skipped. Returns the totals that
    do not reconcile.
#}
{%- set total = var('total_label') -%}

with published_totals as (

    select
        'recruitment_by_county' as mart_name,
        institution_code || '|' || cast(window_start_year as {{ dbt.type_string() }}) as total_key,
        n
    from {{ ref('recruitment_by_county') }}
    where
        programme_code = '{{ total }}'
        and sex = '{{ total }}'
        and recruitment_county_code = '{{ total }}'

    union all

    select
        'students_by_municipality' as mart_name,
        institution_code || '|' || cast(window_start_year as {{ dbt.type_string() }}) as total_key,
        n
    from {{ ref('students_by_municipality') }}
    where
        sex = '{{ total }}'
        and recruitment_county_code = '{{ total }}'
        and recruitment_municipality_code = '{{ total }}'

    union all

    select
        'transition_by_age_25' as mart_name,
        cast(academic_year as {{ dbt.type_string() }}) as total_key,
        n
    from {{ ref('transition_by_age_25') }}
    where
        sex = '{{ total }}'
        and born_abroad = '{{ total }}'
        and recruitment_county_code = '{{ total }}'
        and recruitment_municipality_code = '{{ total }}'

    union all

    select
        'credits_by_background' as mart_name,
        background_variable || '|' || cast(window_start_year as {{ dbt.type_string() }})
            as total_key,
        n
    from {{ ref('credits_by_background') }}
    where
        start_institution_code = '{{ total }}'
        and sex = '{{ total }}'
        and background_code = '{{ total }}'
        and credits_band = '{{ total }}'

),

complete_entrants as (

    select
        first_terms.person_id,
        {{ window_start_year('first_terms.first_academic_year') }} as window_start_year
    from {{ ref('int_students_first_term') }} as first_terms
    inner join {{ ref('int_students_credits_summed_within_years') }} as credits
        on first_terms.person_id = credits.person_id
    where
        {{ window_is_complete(
            window_start_year('first_terms.first_academic_year'),
            'credits.last_complete_entry_year',
        ) }}
        and first_terms.is_counted_entrant
        and {{ in_complete_academic_window('first_terms.first_academic_year', for_entrants=true) }}

),

background_variables as (

    select 'foreign_background' as background_variable
    union all
    select 'parents_education' as background_variable

),

intermediate_totals as (

    select
        'recruitment_by_county' as mart_name,
        institution_code || '|'
        || cast({{ window_start_year('entry_academic_year') }} as {{ dbt.type_string() }})
            as total_key,
        count(*) as n_expected
    from {{ ref('int_students_entered_institution') }}
    -- complete entry windows only (an open window's total is not published)
    where
        is_counted_entrant
        and {{ in_complete_academic_window('entry_academic_year', for_entrants=true) }}
    group by institution_code, {{ window_start_year('entry_academic_year') }}

    union all

    select
        'students_by_municipality' as mart_name,
        institution_code || '|' || cast(window_start_year as {{ dbt.type_string() }}) as total_key,
        count(distinct person_id) as n_expected
    from {{ ref('int_students_registered_per_window') }}
    group by institution_code, window_start_year

    union all

    select
        'transition_by_age_25' as mart_name,
        cast(registered.academic_year as {{ dbt.type_string() }}) as total_key,
        count(*) as n_expected
    from {{ ref('int_students_registered_per_year') }} as registered
    -- every complete academic year; the national row counts persons with a
    -- known recruitment municipality (Okänt is its own row, docs: rate_total_definition)
    where
        registered.is_transition_age
        and registered.recruitment_municipality_code <> '{{ var("unknown_code") }}'
    group by registered.academic_year

    union all

    select
        'credits_by_background' as mart_name,
        background_variables.background_variable || '|'
        || cast(complete_entrants.window_start_year as {{ dbt.type_string() }}) as total_key,
        count(*) as n_expected
    from complete_entrants
    cross join background_variables
    group by background_variables.background_variable, complete_entrants.window_start_year

),

{{ reconcile_totals('published_totals', 'intermediate_totals') }}
