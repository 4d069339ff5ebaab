-- Vadera & Ameen's Figure 4 for one architecture and dataset: per printed method label (and the paper it
-- comes from), the % parameter and % FLOP reductions and the drop in top-1 accuracy, averaged over sources.
-- Parameters: $architecture, $dataset, $metric (a normalised metric, e.g. top1), $include_sweep.
SELECT
    method_label,
    method_paper,
    any_value(method) AS method,
    any_value(category) AS category,
    avg(params_reduction_pct) AS params_reduction_pct,
    avg(flops_reduction_pct) AS flops_reduction_pct,
    avg(acc_drop) AS acc_drop,
    count(*) AS sources,
    string_agg(result_id, ', ' ORDER BY result_id) AS result_ids
FROM {source}
WHERE architecture = $architecture
  AND dataset = $dataset
  AND norm_metric = $metric
  AND (NOT sweep OR $include_sweep)
  AND source_kind <> 'reproduced'
  AND (params_reduction_pct IS NOT NULL OR flops_reduction_pct IS NOT NULL)
GROUP BY method_label, method_paper
ORDER BY coalesce(avg(flops_reduction_pct), avg(params_reduction_pct)) DESC, method_label
