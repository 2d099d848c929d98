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
