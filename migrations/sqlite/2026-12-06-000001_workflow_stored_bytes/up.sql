-- What each workflow occupies (its texts and its kept versions' code, in bytes), kept up to
-- date by every write, so the per-user byte quota is a sum over at most
-- MAX_WORKFLOWS_PER_USER small integers instead of a scan of every stored text.
ALTER TABLE workflows ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;

-- length() of a BLOB counts bytes (of TEXT, characters).
UPDATE workflows SET stored_bytes =
    length(CAST(name AS BLOB)) + length(CAST(description AS BLOB)) + length(CAST(prompt AS BLOB))
    + length(CAST(code AS BLOB)) + length(CAST(graph_json AS BLOB)) + length(CAST(plan_json AS BLOB))
    + COALESCE((SELECT SUM(length(CAST(v.code AS BLOB))) FROM workflow_versions v
                WHERE v.workflow_id = workflows.id), 0);
