-- The quota check on every create sums an owner's stored_bytes. In the table that means
-- reading each of the owner's rows, past their code, graph and plan (SQLite's overflow
-- pages); this index answers it from the index alone.
CREATE INDEX workflows_owner_bytes_idx ON workflows (owner_id, stored_bytes);
