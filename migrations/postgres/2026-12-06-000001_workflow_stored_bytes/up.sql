-- What each workflow occupies (its texts and its kept versions' code, in bytes), kept up to
-- date by every write, so the per-user byte quota is a sum over at most
-- MAX_WORKFLOWS_PER_USER small integers instead of a scan of every stored text.
ALTER TABLE workflows ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;

UPDATE workflows SET stored_bytes =
    octet_length(name) + octet_length(description) + octet_length(prompt)
    + octet_length(code) + octet_length(graph_json) + octet_length(plan_json)
    + COALESCE((SELECT SUM(octet_length(v.code)) FROM workflow_versions v
                WHERE v.workflow_id = workflows.id), 0);
