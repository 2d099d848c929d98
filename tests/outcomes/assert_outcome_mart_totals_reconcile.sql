{#
    Every outcome and alumni mart's grand totals reconcile with the exact
    population counted independently in the intermediate layer (distinct
    persons, not the aggregates' representative flags), in one query: exactly
    under suppression, within the maximum perturbation D under the cell key
    method (D per published count a total adds: each is perturbed on its
    own). Suppressed totals are skipped; a total missing from a mart while its
    population exists (or the reverse) is a row. Returns the totals that do
    not reconcile.
#}
{%- set total = var('total_label') -%}
{%- set string = dbt.type_string() -%}
{%- set alumni_marts = {
    1: 'alumni_cat1_yrkesexamen',
    2: 'alumni_cat2_program',
    3: 'alumni_cat3_huvudomrade',
    4: 'alumni_cat4_forskarutbildning',
} -%}

with published_totals as (

    select
        'outcome_employment_by_institution' as mart_name,
        degree_code || '|' || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        n,
        1 as n_terms
    from {{ ref('outcome_employment_by_institution') }}
    where
        institution_code = '{{ total }}'
        and sex = '{{ total }}'
        and category_code = '{{ total }}'

    union all

    select
        'outcome_occupation_by_degree' as mart_name,
        degree_code || '|' || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        n,
        1 as n_terms
    from {{ ref('outcome_occupation_by_degree') }}
    where
        institution_code = '{{ total }}'
        and sex = '{{ total }}'
        and category_code = '{{ total }}'

    union all

    select
        'outcome_matching_by_programme' as mart_name,
        institution_code || '|' || programme_code || '|' || programme_degree_code || '|'
        || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        n,
        1 as n_terms
    from {{ ref('outcome_matching_by_programme') }}
    where sex = '{{ total }}' and matching_code = '{{ total }}'

    union all

    -- everybody of the population: counted on both ends, or left out
    select
        'outcome_net_migration_by_county' as mart_name,
        start_institution_code || '|' || cast(entry_window_start_year as {{ string }})
            as total_key,
        n_residence + n_left_out as n,
        2 as n_terms
    from {{ ref('outcome_net_migration_by_county') }}
    where sex = '{{ total }}' and county_code = '{{ total }}'

    union all

    select
        'outcome_net_migration_by_county (gymnasielän)' as mart_name,
        start_institution_code || '|' || cast(entry_window_start_year as {{ string }})
            as total_key,
        n_gymnasielan + n_left_out as n,
        2 as n_terms
    from {{ ref('outcome_net_migration_by_county') }}
    where sex = '{{ total }}' and county_code = '{{ total }}'

    union all

    -- everybody of the population: counted on both ends, or left out
    select
        'outcome_relationstal_by_municipality' as mart_name,
        cast(graduation_academic_year as {{ string }}) as total_key,
        n_living + n_left_out as n,
        2 as n_terms
    from {{ ref('outcome_relationstal_by_municipality') }}
    where sex = '{{ total }}' and municipality_code = '{{ total }}'

    union all

    select
        'outcome_relationstal_by_municipality (rekryterad)' as mart_name,
        cast(graduation_academic_year as {{ string }}) as total_key,
        n_recruited + n_left_out as n,
        2 as n_terms
    from {{ ref('outcome_relationstal_by_municipality') }}
    where sex = '{{ total }}' and municipality_code = '{{ total }}'

    {%- for category, mart in alumni_marts.items() %}

        union all

        select
            '{{ mart }}' as mart_name,
            institution_code || '|' || group_code || '|' || degree_code || '|'
            || cast(window_start_year as {{ string }}) || '|'
            || cast(years_after_graduation as {{ string }}) as total_key,
            n,
            1 as n_terms
        from {{ ref(mart) }}
        where
            variable = 'utvandring'
            and sex = '{{ total }}'
            and category_code = '{{ total }}'
    {%- endfor %}

),

followups as (

    select * from {{ ref('int_degree_followups_joined') }}

),

-- a person with several degrees of a cell is followed up by the latest one,
-- and left out when emigrated in that degree's follow-up year
latest_per_degree_code as (

    select
        person_id,
        degree_code,
        window_start_year,
        years_after_graduation,
        arg_max(is_emigrated, degree_date) as is_emigrated_at_latest
    from followups
    where degree_level = 'grund- och avancerad nivå' and is_window_complete
    group by person_id, degree_code, window_start_year, years_after_graduation

),

-- analysis 12: the latest degree with the programme's own degree code, else
-- the latest (a key of 100 000 days for the own code outranks any date)
latest_per_programme as (

    select
        person_id,
        institution_code,
        programme_code,
        programme_degree_code,
        window_start_year,
        years_after_graduation,
        arg_max(
            is_emigrated,
            case when degree_code = programme_degree_code then 100000 else 0 end
            + (degree_date - date '1900-01-01')
        ) as is_emigrated_at_latest
    from followups
    where
        degree_level = 'grund- och avancerad nivå'
        and programme_code is not null
        and is_window_complete
    group by
        person_id, institution_code, programme_code, programme_degree_code,
        window_start_year, years_after_graduation

),

-- analysis 10's population, counted per person: the first degree (earliest
-- graduation year) within N academic years of entry, in a complete window
net_migration_persons as (

    select
        person_id,
        start_institution_code,
        entry_academic_year,
        min(graduation_academic_year) as first_graduation_year,
        max(last_arrived_graduation_year) as last_arrived_graduation_year
    from followups
    where
        is_hogskolenyborjare
        and degree_level = 'grund- och avancerad nivå'
        and years_after_graduation = 1
    group by person_id, start_institution_code, entry_academic_year

),

alumni_cells as (

    select
        degrees.alumni_category,
        degrees.institution_code || '|' || degrees.group_code || '|'
        || degrees.cell_degree_code || '|'
        || cast(degrees.window_start_year as {{ string }}) || '|'
        || cast(scheduled.years_after_graduation as {{ string }}) as total_key,
        degrees.person_id
    from {{ ref('int_degrees_categorised') }} as degrees
    inner join {{ ref('int_degree_followups_scheduled') }} as scheduled
        on degrees.degree_key = scheduled.degree_key
    where
        degrees.alumni_category is not null
        and scheduled.has_arrived
        and scheduled.is_window_complete

),

expected_totals as (

    select
        'outcome_employment_by_institution' as mart_name,
        degree_code || '|' || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        count(*) as n_expected
    from latest_per_degree_code
    where not is_emigrated_at_latest
    group by degree_code, window_start_year, years_after_graduation

    union all

    select
        'outcome_occupation_by_degree' as mart_name,
        degree_code || '|' || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        count(distinct person_id) as n_expected
    from followups
    where degree_level = 'grund- och avancerad nivå' and is_window_complete
    group by degree_code, window_start_year, years_after_graduation

    union all

    select
        'outcome_matching_by_programme' as mart_name,
        institution_code || '|' || programme_code || '|'
        || coalesce(programme_degree_code, '{{ var('unknown_code') }}') || '|'
        || cast(window_start_year as {{ string }}) || '|'
        || cast(years_after_graduation as {{ string }}) as total_key,
        count(*) as n_expected
    from latest_per_programme
    where not is_emigrated_at_latest
    group by
        institution_code, programme_code, programme_degree_code,
        window_start_year, years_after_graduation

    union all

    select
        net_migration_bases.mart_name,
        persons.start_institution_code || '|'
        || cast({{ window_start_year('persons.entry_academic_year') }} as {{ string }})
            as total_key,
        count(*) as n_expected
    from net_migration_persons as persons
    cross join (
        values
        ('outcome_net_migration_by_county'),
        ('outcome_net_migration_by_county (gymnasielän)')
    ) as net_migration_bases (mart_name)
    where
        persons.first_graduation_year - persons.entry_academic_year
        < {{ var('net_migration_graduated_within_years') }}
        and {{ window_end_year(window_start_year('persons.entry_academic_year')) }}
        + {{ var('net_migration_graduated_within_years') }} - 1
        <= persons.last_arrived_graduation_year
        and {{ in_complete_academic_window('persons.entry_academic_year', for_entrants=true) }}
    group by
        net_migration_bases.mart_name,
        persons.start_institution_code,
        {{ window_start_year('persons.entry_academic_year') }}

    union all

    select
        relationstal_bases.mart_name,
        cast(followups.graduation_academic_year as {{ string }}) as total_key,
        count(distinct followups.person_id) as n_expected
    from followups
    cross join (
        values
        ('outcome_relationstal_by_municipality'),
        ('outcome_relationstal_by_municipality (rekryterad)')
    ) as relationstal_bases (mart_name)
    where
        followups.degree_level = 'grund- och avancerad nivå'
        and followups.years_after_graduation = 1
        and followups.is_graduation_year_complete
        -- graduation years whose graduates mostly entered within the registrations
        and followups.graduation_academic_year
        >= {{ first_trusted_entry_year() }} + {{ var('relationstal_years_after_first_entry') }}
    group by relationstal_bases.mart_name, followups.graduation_academic_year

    {%- for category, mart in alumni_marts.items() %}

        union all

        select
            '{{ mart }}' as mart_name,
            total_key,
            count(distinct person_id) as n_expected
        from alumni_cells
        where alumni_category = {{ category }}
        group by total_key
    {%- endfor %}

),

{{ reconcile_totals('published_totals', 'expected_totals', terms_column='n_terms') }}
