-- Single-use OAuth login states (only a hash of the state value is kept).
CREATE TABLE login_states (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX login_states_expires_at_idx ON login_states (expires_at);

-- Revoked JWT ids, kept until the token would have expired anyway.
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
