with source as (

    select * from {{ raw_source('scb', 'gymnasieexamina') }}

),

-- the code of today's municipality, computed once per row: map_to_code_list
-- repeats its expression, and this one is a join with kommunkod_andringar
translated as (

    {{ with_current_municipality_code(
        'source', zero_pad('skolkommun', 4), 'cast(examensar as smallint)', 'skolkommun_today'
    ) }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(examensar as smallint) as graduation_year,
        {{ map_to_code_list(
            'skolkommun_today',
            'kommuner',
            'kommun_code',
        ) }} as school_municipality_code,
        {{ zero_pad('skolkommun', 4) }} as school_municipality_code_delivered
    from translated

)

select * from renamed
