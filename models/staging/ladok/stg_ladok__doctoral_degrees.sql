with source as (

    select * from {{ raw_source('ladok', 'forskarexamina') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        {{ map_to_code_list(
            'lower(' ~ nullif_blank('larosate') ~ ')', 'larosaten', 'larosate_code'
        ) }} as institution_code,
        lower({{ nullif_blank('larosate') }}) as institution_code_delivered,
        cast(examensdatum as date) as degree_date,
        {{ map_to_code_list(
            'upper(' ~ nullif_blank('examen') ~ ')', 'forskarexamenstyper', 'doctoral_degree_type'
        ) }} as doctoral_degree_type,
        upper({{ nullif_blank('examen') }}) as doctoral_degree_type_delivered,
        {{ map_to_code_list(
            zero_pad('forskningsamne', 3), 'forskningsamnen', 'research_subject_code'
        ) }} as research_subject_code,
        {{ zero_pad('forskningsamne', 3) }} as research_subject_code_delivered
    from source

)

select * from renamed
