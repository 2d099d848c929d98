{#
    One row per degree (all cycles) with its alumni follow-up category, the
    cell it is counted in (institution, group, degree code, window) or the
    reason it is in no category. Rules: docs block alumni_categories.
#}
{%- set within_other_programmes = 'true' if var('alumni_cat3_within_other_programmes') else 'false' %}
with first_and_second_cycle as (

    select
        degree_key,
        person_id,
        'grund- och avancerad nivå' as degree_level,
        institution_code,
        degree_date,
        degree_code,
        degree_type,
        programme_code,
        programme_degree_code,
        main_field_code,
        cast(null as {{ dbt.type_string() }}) as research_subject_code,
        graduation_academic_year,
        window_start_year
    from {{ ref('int_degrees_dated') }}

),

third_cycle as (

    select
        degree_key,
        person_id,
        'forskarnivå' as degree_level,
        institution_code,
        degree_date,
        doctoral_degree_type as degree_code,
        'forskarexamen' as degree_type,
        cast(null as {{ dbt.type_string() }}) as programme_code,
        cast(null as {{ dbt.type_string() }}) as programme_degree_code,
        cast(null as {{ dbt.type_string() }}) as main_field_code,
        research_subject_code,
        graduation_academic_year,
        window_start_year
    from {{ ref('int_doctoral_degrees_dated') }}

),

all_degrees as (

    select * from first_and_second_cycle
    union all
    select * from third_cycle

),

-- category 2 and 3 leave out everybody with a yrkesexamen (any institution)
-- in the same window: their outcome is attributed to the professional degree
professional_graduates as (

    select distinct
        person_id,
        window_start_year
    from first_and_second_cycle
    where degree_type = 'yrkesexamen'

),

categorised as (

    select
        all_degrees.*,
        case
            when all_degrees.degree_type = 'yrkesexamen' then 1
            when all_degrees.degree_type = 'forskarexamen' and all_degrees.degree_code = 'DOK'
                then 4
            when all_degrees.degree_type not in ('generell examen', 'konstnärlig examen')
                then null
            when professional_graduates.person_id is not null then null
            when all_degrees.programme_degree_code = all_degrees.degree_code then 2
            when all_degrees.programme_code is null then 3
            -- var alumni_cat3_within_other_programmes (default false): also pool
            -- degrees earned within a programme leading to another degree (or a
            -- programme missing from the list) into category 3
            when {{ within_other_programmes }} then 3
        end as alumni_category,
        case
            when all_degrees.degree_type = 'forskarexamen' and all_degrees.degree_code <> 'DOK'
                then 'licentiatexamen eller okänd forskarexamen'
            when
                all_degrees.degree_type not in (
                    'yrkesexamen', 'forskarexamen', 'generell examen', 'konstnärlig examen'
                )
                then 'okänd examenstyp'
            when
                all_degrees.degree_type in ('generell examen', 'konstnärlig examen')
                and professional_graduates.person_id is not null
                then 'yrkesexamen samma fönster'
            when
                not {{ within_other_programmes }}
                and all_degrees.degree_type in ('generell examen', 'konstnärlig examen')
                and all_degrees.programme_code is not null
                and (
                    all_degrees.programme_degree_code is null
                    or all_degrees.programme_degree_code <> all_degrees.degree_code
                )
                then 'inom program som leder till annan examen'
        end as exclusion_reason
    from all_degrees
    left join professional_graduates
        on
            all_degrees.person_id = professional_graduates.person_id
            and all_degrees.window_start_year = professional_graduates.window_start_year

),

with_cells as (

    select
        *,
        case alumni_category
            when 1 then degree_code
            when 2 then programme_code
            when 3 then main_field_code
            when 4 then research_subject_code
        end as group_code,
        -- category 3 pools every general and artistic degree of the main field
        case
            when alumni_category = 3 then '{{ var('total_label') }}'
            when alumni_category is not null then degree_code
        end as cell_degree_code
    from categorised

)

select
    degree_key,
    person_id,
    degree_level,
    institution_code,
    degree_date,
    degree_code,
    degree_type,
    programme_code,
    programme_degree_code,
    main_field_code,
    research_subject_code,
    graduation_academic_year,
    window_start_year,
    alumni_category,
    group_code,
    cell_degree_code,
    exclusion_reason
from with_cells
