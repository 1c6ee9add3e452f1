-- "Log out everywhere": tokens of the user issued before this instant are refused (NULL: none).
ALTER TABLE users ADD COLUMN sessions_valid_after TIMESTAMP;
