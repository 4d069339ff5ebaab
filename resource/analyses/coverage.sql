-- How much the atlas holds: published operating points (reported, secondary or imported; sweep rows not
-- counted; quotes of one published number by several sources counted once), the source rows behind them,
-- the papers they come from, those from 2019 or later, each Figure-4 panel, re-runs and conflicts.
WITH quoted AS (
    SELECT * FROM results_points WHERE source_kind IN ('reported', 'secondary', 'imported') AND NOT sweep
),
published AS (SELECT * FROM quoted WHERE op_primary)
SELECT 'published operating points' AS measure, count(*) AS value FROM published
UNION ALL SELECT 'published source rows (each quote counted)', count(*) FROM quoted
UNION ALL SELECT 'papers with published operating points', count(DISTINCT paper_key) FROM quoted
UNION ALL SELECT 'published operating points from papers of 2019 or later', count(*) FROM published WHERE year >= 2019
UNION ALL SELECT 'panel alexnet / imagenet', count(*) FROM published WHERE architecture = 'alexnet' AND dataset = 'imagenet'
UNION ALL SELECT 'panel resnet50 / imagenet', count(*) FROM published WHERE architecture = 'resnet50' AND dataset = 'imagenet'
UNION ALL SELECT 'panel resnet56 / cifar10', count(*) FROM published WHERE architecture = 'resnet56' AND dataset = 'cifar10'
UNION ALL SELECT 'panel vgg16-cifar / cifar10', count(*) FROM published WHERE architecture = 'vgg16-cifar' AND dataset = 'cifar10'
UNION ALL SELECT 'sweep rows', count(*) FROM results WHERE sweep
UNION ALL SELECT 'reproduced rows', count(*) FROM results WHERE source_kind = 'reproduced'
UNION ALL SELECT 'rows without a locator', count(*) FROM results WHERE locator IS NULL OR locator = ''
UNION ALL SELECT 'open conflicts', count(*) FROM conflicts
UNION ALL SELECT 'all rows', count(*) FROM results
UNION ALL SELECT 'all paper files', count(*) FROM papers
