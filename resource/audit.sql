-- What a reviewer checks of each audited row: where its numbers were read, and the row as recorded.
SELECT
    r.result_id,
    r.file,
    r.source_url,
    r.source_commit,
    r.collection,
    r.collection_row,
    r.locator,
    r.extraction,
    r.quote,
    r.record,
    p.url AS paper_url,
    p.doi,
    p.arxiv
FROM results AS r
JOIN papers AS p USING (paper_key)
