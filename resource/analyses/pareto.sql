-- The Pareto front of accuracy drop (lower is better) against a reduction (higher is better).
-- A row is on the front when no other row of its group removes at least as much with at most the same drop,
-- and is strictly better in one of the two. Equivalently: its drop is the lowest at its reduction, and lower
-- than every drop at a larger reduction. So the window runs over one row per (group, reduction), not over
-- every row, and identical points share their place on the front.
-- Placeholders (checked in pruneatlas/analyses.py): {x}, {y}, {source}, {where}, {groups} (group columns
-- followed by a comma, or nothing), {partition} (PARTITION BY ..., or nothing), {same_group} (join
-- conditions on the group columns, or TRUE), {join} (LEFT: every row with `on_front`; INNER: the front only).
WITH lowest AS (
    SELECT {groups} {x} AS _x, min({y}) AS _y
    FROM {source}
    WHERE ({where}) AND {x} IS NOT NULL AND {y} IS NOT NULL
    GROUP BY ALL
),
front AS (
    SELECT * FROM lowest
    QUALIFY coalesce(_y < min(_y) OVER ({partition} ORDER BY _x DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), TRUE)
)
SELECT points.*, front._x IS NOT NULL AS on_front
FROM (SELECT * FROM {source} WHERE ({where}) AND {x} IS NOT NULL AND {y} IS NOT NULL) AS points
{join} JOIN front ON {same_group} AND points.{x} = front._x AND points.{y} = front._y
