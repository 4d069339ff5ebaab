-- One published operating point, one row. Quotes of the same published number (same originating paper,
-- method, setting and values) share an `op_key`; `op_primary` marks the one row that stands for them all:
-- the originating paper's own row when the atlas has it, else a reported, then imported, then secondary one.
-- Values are compared as printed to two decimals (accuracy, in the higher-is-better direction) and one
-- decimal (% removed), so 52.606635 % (a computed 2.11x) and a printed 52.6 % are the same point. A missing
-- value only matches a missing value. Re-runs and sweep rows (grid points, not chosen operating points) are
-- never merged: each is its own point. A table, computed once by the build: every page, count and export
-- reads it, and its keys and window took about 40 ms a read as a view (Compare reads it once per panel).
CREATE OR REPLACE TABLE operating_points AS
WITH keyed AS (
    SELECT
        result_id,
        paper_key,
        method_paper,
        source_kind,
        md5(CAST(struct_pack(
            paper := method_paper,
            method := method,
            architecture := architecture,
            dataset := dataset,
            metric := norm_metric,
            scope := scope,
            schedule := schedule,
            sweep := sweep,
            baseline := round(baseline_norm, 2),
            pruned := round(pruned_norm, 2),
            drop := round(acc_drop, 2),
            params := round(params_reduction_pct, 1),
            flops := round(flops_reduction_pct, 1),
            own := CASE WHEN source_kind = 'reproduced' OR sweep THEN result_id END
        ) AS VARCHAR)) AS op_key
    FROM results
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY op_key
            ORDER BY paper_key = method_paper DESC,
                CASE source_kind WHEN 'reported' THEN 0 WHEN 'imported' THEN 1 WHEN 'secondary' THEN 2 ELSE 3 END,
                result_id
        ) = 1 AS op_primary
    FROM keyed
),
quoted AS (
    SELECT op_key, count(*) AS op_sources, string_agg(DISTINCT paper_key, ', ' ORDER BY paper_key) AS op_quoted_by,
        string_agg(result_id, ', ' ORDER BY result_id) AS op_result_ids
    FROM ranked
    GROUP BY op_key
)
SELECT ranked.result_id, ranked.op_key, ranked.op_primary, quoted.op_sources, quoted.op_quoted_by, quoted.op_result_ids
FROM ranked JOIN quoted USING (op_key);

-- The results view with each row's operating point: `WHERE op_primary` gives one row per published number.
CREATE OR REPLACE VIEW results_points AS
SELECT results.*, op.* EXCLUDE (result_id)
FROM results JOIN operating_points AS op USING (result_id);
