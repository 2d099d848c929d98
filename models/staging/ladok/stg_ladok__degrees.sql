with source as (

    select * from {{ raw_source('ladok', 'examina') }}

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
            'upper(' ~ nullif_blank('examenskod') ~ ')', 'examenskoder', 'degree_code'
        ) }} as degree_code,
        upper({{ nullif_blank('examenskod') }}) as degree_code_delivered,
        upper({{ nullif_blank('programkod') }}) as programme_code,
        {{ map_to_code_list(
            'lower(' ~ nullif_blank('huvudomrade') ~ ')', 'huvudomraden', 'main_field_code'
        ) }} as main_field_code,
        lower({{ nullif_blank('huvudomrade') }}) as main_field_code_delivered
    from source

)

select * from renamed
