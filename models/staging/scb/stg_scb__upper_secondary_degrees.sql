with source as (

    select * from {{ raw_source('scb', 'gymnasieexamina') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(examensar as smallint) as graduation_year,
        {{ map_to_code_list(
            current_municipality_code(zero_pad('skolkommun', 4), 'cast(examensar as smallint)'),
            'kommuner',
            'kommun_code',
        ) }} as school_municipality_code,
        {{ zero_pad('skolkommun', 4) }} as school_municipality_code_delivered
    from source

)

select * from renamed
