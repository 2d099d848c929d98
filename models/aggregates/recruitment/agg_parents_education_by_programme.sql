{#
    Analysis 5 per programme: persons registered on a programme in a window by
    parents' highest level; the institution row (programme_code = 'Totalt')
    counts each programme student once. Population
    programme_students_per_window, rolled up from its one pass.
#}
{{ programme_background_cells('parents_sun_level') }}
