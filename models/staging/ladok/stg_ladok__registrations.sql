with source as (

    select * from {{ raw_source('ladok', 'registreringar') }}

),

{#
    Utbytesstudent is optional in the contract: older deliveries do not have
    it. UNION ALL BY NAME with an empty row that has the column gives every
    delivery the column, NULL (= not an exchange student) when not delivered.
#}
with_optional_columns as (

    select cast(null as {{ dbt.type_string() }}) as utbytesstudent
    where false

    union all by name

    select * from source

),

renamed as (

    select
        cast(lopnr as bigint) as person_id,
        upper({{ nullif_blank('termin') }}) as term_code,
        upper(left({{ nullif_blank('termin') }}, 2)) as term_season,
        cast(substr({{ nullif_blank('termin') }}, 3, 4) as smallint) as term_calendar_year,
        {{ map_to_code_list(
            'lower(' ~ nullif_blank('larosate') ~ ')', 'larosaten', 'larosate_code'
        ) }} as institution_code,
        lower({{ nullif_blank('larosate') }}) as institution_code_delivered,
        upper({{ nullif_blank('programkod') }}) as programme_code,
        {{ map_to_code_list(
            'lower(' ~ nullif_blank('huvudomrade') ~ ')', 'huvudomraden', 'main_field_code'
        ) }} as main_field_code,
        lower({{ nullif_blank('huvudomrade') }}) as main_field_code_delivered,
        {{ map_to_code_list(
            'upper(' ~ nullif_blank('niva') ~ ')', 'studieniva', 'study_level'
        ) }} as study_level,
        upper({{ nullif_blank('niva') }}) as study_level_delivered,
        {{ raw_decimal('hpreg', source('ladok', 'registreringar')) }} as credits_registered,
        {{ raw_decimal('hpprest', source('ladok', 'registreringar')) }} as credits_completed,
        coalesce(upper({{ nullif_blank('utbytesstudent') }}) = 'J', false) as is_exchange_student
    from with_optional_columns  -- noqa: AM04

)

select * from renamed
