DROP INDEX workflows_owner_bytes_idx;
