with source as (

    select * from {{ raw_source('scb', 'befolkning_kommun') }}

),

renamed as (

    select
        cast(ar as smallint) as population_year,
        {{ map_to_code_list(
            current_municipality_code(zero_pad('kommun', 4), 'cast(ar as smallint)'),
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        {{ zero_pad('kommun', 4) }} as municipality_code_delivered,
        cast(kon as smallint) as sex,
        cast(alder as smallint) as age,
        upper({{ nullif_blank('utrikesfodd') }}) = 'J' as is_born_abroad,
        cast(antal as integer) as n_persons
    from source

)

select * from renamed
