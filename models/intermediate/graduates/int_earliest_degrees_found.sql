{#
    The term of each person's earliest degree at each institution, first- or
    second-cycle or doctoral. A degree is evidence of studies, and it is
    issued on application, often years after them: a degree dated before the
    first term the registrations show means the person studied before the
    registrations begin, so that first term is left-censored
    (int_persons_recruitment_municipality_assigned for the first term ever,
    int_students_entered_institution for an institution).
#}
with degrees as (

    select
        person_id,
        institution_code,
        degree_date
    from {{ ref('int_degrees_dated') }}

    union all

    select
        person_id,
        institution_code,
        degree_date
    from {{ ref('int_doctoral_degrees_dated') }}

)

select
    person_id,
    institution_code,
    min({{ term_index_of_date('degree_date') }}) as earliest_degree_term_index
from degrees
group by person_id, institution_code
