with source as (

    select * from {{ raw_source('ladok', 'program') }}

),

renamed as (

    select
        {{ map_to_code_list(
            'lower(' ~ nullif_blank('larosate') ~ ')', 'larosaten', 'larosate_code'
        ) }} as institution_code,
        upper({{ nullif_blank('programkod') }}) as programme_code,
        {{ nullif_blank('programnamn') }} as programme_name,
        {{ map_to_code_list(
            'upper(' ~ nullif_blank('examenskod') ~ ')', 'examenskoder', 'degree_code'
        ) }} as degree_code,
        upper({{ nullif_blank('examenskod') }}) as degree_code_delivered,
        upper({{ nullif_blank('niva') }}) as study_level
    from source

)

select * from renamed
