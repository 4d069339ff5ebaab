-- The `results` view: the contract every other part relies on (see README, "The results table").
-- Derived values are computed once, by pruneatlas/derive.py; this view fixes their SQL types.
CREATE OR REPLACE VIEW results AS
SELECT * REPLACE (
    CAST(year AS INTEGER) AS year,
    CAST(structured AS BOOLEAN) AS structured,
    CAST(baseline_acc AS DOUBLE) AS baseline_acc,
    CAST(pruned_acc AS DOUBLE) AS pruned_acc,
    CAST(acc_drop AS DOUBLE) AS acc_drop,
    CAST(params_baseline AS DOUBLE) AS params_baseline,
    CAST(params_pruned AS DOUBLE) AS params_pruned,
    CAST(params_reduction_pct AS DOUBLE) AS params_reduction_pct,
    CAST(compression_ratio AS DOUBLE) AS compression_ratio,
    CAST(flops_baseline AS DOUBLE) AS flops_baseline,
    CAST(flops_pruned AS DOUBLE) AS flops_pruned,
    CAST(flops_reduction_pct AS DOUBLE) AS flops_reduction_pct,
    CAST(speedup AS DOUBLE) AS speedup,
    CAST(baseline_norm AS DOUBLE) AS baseline_norm,
    CAST(pruned_norm AS DOUBLE) AS pruned_norm,
    CAST(baseline_std AS DOUBLE) AS baseline_std,
    CAST(pruned_std AS DOUBLE) AS pruned_std,
    CAST(secondary_baseline AS DOUBLE) AS secondary_baseline,
    CAST(secondary_pruned AS DOUBLE) AS secondary_pruned,
    CAST(secondary_drop AS DOUBLE) AS secondary_drop,
    CAST(num_runs AS INTEGER) AS num_runs,
    CAST(finetune_epochs AS DOUBLE) AS finetune_epochs,
    CAST(distillation AS BOOLEAN) AS distillation,
    CAST(quantized AS BOOLEAN) AS quantized,
    CAST(sweep AS BOOLEAN) AS sweep,
    CAST(reimplemented AS BOOLEAN) AS reimplemented,
    CAST(runtime_speedup AS DOUBLE) AS runtime_speedup,
    CAST(cpu_time_s AS DOUBLE) AS cpu_time_s,
    CAST(wall_time_s AS DOUBLE) AS wall_time_s
)
FROM results_base;
