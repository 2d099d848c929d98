-- Do the municipalities of Östergötlands län (05) keep the graduates they send to higher education (relationstal)?
select
    graduation_academic_year,
    municipality_code,
    municipality_name,
    n_recruited_display as recruited_from_here,
    n_living_display as living_here_one_year_after,
    relationstal_display as relationstal
from {{ ref('outcome_relationstal_by_municipality') }}
where
    county_code = '05'
    and sex = '{{ var('total_label') }}'
order by graduation_academic_year desc, municipality_code asc
