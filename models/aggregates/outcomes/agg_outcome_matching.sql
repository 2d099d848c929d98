{#
    Analysis 12, exact counts: graduates of a programme (degrees earned
    within it) in a window by sex and SCB matching-indicator category in the
    follow-up year. Emigrated graduates are left out; a person counts once
    per programme and window, by the latest degree with the programme's own
    degree code (else the latest degree; is_programme_representative).
#}
with facts as (

    select
        person_id,
        institution_code,
        programme_code,
        coalesce(programme_degree_code, '{{ var('unknown_code') }}') as programme_degree_code,
        window_start_year,
        years_after_graduation,
        sex,
        matching_code as category_code
    from {{ ref('int_degree_followups_joined') }}
    where is_programme_representative and is_window_complete and not is_emigrated

)

{#- persons_unique: is_programme_representative keeps one row per person,
    programme, window and follow-up (a grain test on int_degree_followups_joined) -#}
{{ sdc_count_cells(
    from='facts',
    dims=[
        'institution_code', 'programme_code', 'programme_degree_code',
        'window_start_year', 'years_after_graduation',
    ],
    hierarchies=[['sex'], ['category_code']],
    persons_unique=true,
) }}
