-- Saved workflows of a user; graph and plan are JSON kept as TEXT.
CREATE TABLE workflows (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    prompt TEXT NOT NULL,
    code TEXT NOT NULL,
    graph_json TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- when the current code (and so the current version) was written
    code_updated_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- serves list(): newest first, ties broken by id
CREATE INDEX workflows_owner_created_idx ON workflows (owner_id, created_at DESC, id DESC);

-- Earlier code of a workflow; created_at is when that version was written.
CREATE TABLE workflow_versions (
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    code TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (workflow_id, version)
);
