-- What the Compare page's choices are made of: result rows counted per architecture, dataset, metric and whether
-- they print a parameter or FLOP reduction, with the names of the architecture and dataset. The page needs no
-- more of the results view (loading its 10,000 rows took 0.2 s of the page's first render).
SELECT architecture, architecture_name, dataset, dataset_name, norm_metric,
       params_reduction_pct IS NOT NULL OR flops_reduction_pct IS NOT NULL AS reduced, count(*) AS rows
FROM results_points
GROUP BY ALL
ORDER BY ALL
