with source as (

    select * from {{ raw_source('scb', 'utvandringar') }}

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        cast(utvandringdatum as date) as emigration_date
    from source

)

select * from renamed
