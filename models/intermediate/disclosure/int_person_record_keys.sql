{#
    A stable random record key 0..255 per person for the cell key method.
    It is a keyed hash of the person id: the key (env STUDENTFLOW_RECORD_KEY_SEED)
    must be kept secret by whoever publishes, because anyone who knows it
    could recompute the noise and undo the perturbation.
#}
with persons as (

    select person_id from {{ ref('stg_scb__persons') }}

),

keyed as (

    select
        person_id,
        {{ sdc_record_key('person_id') }} as record_key
    from persons

)

select * from keyed
