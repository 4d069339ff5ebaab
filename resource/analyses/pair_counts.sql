-- The rows of a results view ({source}) counted per architecture and dataset, with their names: what a page's
-- choice of pair is made of, without loading the view's 10,000 rows (0.2 s of the page's first render).
SELECT architecture, architecture_name, dataset, dataset_name, count(*) AS rows
FROM {source}
GROUP BY ALL
ORDER BY ALL
