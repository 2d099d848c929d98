with source as (

    select * from {{ raw_source('scb', 'folkbokforing') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(ar as smallint) as residence_year,
        {{ map_to_code_list(
            current_municipality_code(zero_pad('kommun', 4), 'cast(ar as smallint)'),
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        {{ zero_pad('kommun', 4) }} as municipality_code_delivered
    from source

)

select * from renamed
