{#
    The perturbation table of the cell key method: one row per pcv 1..750 and
    ckey 0..R-1 (R = var sdc_ckey_range; 750 x R rows) with the perturbation pvalue added to a count n
    whose pcv (sdc_ckm_pcv) and cell key match. ONS cell-key-perturbation layout.

    With var sdc_ptable_path set, the user's table (CSV or Parquet, columns
    pcv, ckey, pvalue) is validated and used as it is. Otherwise the table is
    generated (macro sdc_ckm_generated_ptable) from D = var sdc_ckm_max_deviation
    and V = var sdc_ckm_variance:

    1. For a count n the perturbation d ranges over -m..m with m = min(n, D):
       symmetric truncation, so n + d >= 0 (no negative counts) and the mean
       is exactly 0 for every n, small counts included.
    2. p(d) is proportional to exp(-lambda * d^2), lambda >= 0 (a discretised normal).
    3. The R cell keys are spread over -m..m by cumulative probability:
       ckey c gets the smallest d with F(d) >= (c + 0.5) / R, ckeys in
       ascending order of d. The midpoints are symmetric about 1/2, so the
       realised key counts are symmetric too (realised mean exactly 0).
    4. lambda is found by grid search (0 to 10 in steps of 0.001) per m: the
       lambda whose realised variance over the R keys is closest to V (ties:
       closest model variance, then smallest lambda). When V is out of reach
       for a small count (m = 1: at most 2/3, uniform over -1, 0, 1) the
       search ends at lambda = 0, the widest distribution allowed.
    Counts 0 have no row, so they get pvalue 0 and stay zero.
#}

with perturbation_table as (

    {{ sdc_ckm_perturbation_table() }}

)

select
    pcv,
    ckey,
    pvalue
from perturbation_table
