-- How much the atlas holds: published operating points (the `published` view: sweep rows not counted; quotes
-- of one published number by several sources counted once), the source rows behind them, the papers they come
-- from, those from 2019 or later, each Figure-4 panel, re-runs and conflicts.
WITH points AS (SELECT * FROM published WHERE op_primary)
SELECT 'published operating points' AS measure, count(*) AS value FROM points
UNION ALL SELECT 'published source rows (each quote counted)', count(*) FROM published
UNION ALL SELECT 'papers with published operating points', count(DISTINCT paper_key) FROM published
UNION ALL SELECT 'published operating points from papers of 2019 or later', count(*) FROM points WHERE year >= 2019
UNION ALL SELECT 'panel alexnet / imagenet', count(*) FROM points WHERE architecture = 'alexnet' AND dataset = 'imagenet'
UNION ALL SELECT 'panel resnet50 / imagenet', count(*) FROM points WHERE architecture = 'resnet50' AND dataset = 'imagenet'
UNION ALL SELECT 'panel resnet56 / cifar10', count(*) FROM points WHERE architecture = 'resnet56' AND dataset = 'cifar10'
UNION ALL SELECT 'panel vgg16-cifar / cifar10', count(*) FROM points WHERE architecture = 'vgg16-cifar' AND dataset = 'cifar10'
UNION ALL SELECT 'sweep rows', count(*) FROM results WHERE sweep
UNION ALL SELECT 'reproduced rows', count(*) FROM results WHERE source_kind = 'reproduced'
UNION ALL SELECT 'rows without a locator', count(*) FROM results WHERE locator IS NULL OR locator = ''
UNION ALL SELECT 'open conflicts', count(*) FROM conflicts
UNION ALL SELECT 'all rows', count(*) FROM results
UNION ALL SELECT 'all paper files', count(*) FROM papers
