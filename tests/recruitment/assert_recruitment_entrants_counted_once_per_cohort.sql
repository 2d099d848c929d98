{#
    Every entrant is counted exactly once per cohort: in the exact aggregate
    of analysis 1, each institution's and each programme's entrants of a
    window sum over the recruitment counties (Okänt included) to the 'Totalt'
    row, and that row equals the number of entrants in the intermediate
    cohort models in the complete windows (int_academic_windows_completed;
    a cell of an open window has no cohort here and fails). Returns the
    cohorts that break it.
#}
{%- set total = var('total_label') -%}

with cells as (

    select * from {{ ref('agg_recruitment_by_county') }}
    where sex = '{{ total }}'

),

county_sums as (

    select
        institution_code,
        programme_code,
        window_start_year,
        sum(case when recruitment_county_code <> '{{ total }}' then n_persons else 0 end)
            as n_county_parts,
        max(case when recruitment_county_code = '{{ total }}' then n_persons end) as n_total
    from cells
    group by institution_code, programme_code, window_start_year

),

completed_windows as (

    select window_start_year from {{ ref('int_academic_windows_completed') }}
    where is_complete_for_entrants

),

all_cohorts as (

    select
        institution_code,
        '{{ total }}' as programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        count(*) as n_entrants
    from {{ ref('int_students_entered_institution') }}
    where is_counted_entrant
    group by institution_code, {{ window_start_year('entry_academic_year') }}

    union all

    select
        institution_code,
        programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        count(*) as n_entrants
    from {{ ref('int_students_entered_programme') }}
    where is_counted_entrant
    group by institution_code, programme_code, {{ window_start_year('entry_academic_year') }}

),

cohorts as (

    select all_cohorts.*
    from all_cohorts
    inner join completed_windows
        on all_cohorts.window_start_year = completed_windows.window_start_year

),

compared as (

    select
        cohorts.n_entrants,
        county_sums.n_total,
        county_sums.n_county_parts,
        coalesce(cohorts.institution_code, county_sums.institution_code) as institution_code,
        coalesce(cohorts.programme_code, county_sums.programme_code) as programme_code,
        coalesce(cohorts.window_start_year, county_sums.window_start_year) as window_start_year
    from cohorts
    full outer join county_sums
        on
            cohorts.institution_code = county_sums.institution_code
            and cohorts.programme_code = county_sums.programme_code
            and cohorts.window_start_year = county_sums.window_start_year
    where
        coalesce(county_sums.programme_code, '') <> '{{ no_programme_label() }}'

)

select * from compared
where
    n_entrants is null
    or n_total is null
    or n_entrants <> n_total
    or n_county_parts <> n_total
