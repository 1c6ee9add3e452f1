-- Users and the provider identities linked to them.
-- Ids are UUIDs stored as TEXT and times are UTC TIMESTAMPs so that the
-- PostgreSQL and SQLite schemas share one set of column types.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT,
    -- lower-cased copy of email: case-insensitive lookups without lower() in queries
    email_normalized TEXT,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    display_name TEXT,
    first_name TEXT,
    last_name TEXT,
    avatar_url TEXT,
    company_name TEXT,
    industry TEXT,
    role TEXT,
    usage_purpose TEXT,
    last_provider TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX users_email_normalized_idx ON users (email_normalized);

CREATE TABLE identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);

CREATE INDEX identities_user_id_idx ON identities (user_id);
