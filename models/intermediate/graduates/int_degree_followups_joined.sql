{#
    One row per degree (all cycles) and ARRIVED follow-up: the degree, its
    alumni category, the person's background and the residence, emigration
    and labour-market status of the follow-up year. The person-level fact
    table every outcome aggregate selects from; the is_* flags pick the one
    degree a person is followed up by in each kind of population.
#}
with followups as (

    select
        degree_key,
        person_id,
        years_after_graduation,
        followup_year,
        last_arrived_graduation_year,
        is_window_complete,
        is_graduation_year_complete
    from {{ ref('int_degree_followups_scheduled') }}
    where has_arrived

),

degrees as (

    select * from {{ ref('int_degrees_categorised') }}

),

-- the person-level inputs restricted to graduates: each left join keeps its
-- whole right side in memory, and the population register's 7.6 M persons
-- (national) made this join the build's tightest fit (memory_limit 6 GB
-- failed once; with these filters it runs within 4 GB, the same rows)
persons as (

    select
        person_id,
        sex
    from {{ ref('int_persons_labelled') }}
    where person_id in (select followups.person_id from followups)

),

entrants as (

    select
        person_id,
        first_academic_year,
        is_counted_entrant,
        start_institution_code,
        recruitment_municipality_code,
        recruitment_county_code
    from {{ ref('int_students_first_term') }}
    where person_id in (select followups.person_id from followups)

),

gymnasielan as (

    select
        person_id,
        gymnasielan_code
    from {{ ref('int_persons_gymnasielan') }}
    where person_id in (select followups.person_id from followups)

),

residences as (

    select * from {{ ref('int_followup_residences_resolved') }}

),

employment as (

    select * from {{ ref('int_followup_employment_classified') }}

),

-- the follow-ups with their degrees: joined once, read by the flags and the output
followup_degrees as (

    select
        followups.degree_key,
        followups.person_id,
        followups.years_after_graduation,
        followups.followup_year,
        followups.last_arrived_graduation_year,
        followups.is_window_complete,
        followups.is_graduation_year_complete,
        degrees.degree_level,
        degrees.institution_code,
        degrees.degree_date,
        degrees.degree_code,
        degrees.degree_type,
        degrees.programme_code,
        degrees.programme_degree_code,
        degrees.main_field_code,
        degrees.research_subject_code,
        degrees.graduation_academic_year,
        degrees.window_start_year,
        degrees.alumni_category,
        degrees.group_code,
        degrees.cell_degree_code,
        -- the first-cycle flags below follow up grund- och avancerad nivå only
        degrees.degree_level = 'grund- och avancerad nivå' as is_first_cycle
    from followups
    inner join degrees
        on followups.degree_key = degrees.degree_key

),

-- a person is counted once per cell: the latest degree of the cell whose
-- follow-up has arrived (a kandidat followed by a master in the same cell is
-- followed up after the master; on the same day, the lower degree_key). A
-- degree is beaten in a cell when another degree of the same person and
-- follow-up in that cell comes first in this order. Found by pairing each
-- person's degrees per follow-up (half the national rows have no rival, and
-- the others one or two), not by five row_number() windows: each window
-- sorted all 4.2 M national rows. The model took 22.6 s with the windows and
-- 8.5 s with the pairs, the same rows (benchmarks/results.md, 2026-12-05)
beaten as (

    select
        degree.degree_key,
        degree.years_after_graduation,
        {#- the rival comes first: a later degree, or the same day and a lower key -#}
        {%- set later = '(rival.degree_date > degree.degree_date'
            ~ ' or (rival.degree_date = degree.degree_date'
            ~ ' and rival.degree_key < degree.degree_key))' %}
        {#- for the first degree: an earlier degree, or the same day and a lower key -#}
        {#- analysis 12: a degree with the programme's own degree code comes first,
            then the later one (alumni category 2 follows up that degree too, so
            its graduates of a programme are among analysis 12's with the same
            follow-up: a relation in sdc/linked_tables.yml) -#}
        {%- set own_first = '(coalesce(rival.degree_code = rival.programme_degree_code, false)'
            ~ ' and not coalesce(degree.degree_code = degree.programme_degree_code, false))'
            ~ ' or (coalesce(rival.degree_code = rival.programme_degree_code, false)'
            ~ ' = coalesce(degree.degree_code = degree.programme_degree_code, false)'
            ~ ' and ' ~ later ~ ')' %}
        {%- set earlier = '(rival.degree_date < degree.degree_date'
            ~ ' or (rival.degree_date = degree.degree_date'
            ~ ' and rival.degree_key < degree.degree_key))' %}
        bool_or({{ same_values('rival', 'degree', [
            'alumni_category', 'institution_code', 'group_code', 'cell_degree_code',
            'window_start_year'
        ]) }} and {{ later }}) as is_beaten_in_alumni_cell,
        bool_or({{ same_values('rival', 'degree', [
            'degree_level', 'degree_code', 'window_start_year'
        ]) }} and {{ later }}) as is_beaten_in_degree_code,
        bool_or({{ same_values('rival', 'degree', [
            'degree_level', 'institution_code', 'degree_code', 'window_start_year'
        ]) }} and {{ later }}) as is_beaten_in_institution_degree_code,
        bool_or({{ same_values('rival', 'degree', [
            'degree_level', 'institution_code', 'programme_code', 'window_start_year'
        ]) }} and ({{ own_first }})) as is_beaten_in_programme,
        bool_or({{ same_values('rival', 'degree', [
            'degree_level', 'graduation_academic_year'
        ]) }} and {{ later }}) as is_beaten_in_graduation_year,
        bool_or({{ same_values('rival', 'degree', ['degree_level']) }} and {{ earlier }})
            as is_beaten_as_first_degree
    from followup_degrees as degree
    inner join followup_degrees as rival
        on
            degree.person_id = rival.person_id
            and degree.years_after_graduation = rival.years_after_graduation
            and degree.degree_key != rival.degree_key
    group by degree.degree_key, degree.years_after_graduation

),

joined as (

    select
        followup_degrees.degree_key,
        followup_degrees.person_id,
        followup_degrees.years_after_graduation,
        followup_degrees.followup_year,
        followup_degrees.last_arrived_graduation_year,
        followup_degrees.is_window_complete,
        followup_degrees.is_graduation_year_complete,
        followup_degrees.degree_level,
        followup_degrees.institution_code,
        followup_degrees.degree_date,
        followup_degrees.degree_code,
        followup_degrees.degree_type,
        followup_degrees.programme_code,
        followup_degrees.programme_degree_code,
        followup_degrees.main_field_code,
        followup_degrees.research_subject_code,
        followup_degrees.graduation_academic_year,
        followup_degrees.window_start_year,
        followup_degrees.alumni_category,
        followup_degrees.group_code,
        followup_degrees.cell_degree_code,
        coalesce(persons.sex, '{{ var('unknown_code') }}') as sex,
        -- a högskolenybörjare is a counted entrant (docs block hogskolenyborjare):
        -- not an incoming exchange student, not left-censored; every other
        -- registered person has a row in int_students_first_term too
        coalesce(entrants.is_counted_entrant, false) as is_hogskolenyborjare,
        entrants.first_academic_year as entry_academic_year,
        coalesce(entrants.start_institution_code, '{{ var('unknown_code') }}')
            as start_institution_code,
        coalesce(entrants.recruitment_municipality_code, '{{ var('unknown_code') }}')
            as recruitment_municipality_code,
        coalesce(entrants.recruitment_county_code, '{{ var('unknown_code') }}')
            as recruitment_county_code,
        coalesce(gymnasielan.gymnasielan_code, '{{ var('unknown_code') }}') as gymnasielan_code,
        residences.is_emigrated,
        residences.has_residence,
        residences.residence_municipality_code,
        residences.residence_county_code,
        employment.has_employment_record,
        employment.employment_status,
        employment.is_employed,
        employment.earned_income_sek,
        employment.is_studying,
        employment.etablering_code,
        employment.income_band_code,
        employment.sni_section,
        employment.sector_group,
        employment.ssyk_code,
        employment.ssyk_major_group,
        employment.matching_code,
        employment.matching_group,
        followup_degrees.alumni_category is not null
        and not coalesce(beaten.is_beaten_in_alumni_cell, false)
            as is_alumni_cell_representative,
        followup_degrees.is_first_cycle
        and not coalesce(beaten.is_beaten_in_degree_code, false)
            as is_degree_code_representative,
        followup_degrees.is_first_cycle
        and not coalesce(beaten.is_beaten_in_institution_degree_code, false)
            as is_institution_degree_code_representative,
        followup_degrees.is_first_cycle
        and followup_degrees.programme_code is not null
        and not coalesce(beaten.is_beaten_in_programme, false)
            as is_programme_representative,
        followup_degrees.is_first_cycle
        and not coalesce(beaten.is_beaten_in_graduation_year, false)
            as is_graduation_year_representative,
        followup_degrees.is_first_cycle
        and not coalesce(beaten.is_beaten_as_first_degree, false)
            as is_first_degree_of_person
    from followup_degrees
    left join beaten
        on
            followup_degrees.degree_key = beaten.degree_key
            and followup_degrees.years_after_graduation = beaten.years_after_graduation
    left join persons
        on followup_degrees.person_id = persons.person_id
    left join entrants
        on followup_degrees.person_id = entrants.person_id
    left join gymnasielan
        on followup_degrees.person_id = gymnasielan.person_id
    left join residences
        on
            followup_degrees.person_id = residences.person_id
            and followup_degrees.followup_year = residences.followup_year
    left join employment
        on
            followup_degrees.person_id = employment.person_id
            and followup_degrees.followup_year = employment.followup_year

)

select * from joined
