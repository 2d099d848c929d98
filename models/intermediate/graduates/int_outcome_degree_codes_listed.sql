{#
    Display names of the degree codes in the outcome and alumni marts: the
    first- and second-cycle code list, the third-cycle degrees and the
    pooled member used by alumni category 3.
#}
with degree_codes as (

    select
        degree_code,
        degree_name,
        degree_type
    from {{ ref('examenskoder') }}

),

project_codes as (

    select
        code_list.degree_code,
        code_list.degree_name,
        code_list.degree_type
    from (
        values
        ('DOK', 'Doktorsexamen', 'forskarexamen'),
        ('LIC', 'Licentiatexamen', 'forskarexamen'),
        (
            '{{ var('total_label') }}',
            'Samtliga generella och konstnärliga examina',
            'generell eller konstnärlig examen'
        )
    ) as code_list (degree_code, degree_name, degree_type)

)

select
    degree_code,
    degree_name,
    degree_type
from degree_codes
union all
select
    degree_code,
    degree_name,
    degree_type
from project_codes
