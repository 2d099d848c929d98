{#
    Display names of every (variable, category) the outcome and alumni marts
    publish, from the code lists plus the project's own categories, with the
    total member of each variable. One lookup so the marts never hand-write
    a label.
#}
with variables as (

    select
        variable_list.variable,
        variable_list.variable_name
    from (
        values
        ('utvandring', 'Utvandring'),
        ('bostadslan', 'Bostadslän'),
        ('sni_avdelning', 'Näringsgren (SNI 2007 avdelning)'),
        ('sektor', 'Arbetsgivarsektor'),
        ('matchning', 'Matchning (SCB:s matchningsindikator)'),
        ('etablering', 'Etablering på arbetsmarknaden (studerande borttagna)'),
        ('studier', 'Studier under uppföljningsåret'),
        ('inkomstklass', 'Arbetsinkomst, klass'),
        ('inkomst', 'Arbetsinkomst (förvärvsarbetande)'),
        ('rekryteringskommun', 'Rekryteringskommun'),
        ('sysselsattning', 'Förvärvsarbetande i november'),
        ('yrke', 'Yrke (SSYK 2012 yrkesområde)'),
        ('matchningskategori', 'Matchningskategori (SCB:s matchningsindikator)')
    ) as variable_list (variable, variable_name)

),

project_categories as (

    select
        category_list.variable,
        category_list.category_code,
        category_list.category_name
    from (
        values
        ('utvandring', 'utvandrad', 'Utvandrad'),
        ('utvandring', 'ej utvandrad', 'Ej utvandrad'),
        ('sni_avdelning', 'ej förvärvsarbetande', 'Ej förvärvsarbetande i november'),
        ('sektor', 'ej förvärvsarbetande', 'Ej förvärvsarbetande i november'),
        ('studier', 'studerande', 'Studerande'),
        ('studier', 'ej studerande', 'Ej studerande'),
        ('studier', '{{ var('unknown_code') }}', '{{ var('unknown_code') }}'),
        ('inkomst', 'förvärvsarbetande', 'Förvärvsarbetande i november'),
        ('sysselsattning', 'sysselsatt', 'Förvärvsarbetande i november'),
        ('sysselsattning', 'ej sysselsatt', 'Ej förvärvsarbetande i november'),
        ('sysselsattning', '{{ var('unknown_code') }}', '{{ var('unknown_code') }}'),
        ('yrke', 'studerande', 'Studerande (ej förvärvsarbetande)'),
        ('yrke', 'utvandrad', 'Utvandrad'),
        ('yrke', 'övrigt', 'Övriga ej förvärvsarbetande')
    ) as category_list (variable, category_code, category_name)

),

code_list_categories as (

    select
        'bostadslan' as variable,
        lan_code as category_code,
        lan_name as category_name
    from {{ ref('lan') }}
    union all
    select
        'sni_avdelning' as variable,
        sni_section as category_code,
        sni_section_name as category_name
    from {{ ref('sni2007_avdelningar') }}
    union all
    select distinct
        'sektor' as variable,
        sector_group as category_code,
        sector_group as category_name
    from {{ ref('sektorer') }}
    union all
    select distinct
        'matchning' as variable,
        matching_group as category_code,
        matching_group as category_name
    from {{ ref('matchning') }}
    union all
    select
        'matchningskategori' as variable,
        matching_code as category_code,
        matching_name as category_name
    from {{ ref('matchning') }}
    union all
    select
        'etablering' as variable,
        etablering_code as category_code,
        etablering_name as category_name
    from {{ ref('etablering_kategorier') }}
    where in_etableringsgrad_population
    union all
    select
        'rekryteringskommun' as variable,
        kommun_code as category_code,
        kommun_name as category_name
    from {{ ref('kommuner') }}
    union all
    select
        'yrke' as variable,
        ssyk_major_group as category_code,
        ssyk_major_group_name as category_name
    from {{ ref('ssyk2012_huvudgrupper') }}

),

income_bands as (

    select
        'inkomstklass' as variable,
        bands.band_code as category_code,
        {{ income_band_name('bands.band_code') }} as category_name
    from (
        values ('0'), ('1-99'), ('100-199'), ('200-299'), ('300-399'), ('400-499'),
        ('500-'), ('{{ var('unknown_code') }}')
    ) as bands (band_code)

),

totals as (

    select
        variable,
        '{{ var('total_label') }}' as category_code,
        '{{ var('total_label') }}' as category_name
    from variables

),

categories as (

    select
        variable,
        category_code,
        category_name
    from project_categories
    union all
    select
        variable,
        category_code,
        category_name
    from code_list_categories
    union all
    select
        variable,
        category_code,
        category_name
    from income_bands
    union all
    select
        variable,
        category_code,
        category_name
    from totals

)

select
    categories.variable,
    variables.variable_name,
    categories.category_code,
    categories.category_name
from categories
inner join variables
    on categories.variable = variables.variable
