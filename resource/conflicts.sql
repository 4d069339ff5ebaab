-- Results that two sources give differently for the same published operating point, with both sources and,
-- where the originating paper's own row or a corroborating source decides it, the side likely right.
CREATE OR REPLACE VIEW conflicts AS
SELECT
    c.field,
    c.result_a,
    a.file AS file_a,
    a.locator AS locator_a,
    c.value_a,
    c.result_b,
    b.file AS file_b,
    b.locator AS locator_b,
    c.value_b,
    c.likely_right,
    a.method_paper,
    a.method,
    a.architecture,
    a.dataset,
    a.metric
FROM conflict_pairs AS c
JOIN results AS a ON a.result_id = c.result_a
JOIN results AS b ON b.result_id = c.result_b;
