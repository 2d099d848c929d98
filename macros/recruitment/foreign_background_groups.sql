{#
    Display names and order of the foreign-background groups (SCB), as a
    relation with foreign_background_code, foreign_background_name, sort_order.
#}
{% macro foreign_background_groups() %}
    select *
    from (
        values
        ('utrikes_fodd', 'Utrikes född', 1),
        ('inrikes_tva_utrikes_foraldrar', 'Inrikes född med två utrikes födda föräldrar', 2),
        ('inrikes_en_utrikes_foralder', 'Inrikes född med en inrikes och en utrikes född förälder', 3),
        ('inrikes_tva_inrikes_foraldrar', 'Inrikes född med två inrikes födda föräldrar', 4),
        ('{{ var("unknown_code") }}', 'Okänt', 5),
        ('{{ var("total_label") }}', 'Totalt', 6)
    ) as groups (foreign_background_code, foreign_background_name, sort_order)
{% endmacro %}
