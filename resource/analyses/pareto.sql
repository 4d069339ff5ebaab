-- The Pareto front of accuracy drop (lower is better) against a reduction (higher is better).
-- A row is on the front when no other row of its group removes at least as much with at most the same drop,
-- and is strictly better in one of the two. Placeholders: {x}, {y}, {source}, {where}, {partition} (a
-- comma-separated list of checked columns, or a constant for one group).
WITH points AS (
    SELECT *, {x} AS _x, {y} AS _y, ({partition}) AS _group
    FROM {source}
    WHERE {where} AND {x} IS NOT NULL AND {y} IS NOT NULL
),
distinct_points AS (
    SELECT DISTINCT _group, _x, _y FROM points
),
swept AS (
    SELECT
        _group, _x, _y,
        min(_y) OVER (
            PARTITION BY _group ORDER BY _x DESC, _y ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS best_drop_with_more_removed
    FROM distinct_points
),
front AS (
    SELECT _group, _x, _y FROM swept
    WHERE best_drop_with_more_removed IS NULL OR _y < best_drop_with_more_removed
)
SELECT points.* EXCLUDE (_x, _y, _group), front._x IS NOT NULL AS on_front
FROM points
LEFT JOIN front ON points._group IS NOT DISTINCT FROM front._group AND points._x = front._x AND points._y = front._y
