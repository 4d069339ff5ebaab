-- Published claims beside our re-runs of them. gap = re-run minus claim, in the claim's metric
-- (accuracy normalised so that error rates read as accuracies); drop_gap compares the accuracy drops. The claim's
-- quote travels with it: some claims are words or bounds ("comparable", "more than 0.4 points"), not numbers.
CREATE OR REPLACE VIEW reproductions AS
SELECT
    p.result_id AS claim_id,
    p.paper_key AS claim_paper,
    p.method_label AS claim_label,
    p.architecture,
    p.dataset,
    p.norm_metric AS metric,
    p.baseline_norm AS claim_baseline,
    p.pruned_norm AS claim_pruned,
    p.acc_drop AS claim_drop,
    p.params_reduction_pct AS claim_params_reduction_pct,
    p.locator AS claim_locator,
    p.quote AS claim_quote,
    r.result_id AS rerun_id,
    r.method_label AS rerun_label,
    r.baseline_norm AS rerun_baseline,
    r.pruned_norm AS rerun_pruned,
    r.pruned_std AS rerun_std,
    r.num_runs AS rerun_runs,
    r.acc_drop AS rerun_drop,
    r.params_reduction_pct AS rerun_params_reduction_pct,
    r.pruned_norm - p.pruned_norm AS gap,
    r.acc_drop - p.acc_drop AS drop_gap,
    -- one figure per claim, positive when the re-run did better: from pruned accuracy where the claim prints
    -- one, else from the drops against each side's own dense baseline (claims printed as a change)
    COALESCE(gap, -drop_gap) AS overall_gap,
    CASE WHEN gap IS NOT NULL THEN 'pruned accuracy' WHEN drop_gap IS NOT NULL THEN 'accuracy drop' END AS gap_basis,
    r.command,
    -- the recipe behind the re-run: it tells apart several re-runs of one claim (e.g. 20 and 200 epochs)
    NULLIF(regexp_extract(r.command, 'recipes run ([^ ]+)', 1), '') AS rerun_recipe,
    r.cpu_time_s,
    r.wall_time_s,
    r.notes AS rerun_notes
FROM results AS r
JOIN results AS p ON p.result_id = r.reproduces
WHERE r.source_kind = 'reproduced';
