{#
    Cell key method (CKM): helpers for the perturbation table.
    The layout and the lookup rules follow ONS's open-source
    cell-key-perturbation package (create_perturbed_table), so a table made
    for that package works here and gives the same perturbed counts:
      - record keys 0..255, cell key = sum of the cell's record keys mod 256
        (sdc_count_cells computes it);
      - the table has rows pcv 1..750 x ckey 0..255 with a perturbation pvalue;
      - a count n is looked up at pcv = n for n <= 750, and counts above 750
        reuse the rows 501..750 cyclically: pcv = ((n - 1) mod 250) + 501
        (751, 1001, 1251 -> 501; 1000, 1250 -> 750);
      - a cell with no row in the table (count 0) gets pvalue 0, so zeros
        stay zero.
    See docs/disclosure-control.md, section "Cell key method".
#}

{# The perturbation cell value (pcv) under which a count is looked up. #}
{% macro sdc_ckm_pcv(count_expression) -%}
    case
        when ({{ count_expression }}) <= 750 then ({{ count_expression }})
        else (({{ count_expression }}) - 1) % 250 + 501
    end
{%- endmacro %}


{# Reads a user-supplied perturbation table (var sdc_ptable_path): CSV or Parquet. #}
{% macro sdc_ckm_read_ptable(path) -%}
    {%- set lowered = path | lower -%}
    {%- if lowered.endswith('.parquet') or lowered.endswith('.pq') -%}
        read_parquet('{{ path }}')
    {%- elif lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.txt') -%}
        read_csv('{{ path }}', header = true, auto_detect = true)
    {%- else -%}
        {{ exceptions.raise_compiler_error("var sdc_ptable_path = '" ~ path ~ "': the perturbation table must be a .csv or .parquet file with columns pcv, ckey, pvalue") }}
    {%- endif -%}
{%- endmacro %}


{#
    Validates a user-supplied perturbation table before it is used: the file
    exists; it has the columns pcv, ckey, pvalue; it has exactly the
    750 x 256 = 192 000 rows pcv 1..750 x ckey 0..255, each once, with a
    pvalue; and no perturbation makes a count negative (pcv + pvalue >= 0).
    Raises a compiler error naming the file and the problem. Runs only when
    dbt executes (run/build), so parse and compile never need the file.
#}
{% macro sdc_ckm_validate_ptable(path) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set what = "Perturbation table '" ~ path ~ "' (var sdc_ptable_path)" -%}
    {%- set relation = sdc_ckm_read_ptable(path) -%}
    {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": file not found (paths are relative to the dbt project root).") }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ relation) -%}
    {%- set columns = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = ['pcv', 'ckey', 'pvalue'] | reject('in', columns) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(what ~ ": required column(s) missing: " ~ missing | join(', ') ~ ". Columns found: " ~ columns | join(', ') ~ ". Expected the long layout (pcv, ckey, pvalue) used by ONS's cell-key-perturbation package.") }}
    {%- endif -%}
    {%- set stats = run_query(
        "select count(*), count(distinct (pcv, ckey)),"
        ~ " count(*) filter (where pcv is null or ckey is null or pvalue is null),"
        ~ " count(*) filter (where pcv not between 1 and 750 or ckey not between 0 and 255),"
        ~ " count(*) filter (where pvalue <> round(pvalue)),"
        ~ " count(*) filter (where pcv + pvalue < 0)"
        ~ " from " ~ relation
    ).rows[0] -%}
    {%- if stats[0] != 192000 or stats[1] != 192000 or stats[2] != 0 or stats[3] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": expected exactly 750 x 256 = 192000 rows, one per pcv 1..750 and ckey 0..255, with no NULLs; found " ~ stats[0] ~ " rows, " ~ stats[1] ~ " distinct (pcv, ckey), " ~ stats[2] ~ " rows with a NULL, " ~ stats[3] ~ " rows with pcv or ckey out of range.") }}
    {%- endif -%}
    {%- if stats[4] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": pvalue must be a whole number; " ~ stats[4] ~ " rows are not.") }}
    {%- endif -%}
    {%- if stats[5] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": " ~ stats[5] ~ " rows would make a count negative (pcv + pvalue < 0).") }}
    {%- endif -%}
{% endmacro %}


{# Checks the parameters D (var sdc_ckm_max_deviation) and V (var sdc_ckm_variance) of the generated table. #}
{% macro sdc_ckm_check_parameters(max_deviation, variance) %}
    {%- if max_deviation < 1 or max_deviation > 50 -%}
        {{ exceptions.raise_compiler_error("var sdc_ckm_max_deviation (D) must be a whole number from 1 to 50, got " ~ max_deviation) }}
    {%- endif -%}
    {%- set uniform_variance = max_deviation * (max_deviation + 1) / 3 -%}
    {%- if variance <= 0 or variance >= uniform_variance -%}
        {{ exceptions.raise_compiler_error("var sdc_ckm_variance (V) must be above 0 and below D(D+1)/3 = " ~ uniform_variance ~ " (the variance of a uniform perturbation on -D..D) for D = " ~ max_deviation ~ ", got " ~ variance) }}
    {%- endif -%}
{% endmacro %}


{#
    The generated perturbation table (D = max_deviation, V = variance); the
    construction is documented in int_sdc_perturbation_table and
    docs/disclosure-control.md.
#}
{% macro sdc_ckm_generated_ptable(max_deviation, variance) %}
{{- sdc_ckm_check_parameters(max_deviation, variance) }}
with half_widths as (

    -- m = min(pcv, D): the largest deviation allowed for a count
    select cast(range as integer) as half_width
    from range(1, {{ max_deviation }} + 1)

),

decays as (

    select
        cast(range as integer) as decay_step,
        range / 1000.0 as decay
    from range(0, 10001)

),

deviations as (

    select cast(range as integer) as deviation
    from range(-{{ max_deviation }}, {{ max_deviation }} + 1)

),

weighted as (

    select
        half_widths.half_width,
        decays.decay_step,
        decays.decay,
        deviations.deviation,
        exp(-decays.decay * deviations.deviation * deviations.deviation) as weight
    from half_widths
    cross join decays
    inner join deviations
        on abs(deviations.deviation) <= half_widths.half_width

),

distributions as (

    select
        half_width,
        decay_step,
        decay,
        deviation,
        weight / sum(weight) over (partition by half_width, decay_step) as probability
    from weighted

),

cumulative as (

    select
        *,
        sum(probability) over (
            partition by half_width, decay_step
            order by deviation
            rows between unbounded preceding and current row
        ) as cumulative_probability
    from distributions

),

keys_up_to as (

    -- number of cell keys c with (c + 0.5) / 256 <= F(d): keys with pvalue <= d
    select
        *,
        case
            when deviation = half_width then 256
            else least(256, greatest(0, cast(floor(256 * cumulative_probability - 0.5) as integer) + 1))
        end as n_keys_up_to
    from cumulative

),

key_ranges as (

    select
        *,
        coalesce(lag(n_keys_up_to) over (
            partition by half_width, decay_step order by deviation
        ), 0) as first_key
    from keys_up_to

),

candidates as (

    select
        half_width,
        decay_step,
        decay,
        sum((n_keys_up_to - first_key) * deviation * deviation) / 256.0 as realised_variance,
        sum(probability * deviation * deviation) as model_variance
    from key_ranges
    group by half_width, decay_step, decay

),

chosen as (

    select
        half_width,
        decay_step
    from candidates
    qualify row_number() over (
        partition by half_width
        order by
            abs(realised_variance - {{ variance }}),
            abs(model_variance - {{ variance }}),
            decay_step
    ) = 1

),

key_table as (

    -- per half width m: ckey -> deviation, keys in ascending order of deviation
    select
        key_ranges.half_width,
        cast(ckeys.range as integer) as ckey,
        key_ranges.deviation as pvalue
    from key_ranges
    inner join chosen
        on key_ranges.half_width = chosen.half_width
        and key_ranges.decay_step = chosen.decay_step
    inner join range(0, 256) as ckeys
        on
            key_ranges.first_key <= ckeys.range
            and key_ranges.n_keys_up_to > ckeys.range

),

cell_values as (

    select cast(range as integer) as pcv
    from range(1, 751)

),

generated as (

    select
        cell_values.pcv,
        key_table.ckey,
        key_table.pvalue
    from cell_values
    inner join key_table
        on key_table.half_width = least(cell_values.pcv, {{ max_deviation }})

)

select
    pcv,
    ckey,
    pvalue
from generated
{% endmacro %}


{#
    The body of int_sdc_perturbation_table: the user's table (var
    sdc_ptable_path, validated first) or the generated one.
#}
{% macro sdc_ckm_perturbation_table() %}
    {%- set ptable_path = var('sdc_ptable_path', none) -%}
    {%- if ptable_path -%}
        {{- sdc_ckm_validate_ptable(ptable_path) }}
    select
        cast(pcv as integer) as pcv,
        cast(ckey as integer) as ckey,
        cast(pvalue as integer) as pvalue
    from {{ sdc_ckm_read_ptable(ptable_path) }}
    {%- else %}
    {{ sdc_ckm_generated_ptable(var('sdc_ckm_max_deviation') | int, var('sdc_ckm_variance') | float) }}
    {%- endif %}
{% endmacro %}
