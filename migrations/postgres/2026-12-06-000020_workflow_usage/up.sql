-- Each user's workflow count and stored bytes (the sum of their workflows' stored_bytes),
-- kept by every write in the same transaction, so the quota check on a save reads and
-- updates one row instead of counting and summing all of the owner's workflows.
CREATE TABLE workflow_usage (
    owner_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workflows BIGINT NOT NULL,
    stored_bytes BIGINT NOT NULL
);

-- PostgreSQL's SUM of a BIGINT is a NUMERIC.
INSERT INTO workflow_usage (owner_id, workflows, stored_bytes)
SELECT u.id, COUNT(w.id), CAST(COALESCE(SUM(w.stored_bytes), 0) AS BIGINT)
FROM users u LEFT JOIN workflows w ON w.owner_id = u.id
GROUP BY u.id;
