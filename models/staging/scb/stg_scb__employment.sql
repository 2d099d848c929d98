with source as (

    select * from {{ raw_source('scb', 'sysselsattning') }}

),

-- the code of today's municipality, computed once per row: map_to_code_list
-- repeats its expression, and this one is a join with kommunkod_andringar
translated as (

    {{ with_current_municipality_code(
        'source', zero_pad('astkommun', 4), 'cast(ar as smallint)', 'astkommun_today'
    ) }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(ar as smallint) as employment_year,
        case {{ nullif_blank('syssstat') }}
            when '1' then '1'
            when '5' then '5'
            else '{{ var('unknown_code') }}'
        end as employment_status,
        {{ nullif_blank('syssstat') }} as employment_status_delivered,
        cast(arbink as integer) as earned_income_sek,
        coalesce(upper({{ nullif_blank('arblos') }}) = 'J', false) as had_unemployment,
        coalesce(upper({{ nullif_blank('studerande') }}) = 'J', false) as is_studying,
        {{ zero_pad('astsni2007', 5) }} as sni_code,
        {{ map_to_code_list(
            'left(' ~ zero_pad('astsni2007', 5) ~ ', 2)', 'sni2007_huvudgrupper', 'sni_division'
        ) }} as sni_division,
        {{ map_to_code_list(nullif_blank('astsektor'), 'sektorer', 'sector_code') }} as sector_code,
        {{ nullif_blank('astsektor') }} as sector_code_delivered,
        {{ map_to_code_list(
            zero_pad('ssyk2012', 4), 'ssyk2012_yrkesgrupper', 'ssyk_code'
        ) }} as ssyk_code,
        {{ zero_pad('ssyk2012', 4) }} as ssyk_code_delivered,
        {{ map_to_code_list(
            zero_pad('matchning', 2), 'matchning', 'matching_code'
        ) }} as matching_code,
        {{ zero_pad('matchning', 2) }} as matching_code_delivered,
        {{ map_to_code_list(
            'astkommun_today',
            'kommuner',
            'kommun_code',
        ) }} as workplace_municipality_code,
        {{ zero_pad('astkommun', 4) }} as workplace_municipality_code_delivered
    from translated

)

select * from renamed
