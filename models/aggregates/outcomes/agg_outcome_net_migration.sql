{#
    Analysis 10, exact counts: högskolenybörjare (counted entrants) per start
    university and entry window who took their first degree within var
    net_migration_graduated_within_years academic years of entry, by county
    of residence one year after that degree (basis 'bostadslan'; emigrated as
    'Utvandrad') and by gymnasielän (basis 'gymnasielan'). Both bases count
    the same persons: only those whose both ends are known (docs block
    net_migration_known_ends). The persons left out (gymnasielän or residence
    county unknown) are counted under basis 'utelamnad', county 'Okänt', so
    none is lost silently. An entry window is published only when the 1-year
    follow-up of every degree that can count has arrived (docs block
    complete_windows), so a published window never grows between releases.
#}
{% set within_years = var('net_migration_graduated_within_years') %}
with graduates as (

    select
        person_id,
        start_institution_code,
        {{ window_start_year('entry_academic_year') }} as entry_window_start_year,
        sex,
        is_emigrated,
        residence_county_code,
        gymnasielan_code,
        -- both ends known: an emigrated person's destination is known ('Utvandrad')
        gymnasielan_code <> '{{ var('unknown_code') }}'
        and (is_emigrated or residence_county_code <> '{{ var('unknown_code') }}')
            as has_known_ends
    from {{ ref('int_degree_followups_joined') }}
    where
        is_first_degree_of_person
        and is_hogskolenyborjare
        and years_after_graduation = 1
        -- a closed population: the first degree within N academic years of
        -- entry (graduation academic year - entry academic year < N) ...
        and graduation_academic_year - entry_academic_year < {{ within_years }}
        -- ... and only complete windows: the last entry year's last countable
        -- graduation year (window end + N - 1) has its 1-year follow-up
        and {{ window_is_complete(
            window_start_year('entry_academic_year'),
            'last_arrived_graduation_year - ' ~ within_years ~ ' + 1',
        ) }}
        -- ... whose every entry year is delivered and counted (not left-censored)
        and {{ in_complete_academic_window('entry_academic_year', for_entrants=true) }}

),

facts as (

    select
        person_id,
        start_institution_code,
        entry_window_start_year,
        'bostadslan' as basis,
        sex,
        case when is_emigrated then 'Utvandrad' else residence_county_code end as county_code
    from graduates
    where has_known_ends
    union all
    select
        person_id,
        start_institution_code,
        entry_window_start_year,
        'gymnasielan' as basis,
        sex,
        gymnasielan_code as county_code
    from graduates
    where has_known_ends
    union all
    select
        person_id,
        start_institution_code,
        entry_window_start_year,
        'utelamnad' as basis,
        sex,
        '{{ var('unknown_code') }}' as county_code
    from graduates
    where not has_known_ends

)

{#- persons_unique: is_first_degree_of_person keeps one first degree per
    person and follow-up (a grain test on int_degree_followups_joined), and
    each basis is a dim -#}
{{ sdc_count_cells(
    from='facts',
    dims=['start_institution_code', 'entry_window_start_year', 'basis'],
    hierarchies=[['sex'], ['county_code']],
    persons_unique=true,
) }}
