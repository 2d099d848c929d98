with source as (

    select * from {{ raw_source('scb', 'personer') }}

),

{#
    RecordKey is optional in the contract (only for var sdc_record_keys:
    delivered): UNION ALL BY NAME with an empty row that has the column gives
    every delivery the column, NULL when not delivered.
#}
with_optional_columns as (

    select cast(null as bigint) as recordkey
    where false

    union all by name

    select * from source

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
        cast(lopnrfar as bigint) as father_id,
        cast(recordkey as bigint) as delivered_record_key
    from with_optional_columns

)

select * from renamed
