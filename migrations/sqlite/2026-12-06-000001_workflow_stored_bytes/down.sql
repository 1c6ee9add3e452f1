ALTER TABLE workflows DROP COLUMN stored_bytes;
