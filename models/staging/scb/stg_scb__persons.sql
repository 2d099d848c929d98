with source as (

    select * from {{ raw_source('scb', 'personer') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(kon as smallint) as sex,
        cast(fodelsear as smallint) as birth_year,
        upper({{ nullif_blank('fodland') }}) as birth_country,
        case
            when {{ nullif_blank('fodland') }} is null then null
            else upper(trim(fodland)) <> 'SE'
        end as is_born_abroad,
        cast(lopnrmor as bigint) as mother_id,
        cast(lopnrfar as bigint) as father_id
    from source

)

select * from renamed
