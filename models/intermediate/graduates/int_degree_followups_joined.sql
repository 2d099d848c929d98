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
        is_window_complete
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

-- a person is counted once per cell: the latest degree of the cell whose
-- follow-up has arrived (a kandidat followed by a master in the same cell is
-- followed up after the master). Ranked on the few columns the windows need,
-- not on the joined row: each window sorts the whole payload it is given, and
-- five sorts of the 49-column row cost most of this model's time
representatives as (

    select
        followups.degree_key,
        followups.years_after_graduation,
        degrees.alumni_category is not null
        and row_number() over (
            partition by
                followups.person_id,
                followups.years_after_graduation,
                degrees.alumni_category,
                degrees.institution_code,
                degrees.group_code,
                degrees.cell_degree_code,
                degrees.window_start_year
            order by degrees.degree_date desc, followups.degree_key asc
        ) = 1 as is_alumni_cell_representative,
        degrees.degree_level = 'grund- och avancerad nivå'
        and row_number() over (
            partition by
                followups.person_id,
                followups.years_after_graduation,
                degrees.degree_level,
                degrees.degree_code,
                degrees.window_start_year
            order by degrees.degree_date desc, followups.degree_key asc
        ) = 1 as is_degree_code_representative,
        degrees.degree_level = 'grund- och avancerad nivå'
        and degrees.programme_code is not null
        and row_number() over (
            partition by
                followups.person_id,
                followups.years_after_graduation,
                degrees.degree_level,
                degrees.institution_code,
                degrees.programme_code,
                degrees.window_start_year
            order by degrees.degree_date desc, followups.degree_key asc
        ) = 1 as is_programme_representative,
        degrees.degree_level = 'grund- och avancerad nivå'
        and row_number() over (
            partition by
                followups.person_id,
                followups.years_after_graduation,
                degrees.degree_level,
                degrees.graduation_academic_year
            order by degrees.degree_date desc, followups.degree_key asc
        ) = 1 as is_graduation_year_representative,
        degrees.degree_level = 'grund- och avancerad nivå'
        and row_number() over (
            partition by
                followups.person_id,
                followups.years_after_graduation,
                degrees.degree_level
            order by degrees.degree_date asc, followups.degree_key asc
        ) = 1 as is_first_degree_of_person
    from followups
    inner join degrees
        on followups.degree_key = degrees.degree_key

),

joined as (

    select
        followups.degree_key,
        followups.person_id,
        followups.years_after_graduation,
        followups.followup_year,
        followups.last_arrived_graduation_year,
        followups.is_window_complete,
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
        representatives.is_alumni_cell_representative,
        representatives.is_degree_code_representative,
        representatives.is_programme_representative,
        representatives.is_graduation_year_representative,
        representatives.is_first_degree_of_person
    from followups
    inner join degrees
        on followups.degree_key = degrees.degree_key
    inner join representatives
        on
            followups.degree_key = representatives.degree_key
            and followups.years_after_graduation = representatives.years_after_graduation
    left join persons
        on followups.person_id = persons.person_id
    left join entrants
        on followups.person_id = entrants.person_id
    left join gymnasielan
        on followups.person_id = gymnasielan.person_id
    left join residences
        on
            followups.person_id = residences.person_id
            and followups.followup_year = residences.followup_year
    left join employment
        on
            followups.person_id = employment.person_id
            and followups.followup_year = employment.followup_year

)

select * from joined
