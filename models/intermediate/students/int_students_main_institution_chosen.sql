{#
    Main institution (huvudregistrering) per person and academic year: the
    institution with the most registered credits that year; ties go to a
    known institution (Okänt sorts before lowercase codes), then to the
    lowest institution code so the choice is stable between builds.
#}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

credits_per_institution as (

    select
        person_id,
        academic_year,
        institution_code,
        coalesce(sum(credits_registered), 0) as credits_registered
    from registrations
    group by person_id, academic_year, institution_code

),

ranked as (

    select
        *,
        row_number() over (
            partition by person_id, academic_year
            order by
                credits_registered desc,
                {{ unknown_last('institution_code') }} asc,
                institution_code asc
        ) as institution_rank,
        count(*) over (partition by person_id, academic_year) as n_institutions
    from credits_per_institution

),

chosen as (

    select
        person_id,
        academic_year,
        institution_code as main_institution_code,
        credits_registered as main_institution_credits_registered,
        n_institutions
    from ranked
    where institution_rank = 1

)

select * from chosen
