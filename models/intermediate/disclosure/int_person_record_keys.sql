{#
    A stable random record key 0..R-1 per person for the cell key method
    (R = var sdc_ckey_range). Two sources (var sdc_record_keys):
    - hash (default): a keyed hash of the person id; the key (env
      STUDENTFLOW_RECORD_KEY_SEED) must be kept secret by whoever publishes,
      because anyone who knows it could recompute the noise and undo it;
    - delivered: the key stored per person by the register holder (optional
      column RecordKey in personer), so every publication from the same
      register - ours and others' - perturbs the same persons the same way.
      Every person must have one in 0..R-1 (tests below).
#}
{%- set record_keys = var('sdc_record_keys', 'hash') -%}
{%- if record_keys not in ['hash', 'delivered'] -%}
    {{ exceptions.raise_compiler_error("var sdc_record_keys must be 'hash' or 'delivered' (column RecordKey in personer), got '" ~ record_keys ~ "'") }}
{%- endif -%}
{%- if record_keys == 'delivered' -%}
    {%- set key_expression = 'cast(delivered_record_key as integer)' -%}
{%- else -%}
    {%- set key_expression = sdc_record_key('person_id') -%}
{%- endif %}

with persons as (

    select
        person_id,
        delivered_record_key
    from {{ ref('stg_scb__persons') }}

),

keyed as (

    select
        person_id,
        {{ key_expression }} as record_key
    from persons

)

select * from keyed
