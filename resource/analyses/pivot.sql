-- A pivot with totals: one aggregate per (row, column) cell, per row, per column and overall.
-- Placeholders (checked identifiers only): {row}, {col}, {agg}, {source}, {where}.
SELECT
    CAST({row} AS VARCHAR) AS row_key,
    CAST({col} AS VARCHAR) AS col_key,
    GROUPING({row}) AS row_total,
    GROUPING({col}) AS col_total,
    {agg} AS value
FROM {source}
WHERE {where}
GROUP BY GROUPING SETS (({row}, {col}), ({row}), ({col}), ())
