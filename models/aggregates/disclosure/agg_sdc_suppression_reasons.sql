{#
    Why each suppressed published cell is suppressed (primär / sekundär), one
    row per suppressed cell of every published mart. Internal: the published
    marts say only that a cell is protected; this model feeds the suppression
    report (studentflow sdc-report). The cell lists are those of
    sdc/linked_tables.yml (tests_py/test_linked_tables.py keeps them equal).
#}
with reasons as (

    {{ sdc_suppression_reasons(
        'transition_by_age_25',
        'agg_transition_by_age_25',
        [
            'academic_year',
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'foreign_background_by_municipality',
        'agg_foreign_background_by_municipality',
        [
            'academic_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'foreign_background_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'parents_education_by_municipality',
        'agg_parents_education_by_municipality',
        [
            'academic_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'parents_sun_level',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'institution_choice_by_municipality',
        'agg_institution_choice_by_municipality',
        [
            'academic_year',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'sex',
            'institution_choice_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'foreign_background_by_programme',
        'agg_foreign_background_by_programme',
        [
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'foreign_background_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'parents_education_by_programme',
        'agg_parents_education_by_programme',
        ['institution_code', 'programme_code', 'window_start_year', 'sex', 'parents_sun_level']
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'students_by_municipality',
        'agg_students_by_municipality',
        [
            'institution_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'entrant_background_indicators',
        'agg_entrant_background_indicators',
        [
            'institution_code',
            'programme_code',
            'window_start_year',
            'indicator',
            'sex',
            'indicator_group',
            'indicator_value',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'recruitment_by_county',
        'agg_recruitment_by_county',
        [
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'credits_by_background',
        'agg_credits_by_background',
        [
            'background_variable',
            'window_start_year',
            'start_institution_code',
            'sex',
            'background_code',
            'credits_band',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'alumni_cat1_yrkesexamen',
        'agg_alumni_cat1_yrkesexamen',
        [
            'institution_code',
            'group_code',
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'variable',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'alumni_cat2_program',
        'agg_alumni_cat2_program',
        [
            'institution_code',
            'group_code',
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'variable',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'alumni_cat3_huvudomrade',
        'agg_alumni_cat3_huvudomrade',
        [
            'institution_code',
            'group_code',
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'variable',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'alumni_cat4_forskarutbildning',
        'agg_alumni_cat4_forskarutbildning',
        [
            'institution_code',
            'group_code',
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'variable',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'outcome_employment_by_institution',
        'agg_outcome_employment',
        [
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'institution_code',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'outcome_occupation_by_degree',
        'agg_outcome_occupation',
        [
            'degree_code',
            'window_start_year',
            'years_after_graduation',
            'institution_code',
            'sex',
            'category_code',
        ]
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'outcome_matching_by_programme',
        'agg_outcome_matching',
        [
            'institution_code',
            'programme_code',
            'programme_degree_code',
            'window_start_year',
            'years_after_graduation',
            'sex',
            'matching_code',
        ],
        renames={'matching_code': 'category_code'}
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'outcome_net_migration_by_county',
        'agg_outcome_net_migration',
        ['start_institution_code', 'entry_window_start_year', 'sex', 'county_code'],
        counts={
            'n_residence': {'basis': 'bostadslan'},
            'n_gymnasielan': {'basis': 'gymnasielan'},
            'n_left_out': {'basis': 'utelamnad'},
        }
    ) }}

    union all

    {{ sdc_suppression_reasons(
        'outcome_relationstal_by_municipality',
        'agg_outcome_relationstal',
        ['graduation_academic_year', 'sex', 'municipality_code'],
        counts={'n_living': {'basis': 'bosatt'}, 'n_recruited': {'basis': 'rekryterad'}}
    ) }}

)

select * from reasons
