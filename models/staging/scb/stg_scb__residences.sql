{#
    A table rebuilt every run, not incremental by year like
    stg_scb__employment: an annual delivery changes most residence years
    (persons new to the universe arrive with their residence history), so
    the national update rewrote nearly every year by delete+insert, 13.4 s
    against 7.7 s for the whole table (benchmarks/results.md, 2026-12-04).
#}
with source as (

    select * from {{ raw_source('scb', 'folkbokforing') }}

),

-- the delivered code trimmed and padded once per row (see stg_scb__employment)
normalised as (

    select
        lopnr,
        cast(ar as smallint) as residence_year,
        {{ zero_pad('kommun', 4) }} as kommun
    from source

),

translated as (

    {{ with_current_municipality_code(
        'normalised', 'kommun', 'residence_year', 'kommun_today'
    ) }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        residence_year,
        {{ map_to_code_list(
            'kommun_today',
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        kommun as municipality_code_delivered
    from translated

)

select * from renamed
