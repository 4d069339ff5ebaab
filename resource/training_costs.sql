-- Claims about what running a method costs (time or epochs), and our re-runs of them. Typed here, so the view has
-- the same shape whether or not the atlas holds any cost claim yet.
CREATE OR REPLACE VIEW training_costs AS
SELECT
    result_id::VARCHAR AS result_id,
    paper_key::VARCHAR AS paper_key,
    year::INTEGER AS year,
    source_kind::VARCHAR AS source_kind,
    method::VARCHAR AS method,
    method_label::VARCHAR AS method_label,
    method_paper::VARCHAR AS method_paper,
    method_name::VARCHAR AS method_name,
    architecture::VARCHAR AS architecture,
    dataset::VARCHAR AS dataset,
    quantity::VARCHAR AS quantity,
    scope::VARCHAR AS scope,
    value::DOUBLE AS value,
    std::DOUBLE AS std,
    unit::VARCHAR AS unit,
    seconds::DOUBLE AS seconds,
    seconds_std::DOUBLE AS seconds_std,
    relative_to::VARCHAR AS relative_to,
    relative_label::VARCHAR AS relative_label,
    percent_of_reference::DOUBLE AS percent_of_reference,
    comparison::VARCHAR AS comparison,
    hardware::VARCHAR AS hardware,
    accuracy_claim::VARCHAR AS accuracy_claim,
    num_runs::INTEGER AS num_runs,
    locator::VARCHAR AS locator,
    extraction::VARCHAR AS extraction,
    quote::VARCHAR AS quote,
    precision::VARCHAR AS precision,
    source_url::VARCHAR AS source_url,
    source_commit::VARCHAR AS source_commit,
    notes::VARCHAR AS notes,
    reproduces::VARCHAR AS reproduces,
    config_hash::VARCHAR AS config_hash,
    command::VARCHAR AS command,
    cpu_time_s::DOUBLE AS cpu_time_s,
    wall_time_s::DOUBLE AS wall_time_s,
    file::VARCHAR AS file
FROM training_costs_base;

-- A published cost claim beside our re-run of it. The comparison the claim makes (its share of the reference
-- method's cost) is what a re-run on other hardware can test; absolute seconds are shown, not compared.
-- gap = re-run minus claim, in percentage points of the reference's cost (negative = the re-run was cheaper).
CREATE OR REPLACE VIEW cost_reproductions AS
SELECT
    p.result_id AS claim_id,
    p.paper_key AS claim_paper,
    p.method_label AS claim_label,
    p.architecture,
    p.dataset,
    p.quantity,
    p.scope AS claim_scope,
    p.relative_label AS claim_reference,
    p.percent_of_reference AS claim_percent,
    p.comparison AS claim_comparison,
    p.value AS claim_value,
    p.unit AS claim_unit,
    p.hardware AS claim_hardware,
    p.locator AS claim_locator,
    p.quote AS claim_quote,
    r.result_id AS rerun_id,
    r.method_label AS rerun_label,
    r.architecture AS rerun_architecture,
    r.dataset AS rerun_dataset,
    r.scope AS rerun_scope,
    r.percent_of_reference AS rerun_percent,
    r.value AS rerun_value,
    r.std AS rerun_std,
    r.unit AS rerun_unit,
    r.num_runs AS rerun_runs,
    r.hardware AS rerun_hardware,
    r.percent_of_reference - p.percent_of_reference AS gap,
    r.command,
    r.cpu_time_s,
    r.wall_time_s,
    r.notes AS rerun_notes
FROM training_costs AS r
JOIN training_costs AS p ON p.result_id = r.reproduces
WHERE r.source_kind = 'reproduced';
