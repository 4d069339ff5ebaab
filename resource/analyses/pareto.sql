-- The Pareto front of accuracy drop (lower is better) against a reduction (higher is better).
-- A row is on the front when no other row of its group removes at least as much with at most the same drop,
-- and is strictly better in one of the two. One sorted window pass: walking each group from the largest
-- reduction down, a row is on the front when its drop is below every drop seen before it; identical points
-- (peers in the sort) are excluded from each other's frame, so duplicates stay on the front together.
-- Placeholders: {x}, {y}, {source}, {where}, {partition} (checked columns, or a constant for one group),
-- {keep} (TRUE: every row with its `on_front` flag; on_front: the front only).
WITH flagged AS (
    SELECT
        *,
        coalesce(
            {y} < min({y}) OVER (
                PARTITION BY {partition} ORDER BY {x} DESC, {y} ASC
                RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP
            ),
            TRUE
        ) AS on_front
    FROM {source}
    WHERE ({where}) AND {x} IS NOT NULL AND {y} IS NOT NULL
)
SELECT * FROM flagged WHERE {keep}
