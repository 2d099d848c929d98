with source as (

    select * from {{ raw_source('scb', 'utbildningsniva') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(ar as smallint) as valid_from_year,
        {{ map_to_code_list(
            nullif_blank('sun2020niva'), 'sun2020_niva', 'sun_level'
        ) }} as sun_level,
        {{ nullif_blank('sun2020niva') }} as sun_level_delivered
    from source

)

select * from renamed
