with source as (

    select * from {{ raw_source('scb', 'befolkning_kommun') }}

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
        cast(ar as smallint) as population_year,
        {{ map_to_code_list(
            'kommun_today',
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        {{ zero_pad('kommun', 4) }} as municipality_code_delivered,
        cast(kon as smallint) as sex,
        cast(alder as smallint) as age,
        upper({{ nullif_blank('utrikesfodd') }}) = 'J' as is_born_abroad,
        cast(antal as integer) as n_persons
    from translated

)

select * from renamed
