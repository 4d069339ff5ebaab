-- The published selection, defined here once for every reader (Compare, Frontier, `stats`, the audit, the API):
-- the rows of `results_points` (resource/operating_points.sql) that a source prints (reported, secondary or
-- imported), not PruneAtlas's re-runs. `published` leaves out sweep rows too (points of a hyper-parameter grid,
-- not chosen operating points); `published_with_sweeps` keeps them, for the pages' "include sweep rows" switch.
-- Each row keeps its operating point: add `WHERE op_primary` for one row per published number.
CREATE OR REPLACE VIEW published_with_sweeps AS
SELECT * FROM results_points WHERE source_kind <> 'reproduced';

CREATE OR REPLACE VIEW published AS
SELECT * FROM published_with_sweeps WHERE NOT sweep;
