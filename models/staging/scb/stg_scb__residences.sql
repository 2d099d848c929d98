with source as (

    select * from {{ raw_source('scb', 'folkbokforing') }}

),

-- the code of today's municipality, computed once per row: map_to_code_list
-- repeats its expression, and this one is a join with kommunkod_andringar
translated as (

    {{ with_current_municipality_code(
        'source', zero_pad('kommun', 4), 'cast(ar as smallint)', 'kommun_today'
    ) }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(ar as smallint) as residence_year,
        {{ map_to_code_list(
            'kommun_today',
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        {{ zero_pad('kommun', 4) }} as municipality_code_delivered
    from translated

)

select * from renamed
