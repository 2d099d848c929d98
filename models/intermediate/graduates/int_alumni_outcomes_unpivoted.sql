{#
    Alumni follow-up facts in long form: one row per alumni cell (category,
    institution, group, degree code, window), follow-up, person and variable,
    with the person's category of that variable. Emigrated (utvandrade)
    graduates appear only in the variable 'utvandring'; studying graduates are
    left out of 'etablering' (docs block alumni_variables; seed
    etablering_kategorier says which categories are in its population).
#}
with graduates as (

    select
        alumni_category,
        institution_code,
        group_code,
        cell_degree_code as degree_code,
        window_start_year,
        years_after_graduation,
        person_id,
        sex,
        is_emigrated,
        is_employed,
        is_studying,
        has_employment_record,
        earned_income_sek,
        residence_county_code,
        recruitment_municipality_code,
        employment_status,
        etablering_code,
        income_band_code,
        sni_section,
        sector_group,
        matching_group
    from {{ ref('int_degree_followups_joined') }}
    where is_alumni_cell_representative and is_window_complete

),

unpivoted as (

    select
        graduates.*,
        'utvandring' as variable,
        case when graduates.is_emigrated then 'utvandrad' else 'ej utvandrad' end as category_code,
        cast(null as integer) as income_sek
    from graduates

    union all
    select
        graduates.*,
        'bostadslan' as variable,
        graduates.residence_county_code as category_code,
        cast(null as integer) as income_sek
    from graduates
    where not graduates.is_emigrated

    union all
    -- not employed in November: industry and sector do not apply
    select
        graduates.*,
        'sni_avdelning' as variable,
        case
            when graduates.employment_status = '5' then 'ej förvärvsarbetande'
            else graduates.sni_section
        end as category_code,
        cast(null as integer) as income_sek
    from graduates
    where not graduates.is_emigrated

    union all
    select
        graduates.*,
        'sektor' as variable,
        case
            when graduates.employment_status = '5' then 'ej förvärvsarbetande'
            else graduates.sector_group
        end as category_code,
        cast(null as integer) as income_sek
    from graduates
    where not graduates.is_emigrated

    union all
    select
        graduates.*,
        'matchning' as variable,
        graduates.matching_group as category_code,
        cast(null as integer) as income_sek
    from graduates
    -- SCB's matching indicator is defined for degrees with a target
    -- occupation: not published for main fields (category 3)
    where not graduates.is_emigrated and graduates.alumni_category <> 3

    union all
    select
        graduates.*,
        'etablering' as variable,
        graduates.etablering_code as category_code,
        cast(null as integer) as income_sek
    from graduates
    where
        not graduates.is_emigrated
        and graduates.etablering_code in (
            select etablering_kategorier.etablering_code
            from {{ ref('etablering_kategorier') }} as etablering_kategorier
            where etablering_kategorier.in_etableringsgrad_population
        )

    union all
    select
        graduates.*,
        'studier' as variable,
        -- no sysselsättning row (the register covers ages 16-74): studying is not
        -- known, as in every other variable of the person (Okänt stays a value)
        case
            when not graduates.has_employment_record then '{{ var('unknown_code') }}'
            when graduates.is_studying then 'studerande'
            else 'ej studerande'
        end as category_code,
        cast(null as integer) as income_sek
    from graduates
    where not graduates.is_emigrated

    union all
    select
        graduates.*,
        'inkomstklass' as variable,
        graduates.income_band_code as category_code,
        cast(null as integer) as income_sek
    from graduates
    where not graduates.is_emigrated

    union all
    -- income magnitudes (median, quartiles) of those gainfully employed in November
    select
        graduates.*,
        'inkomst' as variable,
        'förvärvsarbetande' as category_code,
        graduates.earned_income_sek as income_sek
    from graduates
    where not graduates.is_emigrated and graduates.is_employed

    union all
    select
        graduates.*,
        'rekryteringskommun' as variable,
        graduates.recruitment_municipality_code as category_code,
        cast(null as integer) as income_sek
    from graduates
    -- doctoral graduates are often not högskolenybörjare in Sweden
    where not graduates.is_emigrated and graduates.alumni_category <> 4

)

select
    alumni_category,
    institution_code,
    group_code,
    degree_code,
    window_start_year,
    years_after_graduation,
    person_id,
    sex,
    variable,
    category_code,
    income_sek
from unpivoted
