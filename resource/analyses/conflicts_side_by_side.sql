-- Each conflict with both sources side by side: the differing field and values, and for each side its paper,
-- label, locator, quote and source address, so a reader can open both and see which one is right.
SELECT
    c.field,
    c.value_a,
    c.value_b,
    a.paper_key AS paper_a,
    b.paper_key AS paper_b,
    a.method_label AS label_a,
    b.method_label AS label_b,
    c.locator_a,
    c.locator_b,
    a.quote AS quote_a,
    b.quote AS quote_b,
    coalesce(a.source_url, a.paper_url) AS url_a,
    coalesce(b.source_url, b.paper_url) AS url_b,
    c.method_paper,
    c.method,
    c.architecture,
    c.dataset,
    c.metric,
    c.result_a,
    c.result_b
FROM conflicts AS c
JOIN results AS a ON a.result_id = c.result_a
JOIN results AS b ON b.result_id = c.result_b
ORDER BY c.method_paper, c.architecture, c.dataset, c.result_a, c.field
