DROP TABLE revoked_tokens;
DROP TABLE login_states;
