-- Vadera & Ameen's Figure 4 for one architecture and dataset: one bar group per published operating point
-- (never an average of different points that share a printed label), with its % parameter and % FLOP
-- reductions, its accuracy drop, and the sources that quote it.
-- {source}: `published`, or `published_with_sweeps` to include sweep rows (resource/published.sql).
-- Parameters: $architecture, $dataset, $metric (a normalised metric, e.g. top1), and $survey (a paper key, or
-- NULL): when given, only the methods that paper names for this pair.
SELECT
    method_label,
    method_paper,
    method,
    category,
    params_reduction_pct,
    flops_reduction_pct,
    acc_drop,
    op_sources AS sources,
    op_quoted_by AS quoted_by,
    op_result_ids AS result_ids,
    result_id
FROM {source}
WHERE architecture = $architecture
  AND dataset = $dataset
  AND norm_metric = $metric
  AND op_primary
  AND (params_reduction_pct IS NOT NULL OR flops_reduction_pct IS NOT NULL)
  AND ($survey IS NULL OR method IN (
      SELECT method FROM results WHERE paper_key = $survey AND architecture = $architecture AND dataset = $dataset
  ))
ORDER BY coalesce(flops_reduction_pct, params_reduction_pct) DESC, method_label, result_id
